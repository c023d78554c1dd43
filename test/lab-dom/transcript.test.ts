import type { IConversationRecord } from '../../src/conversation/conversationRecord';
import type { AgentEvent } from '../../src/agent/events';
import type { IExecutionResult } from '../../src/kernel/executionResult';
import { Transcript, type TranscriptEntry } from '../../src/lab/transcript';

function result(
  status: IExecutionResult['status'],
  executionCount: number | null,
  error?: IExecutionResult['error']
): IExecutionResult {
  return {
    status,
    executionCount,
    outputs: [],
    durationMs: 1,
    outputDroppedByServer: false,
    stdinRequested: false,
    kernelUnresponsive: false,
    error
  };
}

describe('Transcript', () => {
  it('follows a turn: prompt, streamed answer, a failing cell revised and run again', () => {
    const transcript = new Transcript();
    const changes: Transcript.IChange['type'][] = [];
    transcript.changed.connect((_, change) => changes.push(change.type));
    const events: AgentEvent[] = [
      { type: 'turn-start', turn: 1, prompt: 'sum 1..10' },
      { type: 'model-request', protocol: 'tools', messages: [], tools: true },
      { type: 'model-delta', text: 'Let me ' },
      { type: 'model-delta', text: 'compute.' },
      {
        type: 'model-response',
        content: 'Let me compute.',
        toolCalls: [],
        finishReason: 'tool_calls',
        usage: { promptTokens: 1, completionTokens: 1 }
      },
      { type: 'cell-inserted', cellId: 'c1', cellType: 'code', source: 'print(sum(range(1, 11))' },
      { type: 'execution-start', cellId: 'c1', attempt: 1, maxAttempts: 3 },
      {
        type: 'execution-end',
        cellId: 'c1',
        attempt: 1,
        maxAttempts: 3,
        result: result('error', 1, { ename: 'SyntaxError', evalue: "'(' was never closed" })
      },
      { type: 'model-request', protocol: 'tools', messages: [], tools: true },
      {
        type: 'model-response',
        content: '',
        toolCalls: [],
        finishReason: 'tool_calls',
        usage: { promptTokens: 1, completionTokens: 1 }
      },
      {
        type: 'cell-revised',
        cellId: 'c1',
        source: 'print(sum(range(1, 11)))',
        previousSource: 'print(sum(range(1, 11))'
      },
      { type: 'execution-start', cellId: 'c1', attempt: 2, maxAttempts: 3 },
      { type: 'execution-end', cellId: 'c1', attempt: 2, maxAttempts: 3, result: result('ok', 2) },
      { type: 'turn-end', outcome: 'completed', executions: 2, tokens: 10, durationMs: 5 }
    ];
    events.forEach(event => transcript.handle(event));
    const summary = transcript.entries.map((entry: TranscriptEntry) => {
      switch (entry.kind) {
        case 'user':
        case 'assistant':
          return `${entry.kind}: ${entry.text}`;
        case 'step':
          return `step ${entry.state} ${entry.label}${entry.detail ? ` ${entry.detail}` : ''}${entry.attempt ? ` ${entry.attempt}/${entry.maxAttempts}` : ''}${entry.executionCount ? ` [${entry.executionCount}]` : ''}`;
        case 'turn-end':
          return `end ${entry.turn} ${entry.outcome}`;
        default:
          return entry.kind;
      }
    });
    expect(summary).toEqual([
      'user: sum 1..10',
      'assistant: Let me compute.',
      'step info Wrote',
      "step error Error in SyntaxError: '(' was never closed 1/3 [1]",
      'step revised Revised',
      'step ok Ran 2/3 [2]',
      'end 1 completed'
    ]);
    expect(transcript.thinking).toBe(false);
    expect(changes).toContain('thinking');
    expect(changes.filter(type => type === 'changed').length).toBeGreaterThanOrEqual(3);
  });

  it('shows a saved conversation with its turns, steps and undone marks', () => {
    const record: IConversationRecord & { turns: { undoneAt?: string }[] } = {
      version: 1,
      protocol: 'tools',
      model: 'm',
      messages: [
        { role: 'user', content: 'first' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'execute_code', arguments: '{"code":"1/0"}' } }]
        },
        { role: 'tool', tool_call_id: 't1', content: 'cell_id: c1\nstatus: error\noutput:\nZeroDivisionError' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't2', type: 'function', function: { name: 'edit_cell', arguments: '{}' } }]
        },
        { role: 'tool', tool_call_id: 't2', content: 'cell_id: c1\nstatus: ok\noutput:\n' },
        { role: 'assistant', content: 'Fixed.' },
        { role: 'user', content: 'second' },
        { role: 'assistant', content: 'Nothing to run.' }
      ],
      turns: [
        {
          prompt: 'first',
          startedAt: '',
          outcome: 'completed',
          cells: [{ cellId: 'c1', previousSource: null }],
          executions: 2,
          undoneAt: 'x'
        },
        { prompt: 'second', startedAt: '', outcome: 'completed', cells: [], executions: 0 }
      ]
    };
    const transcript = new Transcript();
    let resets = 0;
    transcript.changed.connect((_, change) => (resets += change.type === 'reset' ? 1 : 0));
    transcript.restore(record);
    expect(resets).toBe(1);
    expect(
      transcript.entries.map(entry => [
        entry.kind,
        'label' in entry
          ? entry.label
          : 'text' in entry
            ? entry.text
            : entry.kind === 'turn-end'
              ? `${entry.turn}:${entry.undone}`
              : ''
      ])
    ).toEqual([
      ['user', 'first'],
      ['step', 'error in'],
      ['step', 'Revised and ran'],
      ['assistant', 'Fixed.'],
      ['turn-end', '1:true'],
      ['user', 'second'],
      ['assistant', 'Nothing to run.'],
      ['turn-end', '2:false']
    ]);
    const steps = transcript.entries.filter((entry): entry is Transcript.IStepEntry => entry.kind === 'step');
    expect(steps.map(step => step.cellId)).toEqual(['c1', 'c1']);
  });

  it('treats text-protocol execution results as steps, not prompts', () => {
    const transcript = new Transcript();
    transcript.restore({
      version: 1,
      protocol: 'text',
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: '```python\n1/0\n```' },
        { role: 'user', content: 'Execution result: \nTraceback (most recent call last):\nZeroDivisionError' }
      ],
      turns: [{ prompt: 'go', startedAt: '', outcome: 'gave-up', cells: [], executions: 1 }]
    });
    expect(transcript.entries.map(entry => entry.kind)).toEqual(['user', 'assistant', 'step', 'turn-end']);
    expect(transcript.entries.filter(entry => entry.kind === 'user')).toHaveLength(1);
  });

  it("shows each turn's prompt without the notes sent with it, and a call written in the text as a step", () => {
    const transcript = new Transcript();
    transcript.restore({
      version: 1,
      protocol: 'tools',
      messages: [
        { role: 'user', content: 'The notebook as it is now (latest cells last):\n--- cell a ---\nx = 1\n\nPrint x.' },
        {
          role: 'assistant',
          content: '<tool_call>{"name": "execute_code", "arguments": {"code": "print(x)"}}</tool_call>'
        },
        { role: 'user', content: 'Execution result: \ncell_id: c1\nstatus: ok\noutput:\n1' },
        { role: 'assistant', content: 'x is 1.' },
        { role: 'user', content: "The kernel's state:\nx: int = 2\n\nAnd now?" },
        { role: 'user', content: 'Nothing was run: to run code, call the execute_code tool.' }
      ],
      turns: [
        { prompt: 'Print x.', startedAt: '', outcome: 'completed', cells: [], executions: 1, messageIndex: 0 },
        { prompt: 'And now?', startedAt: '', outcome: 'completed', cells: [], executions: 0, messageIndex: 4 }
      ]
    });
    const users = transcript.entries
      .filter(entry => entry.kind === 'user')
      .map(entry => ('text' in entry ? entry.text : ''));
    expect(users).toEqual(['Print x.', 'And now?']);
    expect(transcript.entries.map(entry => entry.kind)).toEqual([
      'user',
      'assistant',
      'step',
      'assistant',
      'turn-end',
      'user',
      'turn-end'
    ]);
  });
});
