import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Agent } from '../../src/agent/agent';
import { checkSavedConversation } from '../../src/agent/savedConversation';
import { stepInText } from '../../src/agent/stepIns';
import { EXECUTION_RESULT_PREFIX } from '../../src/model/textProtocol';
import { AgentHarness, contentText, text, toolCall } from '../support/agentHarness';

/**
 * Stepping in during a turn (`Agent.stepIn`), end to end: the cell that "runs" waits for a file the
 * test writes, so the message is sent while the cell runs and the test decides when it ends.
 */
describe('Agent.stepIn', () => {
  const harness = AgentHarness.forSuite();
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'step-in-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  /**
   * A cell that runs until the file `name` exists, then prints `done`.
   */
  function waitingCell(name: string): string {
    const path = join(folder, name);
    return `import os, time\nwhile not os.path.exists(${JSON.stringify(path)}):\n    time.sleep(0.02)\nprint('done')`;
  }

  /**
   * While the first cell runs: step in with `message`, then let the cell end.
   */
  function stepInWhileRunning(agent: Agent, message: string, accepted: boolean[]): void {
    let done = false;
    agent.events.connect((_, event) => {
      if (event.type === 'execution-start' && !done) {
        done = true;
        accepted.push(agent.stepIn(message));
        writeFileSync(join(folder, 'go'), '');
      }
    });
  }

  it('gives a message sent during a running cell to the very next request, after the tool result', async () => {
    const { agent, notebook, model, events } = await harness.setUp([
      toolCall('execute_code', { code: waitingCell('go') }),
      text('Done; I will use a log scale next time.')
    ]);
    const accepted: boolean[] = [];
    stepInWhileRunning(agent, 'Use a log scale too.', accepted);
    const result = await agent.run('Run the slow cell.');

    expect(accepted).toEqual([true]);
    expect(result.outcome).toBe('completed');
    expect(result.undelivered).toEqual([]);
    expect(model.requests).toHaveLength(2);
    const sent = model.requests[1].body.messages;
    expect(sent.at(-2)?.role).toBe('tool');
    expect(contentText(sent.at(-2)?.content)).toContain('done');
    expect(sent.at(-1)).toEqual({ role: 'user', content: stepInText('Use a log scale too.') });
    // The first request did not carry it.
    expect(JSON.stringify(model.requests[0].body.messages)).not.toContain('log scale');

    // Delivered once, after the cell's end and before the next request.
    const types = events.map(event => event.type);
    const delivered = events.filter(event => event.type === 'feedback-delivered');
    expect(delivered).toEqual([{ type: 'feedback-delivered', text: 'Use a log scale too.' }]);
    const at = types.indexOf('feedback-delivered');
    expect(types.indexOf('execution-end')).toBeLessThan(at);
    expect(types.lastIndexOf('model-request')).toBeGreaterThan(at);
    expect(types.indexOf('model-request', types.indexOf('execution-end'))).toBeGreaterThan(at);

    // The saved conversation holds it, and passes the check of a saved conversation whole.
    const saved = await harness.jupyter.contents.get(notebook.name, { content: true });
    const record = saved.content.metadata.code_interpreter;
    expect(record.messages.map((message: { role: string }) => message.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'user',
      'assistant'
    ]);
    expect(record.messages[3].content).toBe(stepInText('Use a log scale too.'));
    const checked = checkSavedConversation(record);
    expect(checked.dropped).toEqual([]);
    expect(checked.record?.messages).toEqual(record.messages);
    expect(checked.record?.turns[0].messageIndex).toBe(0);
  });

  it('gives the model one request more for a delivered message, not more attempts', async () => {
    const { agent, model } = await harness.setUp(
      [toolCall('execute_code', { code: waitingCell('go') }), text('Done.')],
      { maxModelRequests: 1 }
    );
    const accepted: boolean[] = [];
    stepInWhileRunning(agent, 'Say when you are done.', accepted);
    const result = await agent.run('Run the slow cell.');
    expect(accepted).toEqual([true]);
    // Without the message the turn would give up after its one request.
    expect(result.outcome).toBe('completed');
    expect(model.requests).toHaveLength(2);
  });

  it('hands back a message sent while the final answer streams, and delivers nothing', async () => {
    const { agent, model, events } = await harness.setUp([
      toolCall('execute_code', { code: 'print(7)' }),
      { kind: 'text', content: 'The cell printed 7, as asked.', chunkSize: 4 }
    ]);
    const accepted: boolean[] = [];
    let ran = false;
    agent.events.connect((_, event) => {
      if (event.type === 'execution-end') {
        ran = true;
      }
      if (event.type === 'model-delta' && ran && !accepted.length) {
        accepted.push(agent.stepIn('Now plot it.'));
      }
    });
    const result = await agent.run('Print 7.');
    expect(accepted).toEqual([true]);
    expect(result.outcome).toBe('completed');
    expect(result.undelivered).toEqual(['Now plot it.']);
    expect(events.some(event => event.type === 'feedback-delivered')).toBe(false);
    expect(model.requests).toHaveLength(2);
    expect(JSON.stringify(agent.conversation.messages)).not.toContain('Now plot it.');
    // Once the turn has ended, nothing is taken: the caller starts a turn instead.
    expect(agent.stepIn('Now plot it.')).toBe(false);
  });

  it('refuses a message when no turn runs', async () => {
    const { agent } = await harness.setUp([]);
    expect(agent.stepIn('Hello?')).toBe(false);
  });

  it('still stops, and returns the messages not delivered', async () => {
    const { agent, model, events } = await harness.setUp([
      toolCall('execute_code', { code: waitingCell('never') }),
      text('Never asked.')
    ]);
    const accepted: boolean[] = [];
    agent.events.connect((_, event) => {
      if (event.type === 'execution-start') {
        accepted.push(agent.stepIn('First thought.'), agent.stepIn('Second thought.'));
        agent.stop();
      }
    });
    const result = await agent.run('Run the cell that never ends.');
    expect(accepted).toEqual([true, true]);
    expect(result.outcome).toBe('stopped');
    expect(result.undelivered).toEqual(['First thought.', 'Second thought.']);
    expect(events.some(event => event.type === 'feedback-delivered')).toBe(false);
    expect(model.requests).toHaveLength(1);
  });

  it('joins the execution result in the text protocol, so user and assistant keep alternating', async () => {
    const { agent, notebook, model, events } = await harness.setUp(
      [text(`Running it.\n\`\`\`python\n${waitingCell('go')}\n\`\`\``), text('Done, noted.')],
      { protocol: 'text' }
    );
    const accepted: boolean[] = [];
    stepInWhileRunning(agent, 'Keep it short.', accepted);
    const result = await agent.run('Run the slow cell.');
    expect(accepted).toEqual([true]);
    expect(result.outcome).toBe('completed');
    const sent = model.requests[1].body.messages;
    expect(sent.map(message => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    const last = contentText(sent.at(-1)?.content);
    expect(last.startsWith(EXECUTION_RESULT_PREFIX)).toBe(true);
    expect(last).toContain('done');
    expect(last.endsWith(`\n\n${stepInText('Keep it short.')}`)).toBe(true);
    expect(events.filter(event => event.type === 'feedback-delivered')).toHaveLength(1);

    const saved = await harness.jupyter.contents.get(notebook.name, { content: true });
    const record = saved.content.metadata.code_interpreter;
    expect(contentText(record.messages[2].content)).toContain(stepInText('Keep it short.'));
    expect(checkSavedConversation(record).dropped).toEqual([]);
  });
});
