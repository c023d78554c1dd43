import type { ChatMessage } from '../../src/conversation/conversationRecord';
import { ContextWindow, ELIDED_OUTPUT } from '../../src/agent/contextWindow';
import { ApproximateTokenCounter } from '../../src/feedback/approximateTokenCounter';

/**
 * A conversation of `turns` tool-protocol turns, each with a large output.
 */
function conversation(turns: number): { messages: ChatMessage[]; starts: number[] } {
  const messages: ChatMessage[] = [];
  const starts: number[] = [];
  for (let turn = 0; turn < turns; turn++) {
    starts.push(messages.length);
    messages.push({ role: 'user', content: `Request ${turn}` });
    messages.push({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: `c${turn}`, type: 'function', function: { name: 'execute_code', arguments: '{"code": "print(1)"}' } }
      ]
    });
    messages.push({
      role: 'tool',
      tool_call_id: `c${turn}`,
      content: `cell_id: x${turn}\nstatus: ok\noutput:\n${'word '.repeat(800)}`
    });
    messages.push({ role: 'assistant', content: `Done with request ${turn}.` });
  }
  return { messages, starts };
}

describe('ContextWindow', () => {
  const counter = new ApproximateTokenCounter();
  const window = new ContextWindow(counter);
  const tokens = (messages: ChatMessage[]) =>
    messages.reduce((sum, message) => sum + counter.count(JSON.stringify(message)), 0);

  it('sends everything when it fits', () => {
    const { messages, starts } = conversation(2);
    expect(window.fit(messages, starts, 100_000)).toBe(messages);
  });

  it('elides earlier outputs first, keeping what happened and the current turn whole', () => {
    const { messages, starts } = conversation(3);
    const fitted = window.fit(messages, starts, 2500);
    expect(fitted).toHaveLength(messages.length);
    expect(fitted[2]).toEqual({
      role: 'tool',
      tool_call_id: 'c0',
      content: `cell_id: x0\nstatus: ok\n${ELIDED_OUTPUT}`
    });
    expect(fitted[fitted.length - 2]).toBe(messages[messages.length - 2]);
  });

  it('keeps the tokens sent bounded however long the conversation grows', () => {
    const sizes = [10, 100, 1000].map(turns => {
      const { messages, starts } = conversation(turns);
      const fitted = window.fit(messages, starts, 3000);
      // Turns are dropped whole: the window starts at a prompt, and tool calls keep their results.
      expect(fitted[0]).toMatchObject({ role: 'user' });
      return tokens(fitted);
    });
    // Measured on the JSON sent, which adds keys and ids to the text the window counts.
    expect(Math.max(...sizes)).toBeLessThan(2 * 3000);
    expect(sizes[2]).toBeLessThanOrEqual(sizes[1] + 200);
  });

  it('elides the older outputs of a turn that alone outgrows the budget, never its prompt nor its latest output', () => {
    // One text-protocol turn in which the model sent failing code back again and again.
    const result = `Execution result: \nTraceback (most recent call last):\n${'frame line\n'.repeat(300)}TypeError: no`;
    const messages: ChatMessage[] = [{ role: 'user', content: 'What is the mean of the region column?' }];
    for (let i = 0; i < 8; i++) {
      messages.push({ role: 'assistant', content: '```python\nprint(df["region"].mean())\n```' });
      messages.push({ role: 'user', content: result });
    }
    const fresh = new ContextWindow(counter);
    const fitted = fresh.fit(messages, [0], 2000);
    expect(fitted).toHaveLength(messages.length);
    expect(fitted[0]).toBe(messages[0]);
    expect(fitted[fitted.length - 1]).toBe(messages[messages.length - 1]);
    expect(fitted[2]).toEqual({ role: 'user', content: `Execution result: \n${ELIDED_OUTPUT}` });
    expect(fitted.filter(message => message.role === 'assistant')).toEqual(
      messages.filter(message => message.role === 'assistant')
    );
    expect(tokens(fitted)).toBeLessThan(2000);
    // The next request of the turn keeps what was elided, and elides no more while it fits.
    const next = [...messages, { role: 'assistant', content: 'Sorry.' } as ChatMessage];
    expect(fresh.fit(next, [0], 2000).slice(0, fitted.length)).toEqual(fitted);
  });
});
