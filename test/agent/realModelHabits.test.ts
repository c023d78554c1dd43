import { createTiktokenCounter } from '../../src/feedback/tiktokenCounter';
import { ModelClient } from '../../src/model/modelClient';
import type { ChatMessage } from '../../src/conversation/conversationRecord';
import { AgentHarness, codeCells, contentText, text } from '../support/agentHarness';

/**
 * What real small models send, on the scripted server (so the assertions are exact): calls
 * written into the text, invented execution results, the same code again, and the requests that
 * must keep a server's prompt cache and context window.
 */
describe('Agent with what real models send', () => {
  const harness = AgentHarness.forSuite();

  const call = (code: string) => JSON.stringify({ name: 'execute_code', arguments: { code } });
  const contentForms: [string, (code: string) => string][] = [
    ['<tool_call> tags', code => `<tool_call>\n${call(code)}\n</tool_call>`],
    ['a fenced json block', code => `I will compute it.\n\`\`\`json\n${call(code)}\n\`\`\``],
    [
      'the <function name arguments> form',
      code => `<tools>\n  <function name="execute_code" arguments='${JSON.stringify({ code })}'>\n</tools>`
    ],
    ['a bare JSON object', code => `Running: ${call(code)}`]
  ];

  it.each(contentForms)('runs a call written as %s, and shows the rest as text', async (_, form) => {
    const { agent, notebook, model, events } = await harness.setUp([
      text(form('print(sum([3, 5, 10, 12]) / 4)')),
      text('The mean is 7.5.')
    ]);
    const result = await agent.run('Compute the mean of 3, 5, 10, 12.');
    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    const cells = codeCells(notebook);
    expect(cells).toHaveLength(1);
    expect(cells[0].source).toBe('print(sum([3, 5, 10, 12]) / 4)');
    expect(cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '7.5\n' }]);
    // The result reached the model, and what the user read of the first answer has no markup.
    expect(contentText(model.requests[1].body.messages.at(-1)?.content)).toContain('7.5');
    const shown = events.filter(event => event.type === 'model-response').map(event => event.content);
    expect(shown[0]).not.toContain('execute_code');
  });

  it('takes a final answer written in a python fence for the answer, and the turn completes', async () => {
    const { agent, notebook } = await harness.setUp(
      [
        text('```python\nprint(round(436.8139, 2))\n```'),
        text('```python\nThe average order amount of customers in the Enterprise segment is: 436.81\n```')
      ],
      { protocol: 'text' }
    );
    const result = await agent.run('What is the average order amount of Enterprise customers?');
    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    expect(codeCells(notebook)).toHaveLength(1);
  });

  it('tells the model exactly what is wrong with a call no repair reads, and runs its corrected one', async () => {
    const { agent, notebook, model } = await harness.setUp([
      text('<tool_call>{"name": "execute_code", "arguments": {{{"code"</tool_call>'),
      text(`<tool_call>${call('print(2)')}</tool_call>`),
      text('Done.')
    ]);
    const result = await agent.run('Print 2.');
    expect(result.outcome).toBe('completed');
    expect(codeCells(notebook).map(cell => cell.source)).toEqual(['print(2)']);
    const correction = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(correction).toMatch(/^Error: the call to execute_code is not valid JSON/);
  });

  it('switches auto to the text protocol at the first answer with code but no call, and says so', async () => {
    const answer = 'Here is the code:\n```python\nprint(6 * 7)\n```';
    const { agent, notebook, model, events } = await harness.setUp([text(answer), text('It is 42.')]);
    const result = await agent.run('Compute 6 * 7.');
    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    expect(codeCells(notebook)[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '42\n' }]);
    expect(events.filter(event => event.type === 'protocol-fallback')).toHaveLength(1);
    expect(agent.protocol).toBe('text');
    expect(agent.conversation.protocol).toBe('text');
    // The first request offered tools; the second is a text-protocol one.
    expect(model.requests[0].body.tools).toBeDefined();
    expect(model.requests[1].body.tools).toBeUndefined();
    expect(model.requests).toHaveLength(2);
  });

  it('runs a text answer up to its first block: an invented result reaches no request, cell or event', async () => {
    const invented = 'Execution result: Mean: 7.75';
    const { agent, notebook, model, events } = await harness.setUp(
      [
        text(`Let me compute.\n\`\`\`python\nprint(sum([3, 5, 10, 12]) / 4)\n\`\`\`\n${invented}\nSo 7.75.`),
        text('7.5.')
      ],
      { protocol: 'text' }
    );
    const result = await agent.run('Mean of 3, 5, 10, 12?');
    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    expect(codeCells(notebook)).toHaveLength(1);
    expect(codeCells(notebook)[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '7.5\n' }]);
    const everything = JSON.stringify([model.requests.map(request => request.body), notebook.document, events]);
    expect(everything).not.toContain('7.75');
    const second = model.requests[1].body.messages;
    expect(contentText(second[second.length - 2].content)).toBe(
      'Let me compute.\n```python\nprint(sum([3, 5, 10, 12]) / 4)\n```'
    );
  });

  it('does not run a block identical to one that already ran in the turn, and tells the model', async () => {
    const block = '```python\nprint(sum([3, 5, 10, 12]) / 4)\n```';
    const { agent, notebook, model } = await harness.setUp([text(block), text(block), text('The mean is 7.5.')], {
      protocol: 'text'
    });
    const result = await agent.run('Mean of 3, 5, 10, 12?');
    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    expect(codeCells(notebook)).toHaveLength(1);
    expect(contentText(model.requests[2].body.messages.at(-1)?.content)).toContain('already ran in this turn');
  });

  it('samples the requests after the failing code came back, each with its own seed, when greedy', async () => {
    const failing = "```python\nprices = {'apple': 3}\nprint(prices['pear'])\n```";
    const fixed = "```python\nprices = {'apple': 3}\nprint(prices.get('pear', 0))\n```";
    const { agent, model, events } = await harness.setUp(
      [text(failing), text(failing), text(failing), text(fixed), text('There is no pear: 0.')],
      { protocol: 'text', temperature: 0, seed: 5 }
    );

    const result = await agent.run('How many pears?');

    expect(result).toMatchObject({ outcome: 'completed', executions: 2 });
    expect(events.filter(event => event.type === 'warning' && event.message.includes('code that failed'))).toHaveLength(
      2
    );
    const sampling = model.requests.map(request => [request.body.temperature, request.body.seed]);
    // Greedy until the failing code came back once; then 0.7, seed 5 + the count of those
    // answers; greedy again once code ran without error.
    expect(sampling).toEqual([
      [0, 5],
      [0, 5],
      [0.7, 6],
      [0.7, 7],
      [0, 5]
    ]);
  });

  it('leaves the sampling alone after a repeat when the temperature is already high or not set', async () => {
    const failing = '```python\nprint(1 / 0)\n```';
    for (const temperature of [1, undefined]) {
      const { agent, model } = await harness.setUp(
        [text(failing), text(failing), text('```python\nprint(1)\n```'), text('1.')],
        { protocol: 'text', temperature }
      );
      await agent.run('Print one.');
      expect(model.requests.map(request => [request.body.temperature, request.body.seed])).toEqual(
        Array(4).fill([temperature, undefined])
      );
      await harness.cleanup();
    }
  });

  it('does not run a repeated content call either', async () => {
    const answer = `<tool_call>${call('print(7.5)')}</tool_call>`;
    const { agent, notebook } = await harness.setUp([text(answer), text(answer), text('7.5')]);
    const result = await agent.run('Print 7.5.');
    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    expect(codeCells(notebook)).toHaveLength(1);
  });

  it('begins every request of a conversation with the previous request, byte for byte', async () => {
    const answers = [
      `<tool_call>${call('x = 3')}</tool_call>`,
      `<tool_call>${call('print(x * 2)')}</tool_call>`,
      'It is 6.',
      `<tool_call>${call('print(x + 1)')}</tool_call>`,
      'It is 4.'
    ];
    const { agent, model } = await harness.setUp(answers.map(text));
    await agent.run('Set x to 3 and print twice x.');
    await agent.run('Now print x + 1.');
    const requests = model.requests.map(request => request.body);
    expect(requests).toHaveLength(5);
    for (let i = 1; i < requests.length; i++) {
      const previous = requests[i - 1];
      const current = requests[i];
      expect(JSON.stringify(current.tools)).toBe(JSON.stringify(previous.tools));
      const shared = current.messages.slice(0, previous.messages.length);
      expect(JSON.stringify(shared)).toBe(JSON.stringify(previous.messages));
      // What follows is the previous answer, as the model wrote it.
      expect(current.messages[previous.messages.length]).toEqual({
        role: 'assistant',
        content: answers[i - 1]
      });
    }
  });

  it('keeps every request within a 4,096-token window the endpoint declares', async () => {
    const counter = await createTiktokenCounter();
    const big = (n: number) => `for i in range(${n}):\n    print(f"row {i}: " + "word " * 40)`;
    const script = Array.from({ length: 6 }, (_, i) => [
      text(`<tool_call>${call(big(200 + i))}</tool_call>`),
      text(`Turn ${i} done.`)
    ]).flat();
    const { agent, model } = await harness.setUp(script, { serverContextWindow: 4096 });
    const client = new ModelClient({ baseURL: model.baseUrl, apiKey: 'test-key', model: 'scripted-model' });
    const window = await client.contextWindow();
    expect(window).toBe(4096);
    agent.contextWindowTokens = window ?? 0;
    for (let i = 0; i < 6; i++) {
      await agent.run(`Step ${i}: print the rows.`);
    }
    expect(model.requests).toHaveLength(12);
    for (const request of model.requests) {
      const messages = request.body.messages as ChatMessage[];
      const tokens = messages.reduce((sum, message) => sum + 4 + counter.count(contentText(message.content)), 0);
      const tools = counter.count(JSON.stringify(request.body.tools ?? []));
      expect(tokens + tools + (request.body.max_tokens ?? 0)).toBeLessThanOrEqual(4096);
      expect(request.body.max_tokens).toBeGreaterThan(0);
    }
  });
});
