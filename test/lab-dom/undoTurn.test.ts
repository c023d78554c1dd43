import type { ICodeCellModel } from '@jupyterlab/cells';
import { NotebookModel } from '@jupyterlab/notebook';

import {
  CONVERSATION_METADATA_KEY,
  type IConversationRecord,
  type ITurnRecord
} from '../../src/conversation/conversationRecord';
import { sourceHash } from '../../src/agent/revisionReview';
import { markTurnUndone, undoTurn } from '../../src/lab/undoTurn';

/**
 * A notebook as a user left it after a turn: the user's cells `user-1` (code), `user-2` (code
 * the turn edited and ran) and `user-3` (markdown); the turn inserted `agent-1` and `agent-2`
 * after `user-1`, and `agent-3`, which the user has deleted since.
 */
function notebookAfterTurn(): { model: NotebookModel; turn: ITurnRecord } {
  const model = new NotebookModel();
  model.sharedModel.insertCells(0, [
    { id: 'user-1', cell_type: 'code', source: 'import math', metadata: {}, outputs: [], execution_count: 1 },
    { id: 'agent-1', cell_type: 'code', source: 'x = math.pi', metadata: {}, outputs: [], execution_count: 2 },
    {
      id: 'agent-2',
      cell_type: 'code',
      source: 'print(x)',
      metadata: {},
      outputs: [{ output_type: 'stream', name: 'stdout', text: '3.14159\n' }],
      execution_count: 3
    },
    {
      id: 'user-2',
      cell_type: 'code',
      source: 'round(x, 2)',
      metadata: {},
      outputs: [{ output_type: 'execute_result', data: { 'text/plain': '3.14' }, metadata: {}, execution_count: 4 }],
      execution_count: 4
    },
    { id: 'user-3', cell_type: 'markdown', source: '# Notes', metadata: {} }
  ]);
  const turn: ITurnRecord = {
    prompt: 'print pi, then round it',
    startedAt: '2026-11-24T10:00:00.000Z',
    outcome: 'completed',
    cells: [
      { cellId: 'agent-1', previousSource: null },
      { cellId: 'agent-2', previousSource: null },
      { cellId: 'user-2', previousSource: 'x' },
      { cellId: 'agent-3', previousSource: null }
    ],
    executions: 4
  };
  return { model, turn };
}

function cellIds(model: NotebookModel): string[] {
  return Array.from(model.cells, cell => cell.id);
}

describe('undoTurn', () => {
  it('deletes the inserted cells, restores the edited one and counts the one the user deleted as missing', () => {
    const { model, turn } = notebookAfterTurn();

    const result = undoTurn(model, turn);

    expect(result).toEqual({ deleted: 2, restored: 1, missing: 1 });
    expect(cellIds(model)).toEqual(['user-1', 'user-2', 'user-3']);
    const restored = model.cells.get(1) as ICodeCellModel;
    expect(restored.sharedModel.getSource()).toBe('x');
    // The outputs were those of the edited code, not of the restored one.
    expect(restored.outputs.length).toBe(0);
    expect(restored.executionCount).toBeNull();
    // The user's own cells the turn did not touch are left as they were.
    expect(model.cells.get(0).sharedModel.getSource()).toBe('import math');
    expect((model.cells.get(0) as ICodeCellModel).executionCount).toBe(1);
    expect(model.cells.get(2).sharedModel.getSource()).toBe('# Notes');
    model.dispose();
  });

  it('restores the person’s cell whose revision they accepted, byte for byte', () => {
    const { model } = notebookAfterTurn();
    const mine = 'round(x, 2)  # mine\n';
    // The accepted revision ran in the cell; the turn recorded the person's code and its hash.
    model.cells.get(3).sharedModel.setSource('round(x, 4)');
    const turn: ITurnRecord = {
      prompt: 'four decimals',
      startedAt: '2026-11-24T10:10:00.000Z',
      outcome: 'completed',
      cells: [{ cellId: 'user-2', previousSource: mine, agentSourceHash: sourceHash('round(x, 4)') }],
      executions: 1
    };

    expect(undoTurn(model, turn)).toEqual({ deleted: 0, restored: 1, missing: 0 });
    expect(model.cells.get(3).sharedModel.getSource()).toBe(mine);
    expect((model.cells.get(3) as ICodeCellModel).outputs.length).toBe(0);
    model.dispose();
  });

  it('makes all its changes in one shared-model transaction', () => {
    const { model, turn } = notebookAfterTurn();
    let changes = 0;
    model.sharedModel.changed.connect(() => changes++);

    undoTurn(model, turn);

    expect(changes).toBe(1);
    model.dispose();
  });

  it('leaves one empty code cell when the turn had written into the only cell of a new notebook', () => {
    const model = new NotebookModel();
    model.sharedModel.insertCells(0, [
      { id: 'agent-1', cell_type: 'code', source: 'a = 1', metadata: {}, outputs: [], execution_count: 1 },
      { id: 'agent-2', cell_type: 'code', source: 'print(a)', metadata: {}, outputs: [], execution_count: 2 }
    ]);
    const turn: ITurnRecord = {
      prompt: 'print a',
      startedAt: '2026-11-24T10:00:00.000Z',
      outcome: 'completed',
      cells: [
        { cellId: 'agent-1', previousSource: null },
        { cellId: 'agent-2', previousSource: null }
      ],
      executions: 2
    };

    const result = undoTurn(model, turn);

    expect(result).toEqual({ deleted: 2, restored: 0, missing: 0 });
    expect(model.cells.length).toBe(1);
    const cell = model.cells.get(0) as ICodeCellModel;
    expect([cell.type, cell.sharedModel.getSource(), cell.outputs.length, cell.executionCount]).toEqual([
      'code',
      '',
      0,
      null
    ]);
    expect(['agent-1', 'agent-2']).not.toContain(cell.id);
    model.dispose();
  });

  it('finds the cells by id wherever the user moved them', () => {
    const { model, turn } = notebookAfterTurn();
    // The user moved the edited cell to the top and an inserted one to the end.
    model.sharedModel.moveCell(3, 0);
    model.sharedModel.moveCell(2, 4);
    expect(cellIds(model)).toEqual(['user-2', 'user-1', 'agent-2', 'user-3', 'agent-1']);

    const result = undoTurn(model, turn);

    expect(result).toEqual({ deleted: 2, restored: 1, missing: 1 });
    expect(cellIds(model)).toEqual(['user-2', 'user-1', 'user-3']);
    expect(model.cells.get(0).sharedModel.getSource()).toBe('x');
    model.dispose();
  });

  it("never deletes the user's cell when the user put the turn's cells in another order", () => {
    const model = new NotebookModel();
    model.sharedModel.insertCells(0, [
      { id: 'agent-2', cell_type: 'code', source: 'b = 2', metadata: {}, outputs: [], execution_count: null },
      { id: 'agent-1', cell_type: 'code', source: 'a = 1', metadata: {}, outputs: [], execution_count: null },
      { id: 'user-1', cell_type: 'code', source: 'mine = 3', metadata: {}, outputs: [], execution_count: null }
    ]);
    const turn: ITurnRecord = {
      prompt: 'two cells',
      startedAt: '2026-11-24T10:00:00.000Z',
      cells: [
        { cellId: 'agent-1', previousSource: null },
        { cellId: 'agent-2', previousSource: null }
      ],
      executions: 2
    };

    expect(undoTurn(model, turn)).toEqual({ deleted: 2, restored: 0, missing: 0 });
    expect(cellIds(model)).toEqual(['user-1']);
    expect(model.cells.get(0).sharedModel.getSource()).toBe('mine = 3');
    model.dispose();
  });

  it('changes nothing and reports every cell missing when the user deleted them all', () => {
    const { model, turn } = notebookAfterTurn();
    model.sharedModel.deleteCellRange(1, 4);
    expect(cellIds(model)).toEqual(['user-1', 'user-3']);

    expect(undoTurn(model, turn)).toEqual({ deleted: 0, restored: 0, missing: 4 });
    expect(cellIds(model)).toEqual(['user-1', 'user-3']);
    model.dispose();
  });
});

describe('markTurnUndone', () => {
  function record(turns: ITurnRecord[]): IConversationRecord {
    return {
      version: 1,
      protocol: 'tools',
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'user', content: 'second' }
      ],
      turns
    };
  }

  it('sets undoneAt on that turn only, in the notebook metadata', () => {
    const { model, turn } = notebookAfterTurn();
    const first: ITurnRecord = { ...turn, prompt: 'first', messageIndex: 0 };
    const second: ITurnRecord = { ...turn, prompt: 'second', messageIndex: 1 };
    model.setMetadata(CONVERSATION_METADATA_KEY, JSON.parse(JSON.stringify(record([first, second]))));
    const before = Date.now();

    expect(markTurnUndone(model, 2)).toBe(true);

    const saved = model.getMetadata(CONVERSATION_METADATA_KEY) as unknown as IConversationRecord;
    expect(saved.turns[0].undoneAt).toBeUndefined();
    const undoneAt = saved.turns[1].undoneAt;
    expect(typeof undoneAt).toBe('string');
    expect(new Date(undoneAt as string).toISOString()).toBe(undoneAt);
    expect(Date.parse(undoneAt as string)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    // Everything else of the record is kept.
    expect({ ...saved, turns: [saved.turns[0], { ...saved.turns[1], undoneAt: undefined }] }).toEqual(
      JSON.parse(JSON.stringify(record([first, { ...second, undoneAt: undefined }])))
    );
    model.dispose();
  });

  it('goes into the saved notebook', () => {
    const { model, turn } = notebookAfterTurn();
    model.setMetadata(CONVERSATION_METADATA_KEY, JSON.parse(JSON.stringify(record([turn]))));

    markTurnUndone(model, 1);

    const saved = model.toJSON().metadata[CONVERSATION_METADATA_KEY] as unknown as IConversationRecord;
    expect(saved.turns[0].undoneAt).toEqual(expect.any(String));
    model.dispose();
  });

  it('returns false and changes nothing for a turn the record does not have, or without a record', () => {
    const { model, turn } = notebookAfterTurn();
    expect(markTurnUndone(model, 1)).toBe(false);
    expect(model.getMetadata(CONVERSATION_METADATA_KEY)).toBeUndefined();

    model.setMetadata(CONVERSATION_METADATA_KEY, JSON.parse(JSON.stringify(record([turn]))));
    expect(markTurnUndone(model, 2)).toBe(false);
    expect(markTurnUndone(model, 0)).toBe(false);
    const saved = model.getMetadata(CONVERSATION_METADATA_KEY) as unknown as IConversationRecord;
    expect(saved.turns).toHaveLength(1);
    expect(saved.turns[0].undoneAt).toBeUndefined();
    model.dispose();
  });
});
