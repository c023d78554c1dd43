import type { ICodeCellModel } from '@jupyterlab/cells';
import { CodeCell, MarkdownCell } from '@jupyterlab/cells';
import type * as nbformat from '@jupyterlab/nbformat';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { ServiceManager } from '@jupyterlab/services';

import { CONVERSATION_METADATA_KEY, type IConversationRecord } from '../../src/conversation/conversationRecord';
import type { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { LiveNotebookTarget } from '../../src/lab/liveNotebookTarget';
import { checkSavedConversation } from '../../src/agent/savedConversation';
import { CellNotFoundError, NotACodeCellError } from '../../src/notebook/notebookTarget';
import { startJupyter } from '../support/jupyter';
import { closeNotebook, openNotebook, serviceManagerFor } from './support/liveNotebook';

const PATH = 'live.ipynb';

/** The user's cells each test starts from. */
const USER_CELLS: nbformat.ICell[] = [
  { id: 'user-code', cell_type: 'code', source: 'base = 40', metadata: {}, outputs: [], execution_count: null },
  { id: 'user-notes', cell_type: 'markdown', source: '# Notes', metadata: {} },
  { id: 'user-last', cell_type: 'code', source: 'print("last")', metadata: {}, outputs: [], execution_count: null }
];

let server: JupyterServerProcess;
let manager: ServiceManager;
let panel: NotebookPanel;

beforeAll(async () => {
  server = await startJupyter();
  manager = serviceManagerFor(server);
  panel = await openNotebook(manager, PATH, USER_CELLS);
});

afterAll(async () => {
  try {
    if (panel) {
      await closeNotebook(panel);
    }
    manager?.dispose();
  } finally {
    await server?.stop();
  }
});

beforeEach(() => {
  // The same open notebook and kernel for every test, its cells back to the user's.
  const shared = panel.model!.sharedModel;
  shared.transact(() => {
    shared.deleteCellRange(0, shared.cells.length);
    shared.insertCells(0, USER_CELLS);
  });
  panel.content.mode = 'command';
  panel.content.activeCellIndex = 0;
});

function cellIds(): string[] {
  return Array.from(panel.model!.cells, cell => cell.id);
}

function codeCell(target: LiveNotebookTarget, id: string): ICodeCellModel {
  const cell = target.findCell(id);
  expect(cell?.type).toBe('code');
  return cell as ICodeCellModel;
}

describe('LiveNotebookTarget cell placement', () => {
  it("puts a turn's first cell after the active cell and each next one after the previous", async () => {
    const target = new LiveNotebookTarget({ panel });
    target.startTurn();

    const first = await target.insertCode('x = 1');
    const notes = await target.insertMarkdown('## What x is');
    const second = await target.insertCode('y = x + 1');

    expect(cellIds()).toEqual(['user-code', first, notes, second, 'user-notes', 'user-last']);
    // The active cell followed the agent, so the next turn continues below this one.
    expect(panel.content.activeCell?.model.id).toBe(second);
    // The notebook widget shows them as cells of their kinds.
    const widgets = panel.content.widgets;
    expect(widgets.map(widget => widget.model.id)).toEqual(cellIds());
    expect(widgets[1]).toBeInstanceOf(CodeCell);
    expect(widgets[2]).toBeInstanceOf(MarkdownCell);
    expect(target.getSource(notes)).toBe('## What x is');

    target.startTurn();
    const next = await target.insertCode('z = 3');
    expect(cellIds()).toEqual(['user-code', first, notes, second, next, 'user-notes', 'user-last']);
  });

  it('leaves the active cell where the user moved it, and keeps placing cells after its own', async () => {
    const target = new LiveNotebookTarget({ panel });
    panel.content.activeCellIndex = 1;
    target.startTurn();
    const first = await target.insertCode('a = 1');
    expect(cellIds()).toEqual(['user-code', 'user-notes', first, 'user-last']);

    // The user selects the last cell while the turn runs.
    panel.content.activeCellIndex = 3;
    const second = await target.insertCode('b = 2');

    expect(cellIds()).toEqual(['user-code', 'user-notes', first, second, 'user-last']);
    expect(panel.content.activeCell?.model.id).toBe('user-last');
  });

  it('does not move the active cell away from a cell the user is typing in', async () => {
    const target = new LiveNotebookTarget({ panel });
    target.startTurn();
    panel.content.mode = 'edit';

    const id = await target.insertCode('c = 3');

    expect(cellIds()).toEqual(['user-code', id, 'user-notes', 'user-last']);
    expect(panel.content.activeCell?.model.id).toBe('user-code');
    expect(panel.content.mode).toBe('edit');
  });

  it("writes a turn's first code into a new notebook's empty cell, not below it", async () => {
    const shared = panel.model!.sharedModel;
    shared.transact(() => {
      shared.deleteCellRange(0, shared.cells.length);
      shared.insertCell(0, { id: 'blank', cell_type: 'code', source: '', metadata: {} });
    });
    panel.content.activeCellIndex = 0;
    const target = new LiveNotebookTarget({ panel });
    target.startTurn();

    const first = await target.insertCode('a = 1');
    const second = await target.insertCode('b = 2');

    expect(first).toBe('blank');
    expect(cellIds()).toEqual(['blank', second]);
    expect(target.getSource('blank')).toBe('a = 1');
    expect(panel.content.activeCell?.model.id).toBe(second);
  });

  it('keeps an empty cell that ran, has outputs, or is one of several, and puts markdown below it', async () => {
    const target = new LiveNotebookTarget({ panel });
    const only = (cell: nbformat.ICell) => {
      const shared = panel.model!.sharedModel;
      shared.transact(() => {
        shared.deleteCellRange(0, shared.cells.length);
        shared.insertCell(0, cell);
      });
      panel.content.activeCellIndex = 0;
      target.startTurn();
    };
    const blank = (id: string, fields: Partial<nbformat.ICodeCell> = {}): nbformat.ICodeCell => ({
      id,
      cell_type: 'code',
      source: '',
      metadata: {},
      outputs: [],
      execution_count: null,
      ...fields
    });

    only(blank('ran', { execution_count: 3 }));
    const ranNext = await target.insertCode('x = 1');
    expect(cellIds()).toEqual(['ran', ranNext]);

    only(blank('printed', { outputs: [{ output_type: 'stream', name: 'stdout', text: 'hi\n' }] }));
    const printedNext = await target.insertCode('x = 1');
    expect(cellIds()).toEqual(['printed', printedNext]);

    only(blank('blank'));
    const markdown = await target.insertMarkdown('# Title');
    expect(cellIds()).toEqual(['blank', markdown]);

    // Two cells: the empty one is the user's layout, not a new notebook's placeholder.
    only(blank('blank'));
    panel.model!.sharedModel.insertCell(1, blank('second'));
    const placed = await target.insertCode('y = 2');
    expect(cellIds()).toEqual(['blank', placed, 'second']);
  });

  it('inserts the markdown made safe: a remote image is a link, a command button has no command', async () => {
    const target = new LiveNotebookTarget({ panel });
    target.startTurn();
    const id = await target.insertMarkdown(
      '![chart](https://host/c.png?d=1)\n\n<button data-commandlinker-command="code-interpreter:ask">Go</button>'
    );
    expect(target.getSource(id)).toBe('[chart](https://host/c.png?d=1)\n\n<button>Go</button>');
  });

  it('lists the cells in order with their kinds, sources and execution counts', async () => {
    const target = new LiveNotebookTarget({ panel });
    target.startTurn();
    const id = await target.insertCode('1 + 1');
    const result = await target.execute(id);

    expect(target.cells()).toEqual([
      { id: 'user-code', cellType: 'code', source: 'base = 40', executionCount: null },
      { id, cellType: 'code', source: '1 + 1', executionCount: result.executionCount },
      { id: 'user-notes', cellType: 'markdown', source: '# Notes', executionCount: null },
      { id: 'user-last', cellType: 'code', source: 'print("last")', executionCount: null }
    ]);
    expect(target.name).toBe(PATH);
  });
});

describe('LiveNotebookTarget execution on the notebook kernel', () => {
  it('writes outputs and the execution count into the cell, with the kernel state of earlier cells', async () => {
    const target = new LiveNotebookTarget({ panel });
    const userRun = await target.execute('user-code');
    expect(userRun.status).toBe('ok');
    target.startTurn();
    const id = await target.insertCode('print("hi")\nbase + 2');

    const result = await target.execute(id);

    expect(result.status).toBe('ok');
    const cell = codeCell(target, id);
    expect(cell.executionCount).toBe(result.executionCount);
    expect(result.executionCount).toBeGreaterThan(userRun.executionCount as number);
    expect(cell.outputs.toJSON()).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'hi\n' },
      {
        output_type: 'execute_result',
        data: { 'text/plain': '42' },
        metadata: {},
        execution_count: result.executionCount
      }
    ]);
    expect(cell.outputs.toJSON()).toEqual(result.outputs);
    expect(cell.executionState).toBe('idle');
    // Code the model wrote: its outputs are untrusted, in the live model and for the notary.
    expect(cell.trusted).toBe(false);
    expect(cell.getMetadata('trusted')).toBe(false);
    expect(codeCell(target, 'user-code').executionCount).toBe(userRun.executionCount);
    // The notebook shows them as after a run by hand.
    const widget = panel.content.widgets.find(candidate => candidate.model.id === id) as CodeCell;
    expect(widget.outputArea.widgets).toHaveLength(2);
    expect(widget.outputArea.node.textContent).toContain('hi');
    expect(widget.outputArea.node.textContent).toContain('42');
  });

  it("makes a trusted cell's outputs untrusted when the agent runs it", async () => {
    const target = new LiveNotebookTarget({ panel });
    const cell = codeCell(target, 'user-code');
    // As after the person ran it by hand.
    cell.trusted = true;
    expect(cell.getMetadata('trusted')).toBe(true);

    expect((await target.execute('user-code')).status).toBe('ok');

    expect(cell.trusted).toBe(false);
    expect(cell.outputs.trusted).toBe(false);
    expect(cell.getMetadata('trusted')).toBe(false);
  });

  it('writes a traceback into the cell when the code fails', async () => {
    const target = new LiveNotebookTarget({ panel });
    target.startTurn();
    const id = await target.insertCode('1 / 0');

    const result = await target.execute(id);

    expect(result.status).toBe('error');
    const outputs = codeCell(target, id).outputs.toJSON();
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ output_type: 'error', ename: 'ZeroDivisionError' });
    expect(codeCell(target, id).executionCount).toBe(result.executionCount);
  });

  it("reads a cell's outputs as nbformat stores them: a traceback, none for markdown, an error for a gone cell", async () => {
    const target = new LiveNotebookTarget({ panel });
    target.startTurn();
    const id = await target.insertCode('print("seen")\n1 / 0');
    await target.execute(id);

    const outputs = target.getOutputs(id);

    expect(outputs).toHaveLength(2);
    expect(outputs[0]).toEqual({ output_type: 'stream', name: 'stdout', text: 'seen\n' });
    expect(outputs[1]).toMatchObject({ output_type: 'error', ename: 'ZeroDivisionError' });
    // A copy: changing it leaves the cell as it is.
    outputs.pop();
    expect(target.getOutputs(id)).toHaveLength(2);
    expect(target.getOutputs('user-code')).toEqual([]);
    expect(target.getOutputs('user-notes')).toEqual([]);
    expect(() => target.getOutputs('no-such-cell')).toThrow(CellNotFoundError);
  });

  it('revises a cell in place: setSource clears its outputs and the next run fills them again', async () => {
    const target = new LiveNotebookTarget({ panel });
    target.startTurn();
    const id = await target.insertCode('undefined_name');
    expect((await target.execute(id)).status).toBe('error');

    await target.setSource(id, '"fixed"');
    const cell = codeCell(target, id);
    expect(cell.sharedModel.getSource()).toBe('"fixed"');
    expect(cell.outputs.length).toBe(0);
    expect(cell.executionCount).toBeNull();

    const result = await target.execute(id);
    expect(result.status).toBe('ok');
    expect(cell.outputs.toJSON()).toEqual([
      {
        output_type: 'execute_result',
        data: { 'text/plain': "'fixed'" },
        metadata: {},
        execution_count: result.executionCount
      }
    ]);
    expect(cellIds()).toHaveLength(USER_CELLS.length + 1);
  });
});

describe('LiveNotebookTarget kernel inspection', () => {
  it("describes the notebook kernel's namespace and mentions, and leaves nothing in the notebook", async () => {
    const target = new LiveNotebookTarget({ panel });
    const userRun = await target.execute('user-code');
    expect(userRun.status).toBe('ok');
    const before = JSON.stringify(panel.model!.toJSON());

    const inspection = await target.inspectKernel({ mentions: ['base', 'nothing_here'] });

    expect(inspection.kind).toBe('namespace');
    const namespace = inspection.kind === 'namespace' ? inspection.namespace : undefined;
    expect(namespace?.variables).toContainEqual({ name: 'base', kind: 'scalar', type: 'int', value: '40' });
    expect(namespace?.mentioned).toEqual([
      { name: 'base', kind: 'variable', text: 'int: 40' },
      { name: 'nothing_here', kind: 'missing', text: '' }
    ]);
    // No cell, output or execution count changed, and the next run counts on from the user's.
    expect(JSON.stringify(panel.model!.toJSON())).toBe(before);
    target.startTurn();
    const next = await target.insertCode('base + 2');
    expect((await target.execute(next)).executionCount).toBe((userRun.executionCount as number) + 1);
  });

  it('skips a kernel running a cell the user just started, without waiting for it', async () => {
    const target = new LiveNotebookTarget({ panel });
    panel.model!.cells.get(0).sharedModel.setSource('import time\ntime.sleep(2)');
    const widget = panel.content.widgets[0] as CodeCell;
    // Run as JupyterLab's run command does: the cell is marked running before the kernel says busy.
    const running = CodeCell.execute(widget, panel.sessionContext);
    const started = Date.now();

    const inspection = await target.inspectKernel();

    expect(inspection).toMatchObject({ kind: 'skipped', reason: 'busy' });
    expect(Date.now() - started).toBeLessThan(500);
    await running;
    expect((await target.inspectKernel()).kind).toBe('namespace');
  });
});

describe('LiveNotebookTarget stopping a cell', () => {
  it('interrupts a running cell when the stop signal fires, and leaves the cell idle with what it printed', async () => {
    const target = new LiveNotebookTarget({ panel });
    target.startTurn();
    const id = await target.insertCode('import time\nprint("started", flush=True)\ntime.sleep(60)');
    const stop = new AbortController();

    const result = await target.execute(id, {
      signal: stop.signal,
      onOutput: outputs => {
        if (outputs.some(output => output.output_type === 'stream')) {
          stop.abort();
        }
      }
    });

    expect(result.status).toBe('interrupted');
    const cell = codeCell(target, id);
    expect(cell.executionState).toBe('idle');
    expect(cell.outputs.toJSON()[0]).toEqual({ output_type: 'stream', name: 'stdout', text: 'started\n' });
    // The kernel is usable again.
    const after = await target.insertCode('"alive"');
    expect((await target.execute(after)).status).toBe('ok');
  });

  it('reports a timeout when the cell runs past its time limit, and the kernel answers afterwards', async () => {
    const target = new LiveNotebookTarget({ panel });
    target.startTurn();
    const id = await target.insertCode('import time\ntime.sleep(60)');

    const result = await target.execute(id, { timeoutMs: 1000 });

    expect(result.status).toBe('timeout');
    expect(codeCell(target, id).executionState).toBe('idle');
    const after = await target.insertCode('1 + 1');
    const next = await target.execute(after);
    expect(next.status).toBe('ok');
    expect(codeCell(target, after).outputs.toJSON()[0]).toMatchObject({ data: { 'text/plain': '2' } });
  });
});

describe('LiveNotebookTarget and the user editing the notebook', () => {
  it('reports a cell the user deleted during the turn as not found', async () => {
    const target = new LiveNotebookTarget({ panel });
    target.startTurn();
    const id = await target.insertCode('print("soon gone")');
    panel.model!.sharedModel.deleteCell(cellIds().indexOf(id));

    await expect(target.execute(id)).rejects.toBeInstanceOf(CellNotFoundError);
    await expect(target.setSource(id, 'print(1)')).rejects.toMatchObject({ name: 'CellNotFoundError', cellId: id });
    expect(() => target.getSource(id)).toThrow(CellNotFoundError);
    expect(target.findCell(id)).toBeUndefined();
    expect(cellIds()).toEqual(USER_CELLS.map(cell => cell.id));
  });

  it("refuses to edit or run the user's markdown cell and leaves it as it is", async () => {
    const target = new LiveNotebookTarget({ panel });

    await expect(target.setSource('user-notes', 'print(1)')).rejects.toBeInstanceOf(NotACodeCellError);
    await expect(target.execute('user-notes')).rejects.toMatchObject({ cellId: 'user-notes', cellType: 'markdown' });
    expect(target.getSource('user-notes')).toBe('# Notes');
    expect(panel.model!.cells.get(1).type).toBe('markdown');
  });
});

describe('LiveNotebookTarget conversation', () => {
  const record: IConversationRecord = {
    version: 1,
    protocol: 'tools',
    model: 'gpt-4o-mini',
    messages: [
      { role: 'user', content: 'what is base + 2?' },
      { role: 'assistant', content: '42' }
    ],
    turns: [
      {
        prompt: 'what is base + 2?',
        startedAt: '2026-11-24T10:00:00.000Z',
        outcome: 'completed',
        cells: [{ cellId: 'user-code', previousSource: 'base = 4' }],
        executions: 1,
        messageIndex: 0
      }
    ]
  };

  it('saves it in the notebook metadata and in the file on the server, and loads it back', async () => {
    const target = new LiveNotebookTarget({ panel });
    panel.model!.deleteMetadata(CONVERSATION_METADATA_KEY);
    expect(target.loadConversation()).toBeUndefined();

    await target.saveConversation(record);

    expect(panel.model!.getMetadata(CONVERSATION_METADATA_KEY)).toEqual(record);
    expect(panel.model!.dirty).toBe(false);
    const file = await manager.contents.get(PATH, { type: 'notebook', content: true });
    expect((file.content as nbformat.INotebookContent).metadata[CONVERSATION_METADATA_KEY]).toEqual(record);

    const loaded = target.loadConversation() as IConversationRecord;
    expect(loaded).toEqual(record);
    // A copy: changing it does not change the notebook.
    loaded.messages.push({ role: 'user', content: 'more' });
    expect((target.loadConversation() as IConversationRecord).messages).toHaveLength(2);
  });

  it('keeps nothing of metadata in a format it does not read, and says so', () => {
    const target = new LiveNotebookTarget({ panel });
    panel.model!.setMetadata(CONVERSATION_METADATA_KEY, { version: 2, messages: [], turns: [] });
    const future = checkSavedConversation(target.loadConversation());
    expect(future.record).toBeUndefined();
    expect(future.dropped).toEqual([expect.objectContaining({ what: 'record' })]);
    panel.model!.setMetadata(CONVERSATION_METADATA_KEY, { version: 1, messages: 'none', turns: [] });
    expect(checkSavedConversation(target.loadConversation()).record).toBeUndefined();
  });
});
