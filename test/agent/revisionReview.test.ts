import type { ApprovalDecision, IApprovalRequest } from '../../src/agent/approval';
import { Agent } from '../../src/agent/agent';
import type { AgentEvent } from '../../src/agent/events';
import { isPersonsCell, sourceHash } from '../../src/agent/revisionReview';
import { ModelClient } from '../../src/model/modelClient';
import { AgentHarness, codeCells, contentText, text, toolCall } from '../support/agentHarness';

/**
 * Revisions of the person's own cells wait for their review: the scripted model over HTTP, a real
 * kernel, the headless notebook.
 */
describe('Reviewing revisions of the person’s cells', () => {
  const harness = AgentHarness.forSuite();

  const PERSONS_CODE = 'x = 1\nprint(x)  # mine\n';
  const REVISION = 'x = 2\nprint(x)';

  /**
   * An approval hook that records its requests and answers from a list (then `run`).
   */
  function recordingHook(decisions: ApprovalDecision[]) {
    const requests: IApprovalRequest[] = [];
    const approve = async (request: IApprovalRequest): Promise<ApprovalDecision> => {
      requests.push(request);
      return decisions.shift() ?? { action: 'run' };
    };
    return { requests, approve };
  }

  const reviewed = (events: AgentEvent[]) =>
    events.filter((event): event is AgentEvent.IRevisionReviewed => event.type === 'revision-reviewed');

  it('asks with the diff, and Reject leaves the person’s code byte-identical and tells the model', async () => {
    const hook = recordingHook([{ action: 'skip' }]);
    let cellId = '';
    const { agent, notebook, model, events } = await harness.setUp(
      (_, index) =>
        index === 0 ? toolCall('edit_cell', { cell_id: cellId, code: REVISION }) : text('I left your cell as it is.'),
      { approve: hook.approve }
    );
    cellId = await notebook.insertCode(PERSONS_CODE);
    const result = await agent.run('Make x two.');
    expect(result.outcome).toBe('completed');
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]).toEqual(
      expect.objectContaining({
        cellId,
        code: REVISION,
        kind: 'revision',
        review: { previousCode: PERSONS_CODE, proposedCode: REVISION }
      })
    );
    expect(notebook.getSource(cellId)).toBe(PERSONS_CODE);
    expect(codeCells(notebook)[0].outputs).toEqual([]);
    expect(result.executions).toBe(0);
    const told = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(told).toContain('status: rejected');
    expect(told).toContain('The person rejected this revision of their cell; their code stays');
    expect(events.find(event => event.type === 'revision-review')).toEqual({
      type: 'revision-review',
      cellId,
      previousSource: PERSONS_CODE,
      proposedSource: REVISION
    });
    expect(reviewed(events)).toEqual([
      { type: 'revision-reviewed', cellId, outcome: 'rejected', source: PERSONS_CODE }
    ]);
    expect(events.some(event => event.type === 'cell-revised')).toBe(false);
  });

  it('on Accept writes the revision and runs it once, without a second approval', async () => {
    const hook = recordingHook([{ action: 'run' }]);
    let cellId = '';
    const { agent, notebook, events } = await harness.setUp(
      (_, index) => (index === 0 ? toolCall('edit_cell', { cell_id: cellId, code: REVISION }) : text('x is 2.')),
      { approve: hook.approve }
    );
    cellId = await notebook.insertCode(PERSONS_CODE);
    const result = await agent.run('Make x two.');
    expect(result.outcome).toBe('completed');
    expect(hook.requests).toHaveLength(1);
    expect(result.executions).toBe(1);
    expect(events.filter(event => event.type === 'execution-start')).toHaveLength(1);
    expect(notebook.getSource(cellId)).toBe(REVISION);
    expect(codeCells(notebook)[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '2\n' }]);
    expect(events.find(event => event.type === 'cell-revised')).toEqual({
      type: 'cell-revised',
      cellId,
      source: REVISION,
      previousSource: PERSONS_CODE
    });
    expect(reviewed(events).map(event => event.outcome)).toEqual(['accepted']);
    // The turn records the cell for undo, with what it held before.
    expect(agent.conversation.turns[0].cells).toEqual([
      { cellId, previousSource: PERSONS_CODE, agentSourceHash: sourceHash(REVISION) }
    ]);
  });

  it('runs the person’s adjustment when they accept with an edit', async () => {
    const hook = recordingHook([{ action: 'edit', code: 'x = 3\nprint(x)' }]);
    let cellId = '';
    const { agent, notebook } = await harness.setUp(
      (_, index) => (index === 0 ? toolCall('edit_cell', { cell_id: cellId, code: REVISION }) : text('x is 3.')),
      { approve: hook.approve }
    );
    cellId = await notebook.insertCode(PERSONS_CODE);
    await agent.run('Make x two.');
    expect(hook.requests).toHaveLength(1);
    expect(notebook.getSource(cellId)).toBe('x = 3\nprint(x)');
    expect(codeCells(notebook)[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '3\n' }]);
  });

  it('does not review a cell the turn added, nor one the person pointed at', async () => {
    const hook = recordingHook([]);
    let attached = '';
    const { agent, notebook } = await harness.setUp(
      (request, index) => {
        switch (index) {
          case 0:
            return toolCall('execute_code', { code: 'print(undefined_name)' });
          case 1: {
            const added = /cell_id: (\S+)/.exec(contentText(request.body.messages.at(-1)?.content))?.[1];
            return toolCall('edit_cell', { cell_id: added, code: 'print("fixed")' });
          }
          case 2:
            return toolCall('edit_cell', { cell_id: attached, code: 'print("attached fixed")' });
          default:
            return text('Done.');
        }
      },
      { approve: hook.approve }
    );
    attached = await notebook.insertCode('print("attached")');
    const result = await agent.run('Fix these.', { attachments: [{ cellId: attached }], intent: 'fix' });
    expect(result.outcome).toBe('completed');
    expect(hook.requests.map(request => request.review)).toEqual([undefined, undefined, undefined]);
    expect(notebook.getSource(attached)).toBe('print("attached fixed")');
  });

  it('does not review with the setting `never`', async () => {
    const hook = recordingHook([]);
    let cellId = '';
    const { agent, notebook } = await harness.setUp(
      (_, index) => (index === 0 ? toolCall('edit_cell', { cell_id: cellId, code: REVISION }) : text('x is 2.')),
      { approve: hook.approve, reviewRevisions: 'never' }
    );
    cellId = await notebook.insertCode(PERSONS_CODE);
    await agent.run('Make x two.');
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0].review).toBeUndefined();
    expect(notebook.getSource(cellId)).toBe(REVISION);
  });

  it('knows the agent’s cells after a reload, and makes a cell the person’s once they edit it', async () => {
    const hook = recordingHook([]);
    let cellId = '';
    const { agent, notebook, model } = await harness.setUp(
      (_, index) => {
        switch (index) {
          case 0:
            return toolCall('execute_code', { code: 'print(1)' });
          case 2:
            return toolCall('edit_cell', { cell_id: cellId, code: 'print(2)' });
          case 4:
            return toolCall('edit_cell', { cell_id: cellId, code: 'print(3)' });
          default:
            return text('Done.');
        }
      },
      { approve: hook.approve }
    );
    await agent.run('Print one.');
    cellId = codeCells(notebook)[0].id as string;
    agent.dispose();
    // The page reloads: a new agent reads the conversation saved in the notebook.
    const client = new ModelClient({ baseURL: model.baseUrl, apiKey: 'test-key', model: 'scripted-model' });
    const reopened = new Agent({ model: client, target: notebook, approve: hook.approve, cellTimeoutMs: 20000 });
    await reopened.run('Print two.');
    expect(hook.requests.map(request => request.review)).toEqual([undefined, undefined]);
    expect(notebook.getSource(cellId)).toBe('print(2)');
    // The person edits the agent's cell: it is theirs now.
    await notebook.setSource(cellId, 'print(20)');
    await reopened.run('Print three.');
    expect(hook.requests[2].review).toEqual({ previousCode: 'print(20)', proposedCode: 'print(3)' });
    reopened.dispose();
  });

  it('keeps a collaborator’s edit made while the review waits, and tells the model their code', async () => {
    let cellId = '';
    // The notebook, once set up: the hook edits its cell as a collaborator would.
    const opened: { notebook?: { setSource(cellId: string, source: string): Promise<void> } } = {};
    const { agent, notebook, model, events } = await harness.setUp(
      (_, index) => (index === 0 ? toolCall('edit_cell', { cell_id: cellId, code: REVISION }) : text('I see.')),
      {
        approve: async () => {
          await opened.notebook!.setSource(cellId, 'x = 5\nprint(x)');
          return { action: 'run' };
        }
      }
    );
    opened.notebook = notebook;
    cellId = await notebook.insertCode(PERSONS_CODE);
    const result = await agent.run('Make x two.');
    expect(result.executions).toBe(0);
    expect(notebook.getSource(cellId)).toBe('x = 5\nprint(x)');
    const told = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(told).toContain('changed this cell while your revision waited');
    expect(told).toContain('x = 5\nprint(x)');
    expect(reviewed(events).map(event => event.outcome)).toEqual(['cell-changed']);
  });

  it('stops the turn with the reason when the review is left unanswered (the notebook closed)', async () => {
    const controller = new AbortController();
    let cellId = '';
    const { agent, notebook, model } = await harness.setUp(
      (_, index) => (index === 0 ? toolCall('edit_cell', { cell_id: cellId, code: REVISION }) : text('never')),
      {
        approve: async () => {
          controller.abort();
          return { action: 'skip', reason: 'the notebook was closed' };
        }
      }
    );
    cellId = await notebook.insertCode(PERSONS_CODE);
    const result = await agent.run('Make x two.', { signal: controller.signal });
    expect(result.outcome).toBe('stopped');
    expect(result.reason).toBe(`The revision of cell ${cellId} was not reviewed: the notebook was closed`);
    expect(notebook.getSource(cellId)).toBe(PERSONS_CODE);
    expect(model.requests).toHaveLength(1);
    const saved = agent.conversation.messages.at(-1);
    expect(contentText(saved?.content)).toContain('The revision was not reviewed (the notebook was closed)');
  });
});

describe('isPersonsCell', () => {
  const turn = (
    cells: { cellId: string; previousSource: string | null; agentSourceHash?: string }[],
    undone = false
  ) => ({
    prompt: 'p',
    startedAt: '2026-01-01T00:00:00Z',
    cells,
    executions: 0,
    ...(undone ? { undoneAt: '2026-01-01T00:01:00Z' } : {})
  });

  it('follows the latest turn that was not undone', () => {
    const turns = [
      turn([{ cellId: 'a', previousSource: null, agentSourceHash: sourceHash('one') }]),
      turn([{ cellId: 'a', previousSource: 'one', agentSourceHash: sourceHash('two') }], true)
    ];
    expect(isPersonsCell('a', 'one', turns)).toBe(false);
    expect(isPersonsCell('a', 'two', turns)).toBe(true);
    expect(isPersonsCell('b', 'one', turns)).toBe(true);
  });

  it('counts a cell of a turn saved without hashes as the person’s', () => {
    expect(isPersonsCell('a', 'one', [turn([{ cellId: 'a', previousSource: null }])])).toBe(true);
  });

  it('tells sources apart', () => {
    expect(sourceHash('print(1)')).toMatch(/^[0-9a-f]{16}$/);
    expect(sourceHash('print(1)')).not.toBe(sourceHash('print(1) '));
  });
});
