import { KernelMessage } from '@jupyterlab/services';

import { Agent } from '../../src/agent/agent';
import { ModelClient } from '../../src/model/modelClient';
import type { ScriptedReply } from '../support/scriptedModelServer';
import { AgentHarness, codeCells, contentText, lastCellId, text, toolCall } from '../support/agentHarness';

/**
 * The agent loop end to end with the tools protocol: a real Jupyter server and ipykernel, the
 * scripted model over real HTTP/SSE, the headless notebook saved through the contents API.
 */
describe('Agent with the tools protocol', () => {
  const harness = AgentHarness.forSuite();

  it('succeeds at the first try and ends when the model answers without code', async () => {
    const { agent, notebook, model } = await harness.setUp([
      toolCall('execute_code', { code: 'x = 6 * 7\nprint(x)' }),
      text('The answer is 42.')
    ]);
    const result = await agent.run('Compute 6 * 7.');
    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(1);
    const cells = codeCells(notebook);
    expect(cells).toHaveLength(1);
    expect(cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '42\n' }]);
    const toolMessage = model.requests[1].body.messages.find(message => message.role === 'tool');
    const feedback = contentText(toolMessage?.content);
    expect(feedback).toContain(`cell_id: ${cells[0].id}`);
    expect(feedback).toContain('status: ok');
    expect(feedback).toContain('42');
    expect(model.requests).toHaveLength(2);
  });

  it('revises the failing cell in place, leaving one cell with the fixed source and its output', async () => {
    const { agent, notebook, model, events } = await harness.setUp((request, index): ScriptedReply | undefined => {
      switch (index) {
        case 0:
          return toolCall('execute_code', { code: 'import math\nprint(math.sqroot(16))' });
        case 1:
          return toolCall('edit_cell', {
            cell_id: lastCellId(request.body.messages),
            code: 'import math\nprint(math.sqrt(16))'
          });
        case 2:
          return text('Fixed: the square root of 16 is 4.0.');
        default:
          return undefined;
      }
    });
    const result = await agent.run('Print the square root of 16.');
    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(2);
    const cells = codeCells(notebook);
    expect(cells).toHaveLength(1);
    expect(cells[0].source).toBe('import math\nprint(math.sqrt(16))');
    expect(cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '4.0\n' }]);
    // The model read the AttributeError before revising.
    const firstFeedback = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(firstFeedback).toContain('status: error');
    expect(firstFeedback).toContain("AttributeError: module 'math' has no attribute 'sqroot'");
    expect(events.map(event => event.type)).toContain('cell-revised');
    // The conversation is kept in the saved notebook's metadata.
    const saved = await harness.jupyter.contents.get(notebook.name, { content: true });
    const record = saved.content.metadata.code_interpreter;
    expect(record.turns).toHaveLength(1);
    expect(record.turns[0].outcome).toBe('completed');
    // The whole exchange: the prompt, both tool calls with their results, and the answer.
    expect(record.messages.map((message: { role: string }) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
      'tool',
      'assistant'
    ]);
    expect(record.messages.at(-1).content).toBe('Fixed: the square root of 16 is 4.0.');
  });

  it('keeps kernel state across two user turns', async () => {
    const { agent, notebook } = await harness.setUp([
      toolCall('execute_code', { code: 'data = [3, 1, 2]' }),
      text('Stored.'),
      toolCall('execute_code', { code: 'print(sorted(data))' }),
      text('Sorted.')
    ]);
    expect((await agent.run('Store [3, 1, 2] in data.')).outcome).toBe('completed');
    expect((await agent.run('Now sort it.')).outcome).toBe('completed');
    const cells = codeCells(notebook);
    expect(cells).toHaveLength(2);
    expect(cells[1].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '[1, 2, 3]\n' }]);
    expect(agent.conversation.turns.map(turn => turn.prompt)).toEqual(['Store [3, 1, 2] in data.', 'Now sort it.']);
  });

  it('continues a saved notebook: the conversation comes back and the kernel session is reused', async () => {
    const first = await harness.setUp(
      [toolCall('execute_code', { code: 'answer = 41 + 1' }), text('Stored in answer.')],
      { path: 'continued.ipynb' }
    );
    expect((await first.agent.run('Store 41 + 1 in answer.')).outcome).toBe('completed');
    first.agent.dispose();

    const second = await harness.setUp([toolCall('execute_code', { code: 'print(answer)' }), text('It is 42.')], {
      path: 'continued.ipynb'
    });
    expect(second.agent.conversation.turns).toHaveLength(1);
    expect((await second.agent.run('That looks wrong, print it.')).outcome).toBe('completed');
    const sent = second.model.requests[0].body.messages.map(message => contentText(message.content));
    // The first turn's prompt, after what the model was told of the kernel then.
    expect(sent[1]).toMatch(/\n\nStore 41 \+ 1 in answer\.$/);
    expect(sent.at(-1)).toMatch(/\nThat looks wrong, print it\.$/);
    const cells = codeCells(second.notebook);
    expect(cells).toHaveLength(2);
    expect(cells[1].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '42\n' }]);
  });

  it('tells the model once about a turn the user undid', async () => {
    const first = await harness.setUp([toolCall('execute_code', { code: 'x = 1' }), text('Done.')], {
      path: 'undone.ipynb'
    });
    await first.agent.run('Set x.');
    const record = first.agent.conversation;
    first.agent.dispose();
    record.turns[0].undoneAt = new Date().toISOString();
    await first.notebook.saveConversation(record);

    const second = await harness.setUp([text('Understood.'), text('Still here.')], { path: 'undone.ipynb' });
    await second.agent.run('What is left?');
    await second.agent.run('And now?');
    const firstPrompt = contentText(second.model.requests[0].body.messages.at(-1)?.content);
    expect(firstPrompt).toMatch(/^\(Note: the user undid what you did in request 1/);
    expect(firstPrompt.endsWith('What is left?')).toBe(true);
    expect(contentText(second.model.requests[1].body.messages.at(-1)?.content)).toBe('And now?');
  });

  it('sends the images of parallel tool calls after all their results', async () => {
    const plot = (n: number) =>
      JSON.stringify({ code: `%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([0, ${n}])\nplt.show()` });
    const { agent, model } = await harness.setUp(
      [
        {
          kind: 'tools',
          calls: [
            { name: 'execute_code', arguments: plot(1), id: 'call_one' },
            { name: 'execute_code', arguments: plot(2), id: 'call_two' }
          ]
        },
        text('Two plots.')
      ],
      { vision: true }
    );
    await agent.run('Two plots at once.');
    const roles = model.requests[1].body.messages.slice(-4).map(message => message.role);
    expect(roles).toEqual(['assistant', 'tool', 'tool', 'user']);
    const images = model.requests[1].body.messages.at(-1)?.content as { type: string }[];
    expect(images.filter(part => part.type === 'image_url')).toHaveLength(2);
  });

  it('answers every tool call when editing a markdown cell fails, and keeps the history valid', async () => {
    const { agent, model, notebook } = await harness.setUp((request, index): ScriptedReply | undefined => {
      switch (index) {
        case 0:
          return toolCall('add_markdown', { text: '# Notes' });
        case 1:
          return {
            kind: 'tools',
            calls: [
              {
                name: 'edit_cell',
                arguments: JSON.stringify({ cell_id: lastCellId(request.body.messages), code: 'print(1)' }),
                id: 'e1'
              },
              { name: 'execute_code', arguments: JSON.stringify({ code: 'print(2)' }), id: 'e2' }
            ]
          };
        case 2:
          return text('Done.');
        default:
          return undefined;
      }
    });
    const result = await agent.run('Edit the notes.');
    expect(result.outcome).toBe('completed');
    const messages = model.requests[2].body.messages;
    const replies = messages
      .filter(message => message.role === 'tool')
      .map(message => (message as { tool_call_id: string }).tool_call_id);
    expect(replies).toEqual(expect.arrayContaining(['e1', 'e2']));
    const e1 = messages.find(
      message => message.role === 'tool' && (message as { tool_call_id: string }).tool_call_id === 'e1'
    );
    expect(contentText(e1?.content)).toMatch(/markdown cell/);
    expect(notebook.document.cells.find(cell => cell.cell_type === 'markdown')?.source).toBe('# Notes');
  });

  it('repairs a saved conversation with an unanswered tool call', async () => {
    const first = await harness.setUp([text('Hello.')], { path: 'broken.ipynb' });
    await first.agent.run('Hi.');
    const record = first.agent.conversation;
    first.agent.dispose();
    record.messages.push({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'lost', type: 'function', function: { name: 'execute_code', arguments: '{"code": "1"}' } }]
    });
    await first.notebook.saveConversation(record);
    const second = await harness.setUp([text('Fine.')], { path: 'broken.ipynb' });
    await second.agent.run('Go on.');
    const messages = second.model.requests[0].body.messages;
    const lost = messages.findIndex(
      message => message.role === 'tool' && (message as { tool_call_id: string }).tool_call_id === 'lost'
    );
    // The unanswered call is answered right after it, before the new prompt.
    expect(messages.map(message => message.role).slice(lost - 1)).toEqual(['assistant', 'tool', 'user']);
    expect((messages[lost - 1] as { tool_calls: { id: string }[] }).tool_calls[0].id).toBe('lost');
  });

  it('stops a model that keeps making invalid tool calls', async () => {
    const { agent, model } = await harness.setUp(
      () => ({ kind: 'tools', calls: [{ name: 'execute_code', arguments: '{' }] }),
      {
        maxModelRequests: 4
      }
    );
    const result = await agent.run('Loop.');
    expect(result.outcome).toBe('gave-up');
    expect(result.reason).toMatch(/asked 4 times/);
    expect(model.requests).toHaveLength(4);
  });

  it("shows the model the user's own cells, as they are at the start of each turn, after a stable system prompt", async () => {
    const { agent, notebook, model } = await harness.setUp([
      toolCall('execute_code', { code: 'print(len(sales))' }),
      text('12 rows.'),
      text('Now 5 rows.')
    ]);
    const mine = await notebook.insertCode('sales = list(range(12))');
    await notebook.execute(mine);
    await agent.run('How many rows has sales?');
    const prompt = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(prompt).toContain(`--- cell ${mine} (code In [1]) ---\nsales = list(range(12))`);
    expect(prompt).toMatch(/How many rows has sales\?$/);
    // The user changes their cell between turns: the next turn's prompt shows it as it is now.
    await notebook.setSource(mine, 'sales = list(range(5))');
    await agent.run('And now?');
    const next = contentText(model.requests[2].body.messages.at(-1)?.content);
    expect(next).toContain('sales = list(range(5))');
    expect(next).toContain('print(len(sales))');
    const systems = model.requests.map(request => contentText(request.body.messages[0].content));
    expect(new Set(systems).size).toBe(1);
    expect(systems[0]).not.toContain('sales');
  });

  it('interrupts an endless loop at the time limit and keeps the kernel and its variables', async () => {
    const { agent, notebook, model } = await harness.setUp(
      [
        toolCall('execute_code', { code: 'before = 1\nprint("set")' }),
        toolCall('execute_code', { code: 'while True:\n    pass' }),
        toolCall('execute_code', { code: 'print(before + 1)' }),
        text('Done.')
      ],
      { cellTimeoutMs: 2000, maxAttempts: 5 }
    );
    const result = await agent.run('Loop forever, then check the state.');
    expect(result.outcome).toBe('completed');
    const feedback = contentText(model.requests[2].body.messages.at(-1)?.content);
    expect(feedback).toContain('status: timeout');
    const cells = codeCells(notebook);
    expect(cells[2].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '2\n' }]);
  });

  it('reports a kernel that dies, restarts it, and goes on', async () => {
    const { agent, notebook, model, events } = await harness.setUp([
      toolCall('execute_code', { code: 'kept = 5' }),
      toolCall('execute_code', { code: 'import os\nos._exit(1)' }),
      toolCall('execute_code', { code: "print('kept' in globals())" }),
      text('The kernel restarted and lost its state.')
    ]);
    const result = await agent.run('Crash the kernel.');
    expect(result.outcome).toBe('completed');
    const feedback = contentText(model.requests[2].body.messages.at(-1)?.content);
    expect(feedback).toContain('status: dead-kernel');
    expect(events.some(event => event.type === 'kernel-restarted')).toBe(true);
    expect(codeCells(notebook)[2].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'False\n' }]);
  });

  it('restarts a kernel that ignores the interrupt after a timeout', async () => {
    const { agent, notebook, model, events } = await harness.setUp(
      [
        toolCall('execute_code', {
          code: 'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass'
        }),
        toolCall('execute_code', { code: 'print("fresh kernel")' }),
        text('Restarted.')
      ],
      // A fresh kernel's first cell can take a second on a busy machine.
      { cellTimeoutMs: 4000 }
    );
    const result = await agent.run('Ignore interrupts.');
    expect(result.outcome).toBe('completed');
    const feedback = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(feedback).toContain('status: timeout');
    expect(events.some(event => event.type === 'kernel-restarted')).toBe(true);
    expect(codeCells(notebook)[1].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'fresh kernel\n' }]);
  });

  it('ends input() at once and tells the model to assign values directly', async () => {
    const { agent, model } = await harness.setUp([
      toolCall('execute_code', { code: 'name = input("Name? ")' }),
      text('I cannot ask for input.')
    ]);
    const result = await agent.run('Ask for a name.');
    expect(result.outcome).toBe('gave-up');
    const feedback = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(feedback).toContain('StdinNotImplementedError');
    // The guidance, not the echo of the cell's own `input(`.
    expect(feedback).toContain(
      'The code asked for input (input() or getpass), which is not available here. Assign the values directly in the code instead.'
    );
  });

  it('says that a 10 MB print was dropped by the server, within the output budget', async () => {
    const { agent, model, events } = await harness.setUp(
      [toolCall('execute_code', { code: 'print("x" * 10_000_000)\nprint("after")' }), text('Too much output.')],
      { outputBudgetTokens: 500 }
    );
    await agent.run('Print a lot.');
    const feedback = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(feedback).toMatch(/server dropped part of the output/);
    expect(feedback).not.toMatch(/produced no output/);
    const end = events.find(event => event.type === 'execution-end');
    expect(end?.type === 'execution-end' && end.result.outputDroppedByServer).toBe(true);
    const rendered = events.find(event => event.type === 'feedback');
    expect(rendered?.type === 'feedback' && rendered.tokens).toBeLessThanOrEqual(500);
  });

  it('sends a matplotlib plot to a vision model as an image part', async () => {
    const { agent, model } = await harness.setUp(
      [
        toolCall('execute_code', {
          code: '%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()'
        }),
        text('The plot shows a parabola.')
      ],
      { vision: true }
    );
    await agent.run('Plot y = x^2.');
    const messages = model.requests[1].body.messages;
    const imageMessage = messages.find(
      message =>
        message.role === 'user' &&
        Array.isArray(message.content) &&
        message.content.some(part => part.type === 'image_url')
    );
    expect(imageMessage).toBeDefined();
    const part = (imageMessage?.content as { type: string; image_url?: { url: string } }[]).find(
      p => p.type === 'image_url'
    );
    expect(part?.image_url?.url).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });

  it('honours clear_output(wait=True) and display updates', async () => {
    const code = [
      'from IPython.display import display, clear_output, update_display',
      'handle = display("first", display_id=True)',
      'handle.update("second")',
      'for i in range(3):',
      '    clear_output(wait=True)',
      '    print(f"step {i}")'
    ].join('\n');
    const code2 = ['h = display("alpha", display_id="d1")', 'update_display("beta", display_id="d1")'].join('\n');
    const { agent, notebook } = await harness.setUp([
      toolCall('execute_code', { code }),
      toolCall('execute_code', { code: `from IPython.display import display, update_display\n${code2}` }),
      text('Done.')
    ]);
    await agent.run('Show progress.');
    const cells = codeCells(notebook);
    expect(cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'step 2\n' }]);
    expect(cells[1].outputs).toEqual([
      expect.objectContaining({ output_type: 'display_data', data: { 'text/plain': "'beta'" } })
    ]);
  });

  it('retries a 500 and succeeds', async () => {
    const { agent, model } = await harness.setUp([
      { kind: 'http-error', status: 500 },
      toolCall('execute_code', { code: 'print("ok")' }),
      text('Done.')
    ]);
    const result = await agent.run('Print ok.');
    expect(result.outcome).toBe('completed');
    expect(model.requests).toHaveLength(3);
  });

  it('ends with a clear model error on a refused key', async () => {
    const { agent, notebook } = await harness.setUp([text('never sent')], { apiKey: 'right', clientKey: 'wrong' });
    const result = await agent.run('Anything.');
    expect(result.outcome).toBe('model-error');
    expect(result.modelErrorKind).toBe('auth');
    expect(result.reason).toMatch(/refused the API key \(401\)/);
    expect(result.reason?.split('\n')).toHaveLength(1);
    expect(codeCells(notebook)).toHaveLength(0);
  });

  it('asks again when the stream is cut off midway', async () => {
    const { agent, events } = await harness.setUp([
      { kind: 'cut', content: 'Let me compute that for you, step by step.', afterChars: 12 },
      text('It is 4.')
    ]);
    const result = await agent.run('What is 2 + 2?');
    expect(result.outcome).toBe('completed');
    expect(events.some(event => event.type === 'model-retry')).toBe(true);
    const response = events.find(event => event.type === 'model-response');
    expect(response?.type === 'model-response' && response.content).toBe('It is 4.');
  });

  it('sends malformed tool arguments back to the model as a tool error', async () => {
    const { agent, model, notebook } = await harness.setUp([
      { kind: 'tools', calls: [{ name: 'execute_code', arguments: '{{{', id: 'call_bad' }] },
      toolCall('execute_code', { code: 'print(1)' }),
      text('Done.')
    ]);
    const result = await agent.run('Print 1.');
    expect(result.outcome).toBe('completed');
    const toolError = model.requests[1].body.messages.find(message => message.role === 'tool');
    expect(toolError).toMatchObject({ tool_call_id: 'call_bad' });
    expect(contentText(toolError?.content)).toMatch(/not valid JSON/);
    expect(codeCells(notebook)).toHaveLength(1);
  });

  it('falls back to the text protocol when the endpoint refuses tools', async () => {
    const { agent, notebook, events } = await harness.setUp(
      [text('```python\nprint(2 ** 10)\n```'), text('2 ** 10 is 1024.')],
      { rejectTools: true }
    );
    const result = await agent.run('Compute 2 ** 10.');
    expect(result.outcome).toBe('completed');
    expect(agent.protocol).toBe('text');
    expect(events.some(event => event.type === 'protocol-fallback')).toBe(true);
    expect(codeCells(notebook)[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '1024\n' }]);
  });

  it('gives up after the maximum number of attempts', async () => {
    const failing = (
      request: { body: { messages: { role: string; content?: unknown }[] } },
      index: number
    ): ScriptedReply =>
      index === 0
        ? toolCall('execute_code', { code: 'raise ValueError("no")' })
        : toolCall('edit_cell', {
            cell_id: lastCellId(request.body.messages),
            code: `raise ValueError("still no ${index}")`
          });
    const { agent, notebook } = await harness.setUp(failing, { maxAttempts: 3 });
    const result = await agent.run('Fail.');
    expect(result.outcome).toBe('gave-up');
    expect(result.executions).toBe(3);
    expect(codeCells(notebook)).toHaveLength(1);
  });

  it('asks the approval hook before each execution and honours skip and edit', async () => {
    const decisions = [
      { action: 'edit' as const, code: 'print("edited")' },
      { action: 'skip' as const, reason: 'Not now.' }
    ];
    const seen: string[] = [];
    const folders: (string | undefined)[] = [];
    const { agent, notebook, model } = await harness.setUp(
      [
        toolCall('execute_code', { code: 'print("original")' }),
        toolCall('execute_code', { code: 'import shutil' }),
        text('Understood.')
      ],
      {
        approve: async request => {
          seen.push(request.code);
          folders.push(request.folder);
          return decisions.shift() ?? { action: 'run' };
        }
      }
    );
    await agent.run('Do two things.');
    expect(seen).toEqual(['print("original")', 'import shutil']);
    // The kernel's working folder, as its inspection before the turn found it.
    const printed: string[] = [];
    const future = notebook.kernel.requestExecute({ code: 'import os; print(os.getcwd(), end="")' });
    future.onIOPub = message => {
      if (KernelMessage.isStreamMsg(message)) {
        printed.push(message.content.text);
      }
    };
    await future.done;
    expect(printed.join('')).toMatch(/^\//);
    expect(folders).toEqual([printed.join(''), printed.join('')]);
    const cells = codeCells(notebook);
    expect(cells[0].source).toBe('print("edited")');
    expect(cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'edited\n' }]);
    expect(cells[1].outputs).toEqual([]);
    expect(contentText(model.requests[2].body.messages.at(-1)?.content)).toContain('Not now.');
  });

  it('stops a running cell when the user stops the turn', async () => {
    const { agent, notebook, model } = await harness.setUp(
      [
        toolCall('execute_code', {
          code: 'import time\nprint("sleeping", flush=True)\nfor i in range(600):\n    time.sleep(0.1)'
        }),
        text('never reached')
      ],
      { cellTimeoutMs: 0 }
    );
    const controller = new AbortController();
    // The user stops once the cell is running: its first output is on the kernel's iopub channel.
    notebook.kernel.iopubMessage.connect((_, message) => {
      if (KernelMessage.isStreamMsg(message) && message.content.text.includes('sleeping')) {
        controller.abort();
      }
    });
    const result = await agent.run('Sleep a minute.', { signal: controller.signal });
    expect(result.outcome).toBe('stopped');
    expect(result.lastStatus).toBe('interrupted');
    expect(codeCells(notebook)[0].outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'sleeping\n' },
      expect.objectContaining({ output_type: 'error', ename: 'KeyboardInterrupt' })
    ]);
    // The model is not asked again after the stop.
    expect(model.requests).toHaveLength(1);
    // The kernel is alive and usable.
    const check = await notebook.insertCode('print("alive")');
    expect((await notebook.execute(check)).status).toBe('ok');
  });
  it('drops the earliest turns of a long conversation, also one saved without turn positions', async () => {
    const { agent, notebook, model } = await harness.setUp([
      text('First answer.'),
      text('Second answer.'),
      text('Third answer.'),
      text('Fourth answer.')
    ]);
    const padding = ' and'.repeat(150);
    for (const name of ['FIRST', 'SECOND', 'THIRD']) {
      await agent.run(`The ${name} question${padding}.`);
    }
    // A conversation written before turns recorded where their prompt is.
    const record = agent.conversation;
    await notebook.saveConversation({ ...record, turns: record.turns.map(({ messageIndex, ...turn }) => turn) });
    agent.dispose();

    const client = new ModelClient({ baseURL: model.baseUrl, apiKey: 'test-key', model: 'scripted-model' });
    const reopened = new Agent({ model: client, target: notebook, contextBudgetTokens: 500 });
    const result = await reopened.run('The FOURTH question.');
    expect(result.outcome).toBe('completed');
    const sent = model.requests[3].body.messages.map(message => contentText(message.content)).join('\n');
    expect(sent).toContain('The FOURTH question.');
    expect(sent).toContain('The THIRD question');
    expect(sent).not.toContain('The FIRST question');
    reopened.dispose();
  });
});
