import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { CodeCell, type Cell } from '@jupyterlab/cells';
import type * as nbformat from '@jupyterlab/nbformat';
import { INotebookTracker, NotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry, RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import type { KernelSpec } from '@jupyterlab/services';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { CommandRegistry } from '@lumino/commands';
import { PluginRegistry } from '@lumino/coreutils';
import { Signal } from '@lumino/signaling';

import { Agent } from '../../src/agent/agent';
import type { ITurnOptions } from '../../src/agent/turnRequest';
import { cellActionState } from '../../src/lab/cellActionAvailability';
import { cellActionsPlugin } from '../../src/lab/cellActionsPlugin';
import type { ChatPanel } from '../../src/lab/chatPanel';
import { CommandIDs } from '../../src/lab/commandIds';
import { commandsPlugin } from '../../src/lab/commandsPlugin';
import { codeInterpreterPlugin } from '../../src/lab/plugin';
import { sidebarPlugin } from '../../src/lab/sidebarPlugin';
import { ICodeInterpreter, ICodeInterpreterSidebar } from '../../src/lab/tokens';
import type { ScriptedReply } from '../support/scriptedModelServer';
import { found, until } from './support/domWait';
import { closeNotebook, openNotebook } from './support/liveNotebook';
import { ScriptedLab } from './support/scriptedLab';

/**
 * The model: a prompt with "hang" gets a request never answered; anything else a short answer
 * (what the agent does with the attached cells is the agent's tests' business).
 */
function reply(body: { messages: { role: string; content?: unknown }[] }): ScriptedReply {
  const prompt = [...body.messages].reverse().find(message => message.role === 'user')?.content;
  // A word of its own: the notes of attached cells say "change".
  if (typeof prompt === 'string' && /\bhang\b/.test(prompt)) {
    return { kind: 'hang' };
  }
  return { kind: 'text', content: 'Noted.' };
}

const ERROR_OUTPUT: nbformat.IError = {
  output_type: 'error',
  ename: 'ZeroDivisionError',
  evalue: 'division by zero',
  traceback: ['ZeroDivisionError: division by zero']
};

const CELLS: nbformat.ICell[] = [
  {
    id: 'ok',
    cell_type: 'code',
    source: 'x = 1',
    metadata: {},
    outputs: [{ output_type: 'stream', name: 'stdout', text: 'fine\n' }],
    execution_count: 1
  },
  { id: 'bad', cell_type: 'code', source: '1 / 0', metadata: {}, outputs: [ERROR_OUTPUT], execution_count: 2 },
  { id: 'notes', cell_type: 'markdown', source: '# Notes', metadata: {} },
  { id: 'plot', cell_type: 'code', source: 'y = 2\nprint(y)', metadata: {}, outputs: [], execution_count: null }
];

let panel: NotebookPanel;
let tracker: NotebookTracker;
let commands: CommandRegistry;
let interpreter: ICodeInterpreter;
let chat: ChatPanel;
let shell: { add: jest.Mock; activateById: jest.Mock };
let run: jest.SpyInstance<Promise<Agent.ITurnResult>, [string, ITurnOptions?]>;
const otherPanels: NotebookPanel[] = [];

/**
 * The server's kernel specs as the plugins see them; a test changes the Python kernel's language.
 */
const kernelSpecs = {
  specs: null as KernelSpec.ISpecModels | null,
  specsChanged: new Signal<unknown, KernelSpec.ISpecModels>({})
};

/**
 * A plugin that provides a service the code interpreter's plugins need from JupyterLab.
 */
function provider<T>(id: string, token: JupyterFrontEndPlugin<T>['provides'], service: T): JupyterFrontEndPlugin<T> {
  return { id, autoStart: true, provides: token, activate: () => service };
}

const lab = ScriptedLab.forSuite({
  script: request => reply(request.body as never),
  env: { OPENAI_API_KEY: 'test-key' },
  beforeStop: async () => {
    run?.mockRestore();
    for (const other of otherPanels) {
      await closeNotebook(other);
    }
    if (panel) {
      await closeNotebook(panel);
    }
  }
});

beforeAll(async () => {
  panel = await openNotebook(lab.manager, 'cell-actions.ipynb', CELLS);
  await lab.manager.kernelspecs.ready;
  kernelSpecs.specs = JSON.parse(JSON.stringify(lab.manager.kernelspecs.specs)) as KernelSpec.ISpecModels;

  tracker = new NotebookTracker({ namespace: 'code-interpreter-cell-actions-test' });
  await tracker.add(panel);
  const settingRegistry = {
    load: async () => ({ composite: { approval: 'never', protocol: 'tools' }, changed: new Signal<unknown, void>({}) })
  };
  shell = { add: jest.fn(), activateById: jest.fn() };
  commands = new CommandRegistry();
  const registry = new PluginRegistry<JupyterFrontEnd>();
  const serviceManager = {
    serverSettings: lab.manager.serverSettings,
    contents: lab.manager.contents,
    kernelspecs: kernelSpecs
  };
  registry.application = { commands, serviceManager, shell } as unknown as JupyterFrontEnd;
  registry.registerPlugins([
    provider('test:tracker', INotebookTracker, tracker),
    provider('test:settings', ISettingRegistry, settingRegistry as unknown as ISettingRegistry),
    provider(
      'test:rendermime',
      IRenderMimeRegistry,
      new RenderMimeRegistry({ initialFactories: standardRendererFactories }) as IRenderMimeRegistry
    ),
    codeInterpreterPlugin,
    sidebarPlugin,
    commandsPlugin,
    cellActionsPlugin
  ]);
  await registry.activatePlugins('startUp');
  interpreter = await registry.resolveRequiredService(ICodeInterpreter);
  chat = (await registry.resolveRequiredService(ICodeInterpreterSidebar)) as ChatPanel;
  await Promise.all(panel.content.widgets.map(cell => cell.ready));
  run = jest.spyOn(Agent.prototype, 'run');
});

beforeEach(() => {
  run?.mockClear();
  shell?.activateById.mockClear();
});

/**
 * A cell of the notebook by id.
 */
function cell(id: string): Cell {
  const found = panel.content.widgets.find(widget => widget.model.id === id);
  if (!found) {
    throw new Error(`No cell ${id}`);
  }
  return found;
}

/**
 * Make a cell the active one (as a right click on it does).
 */
function activate(id: string): void {
  panel.content.activeCellIndex = panel.content.widgets.indexOf(cell(id));
}

/**
 * The ids of the cells whose fix button shows.
 */
function cellsWithFixButton(target: NotebookPanel = panel): string[] {
  return target.content.widgets
    .filter(widget =>
      Array.from(widget.node.querySelectorAll('.jp-CodeInterpreter-fixError')).some(
        node => !node.classList.contains('lm-mod-hidden')
      )
    )
    .map(widget => widget.model.id);
}

/**
 * A cell's fix button, once rendered.
 */
function fixButton(id: string): Promise<HTMLButtonElement> {
  return found<HTMLButtonElement>(cell(id).node, '.jp-CodeInterpreter-fixErrorButton');
}

function chips(): HTMLElement[] {
  return Array.from(chat.node.querySelectorAll<HTMLElement>('.jp-CodeInterpreter-chip'));
}

function chipLabels(): string[] {
  return chips().map(chip => chip.querySelector('.jp-CodeInterpreter-chipLabel')?.textContent ?? '');
}

/**
 * Expect the chips to show these labels, once they are rendered (or fail with the difference).
 */
async function expectChips(labels: string[]): Promise<void> {
  const expected = JSON.stringify(labels);
  await until(chat.node, () => JSON.stringify(chipLabels()) === expected, `the chips ${expected}`).catch(
    () => undefined
  );
  expect(chipLabels()).toEqual(labels);
}

/**
 * Resolves when the notebook's turn has ended.
 */
function turnEnded(): Promise<void> {
  return new Promise(resolve => {
    const onChanged = (_: ICodeInterpreter, args: ICodeInterpreter.IRunningChangedArgs) => {
      if (args.notebook === panel && !args.running) {
        interpreter.runningChanged.disconnect(onChanged);
        resolve();
      }
    };
    interpreter.runningChanged.connect(onChanged);
  });
}

/**
 * Resolves when the agent sends its first model request.
 */
function modelRequested(): Promise<void> {
  return new Promise(resolve => {
    const onEvent = (_: ICodeInterpreter, args: ICodeInterpreter.IEventArgs) => {
      if (args.event.type === 'model-request') {
        interpreter.events.disconnect(onEvent);
        resolve();
      }
    };
    interpreter.events.connect(onEvent);
  });
}

describe('the fix button', () => {
  it('shows under a failed cell only, and follows its outputs', async () => {
    expect(cellsWithFixButton()).toEqual(['bad']);

    // A cell the person adds and runs, which fails.
    panel.model!.sharedModel.insertCell(4, { id: 'later', cell_type: 'code', source: 'undefined_name' });
    const later = cell('later') as CodeCell;
    await later.ready;
    expect(cellsWithFixButton()).toEqual(['bad']);
    await CodeCell.execute(later, panel.sessionContext);
    expect(later.model.outputs.get(0).type).toBe('error');
    expect(cellsWithFixButton()).toEqual(['bad', 'later']);

    later.model.outputs.clear();
    expect(cellsWithFixButton()).toEqual(['bad']);
    panel.model!.sharedModel.deleteCell(4);
  });

  it('starts a fix turn with its cell attached and shows the sidebar', async () => {
    const ended = turnEnded();
    (await fixButton('bad')).click();
    await ended;

    expect(run).toHaveBeenCalledTimes(1);
    expect(run.mock.calls[0][0]).toBe('Fix this error.');
    expect(run.mock.calls[0][1]).toEqual({ attachments: [{ cellId: 'bad' }], intent: 'fix' });
    expect(shell.activateById).toHaveBeenCalledWith(chat.id);
  });
});

describe('the cell commands', () => {
  it('are visible with a Python kernel; fix is enabled on a failed code cell only', () => {
    activate('bad');
    for (const id of [CommandIDs.fixCell, CommandIDs.askAboutCell, CommandIDs.explainCell]) {
      expect(commands.isVisible(id)).toBe(true);
      expect(commands.isEnabled(id)).toBe(true);
    }
    expect(commands.label(CommandIDs.fixCell)).toBe('Fix with Code Interpreter');
    activate('ok');
    expect(commands.isEnabled(CommandIDs.fixCell)).toBe(false);
    expect(commands.isVisible(CommandIDs.fixCell)).toBe(true);
    activate('notes');
    expect(commands.isEnabled(CommandIDs.fixCell)).toBe(false);
    expect(commands.isEnabled(CommandIDs.explainCell)).toBe(true);
  });

  it('fix-cell starts a fix turn on the active cell', async () => {
    activate('bad');
    const result = await commands.execute(CommandIDs.fixCell);

    expect(result).toMatchObject({ outcome: 'completed' });
    expect(run.mock.calls.map(call => [call[0], call[1]])).toEqual([
      ['Fix this error.', { attachments: [{ cellId: 'bad' }], intent: 'fix' }]
    ]);
  });

  it('explain-cell starts an explain turn with the active cell attached', async () => {
    activate('plot');
    const result = await commands.execute(CommandIDs.explainCell);

    expect(result).toMatchObject({ outcome: 'completed' });
    expect(run.mock.calls.map(call => [call[0], call[1]])).toEqual([
      ['Explain this cell and its output.', { attachments: [{ cellId: 'plot' }], intent: 'explain' }]
    ]);
    expect(shell.activateById).toHaveBeenCalledWith(chat.id);
  });
});

describe('ask about this cell', () => {
  it('attaches cells as chips (once each, with the selected code), removable', async () => {
    activate('ok');
    expect(await commands.execute(CommandIDs.askAboutCell)).toEqual({ added: true });
    expect(await commands.execute(CommandIDs.askAboutCell)).toEqual({ added: false });
    await expectChips(['Cell 1: x = 1']);

    activate('plot');
    const plot = cell('plot');
    plot.editor!.setSelection({ start: { line: 1, column: 0 }, end: { line: 1, column: 8 } });
    expect(await commands.execute(CommandIDs.askAboutCell)).toEqual({ added: true });
    await expectChips(['Cell 1: x = 1', 'Cell 4 (selection): print(y)']);

    const remove = chips()[0].querySelector<HTMLButtonElement>('.jp-CodeInterpreter-chipRemove')!;
    expect(remove.getAttribute('aria-label')).toBe('Remove Cell 1: x = 1 from the prompt');
    remove.click();
    await expectChips(['Cell 4 (selection): print(y)']);
  });

  it('sends the chips with the prompt as attachments of a code turn, and clears them', async () => {
    activate('ok');
    await commands.execute(CommandIDs.askAboutCell);
    const input = chat.node.querySelector<HTMLTextAreaElement>('.jp-CodeInterpreter-input')!;
    input.value = 'use a log scale';
    const ended = turnEnded();
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));

    await expectChips([]);
    await ended;
    expect(run.mock.calls.map(call => [call[0], call[1]])).toEqual([
      [
        'use a log scale',
        {
          attachments: [{ cellId: 'plot', selection: { from: 6, to: 14, text: 'print(y)' } }, { cellId: 'ok' }],
          intent: 'code'
        }
      ]
    ]);
    expect(chips()).toHaveLength(0);
  });

  it('drops the chip of a deleted cell, saying so', async () => {
    panel.model!.sharedModel.insertCell(4, { id: 'temp', cell_type: 'code', source: 'z = 3' });
    activate('temp');
    await commands.execute(CommandIDs.askAboutCell);
    await expectChips(['Cell 5: z = 3']);

    panel.model!.sharedModel.deleteCell(4);

    await expectChips([]);
    const notice = await found(chat.node, '.jp-CodeInterpreter-chipsNotice', element => !!element.textContent);
    expect(notice?.getAttribute('role')).toBe('status');
    expect(notice?.textContent).toBe(
      'A cell attached to the prompt was deleted; it is no longer attached: Cell 5: z = 3'
    );
  });
});

describe('while a turn runs', () => {
  it('refuses fix and explain (disabled, saying why) and still attaches chips', async () => {
    const requested = modelRequested();
    const turn = interpreter.ask('Please hang', { notebook: panel });
    await requested;
    activate('bad');

    expect(commands.isVisible(CommandIDs.fixCell)).toBe(true);
    expect(commands.isEnabled(CommandIDs.fixCell)).toBe(false);
    expect(commands.label(CommandIDs.fixCell)).toBe('Fix with Code Interpreter (a turn is running)');
    expect(commands.isEnabled(CommandIDs.explainCell)).toBe(false);
    expect(commands.label(CommandIDs.explainCell)).toBe('Explain with Code Interpreter (a turn is running)');
    const button = await fixButton('bad');
    await until(button, () => button.disabled, 'the fix button is disabled');
    expect(button.title).toMatch(/turn is running/);
    await expect(commands.execute(CommandIDs.fixCell)).rejects.toThrow(/turn is running/);

    expect(commands.isEnabled(CommandIDs.askAboutCell)).toBe(true);
    expect(await commands.execute(CommandIDs.askAboutCell)).toEqual({ added: true });
    await expectChips(['Cell 2: 1 / 0']);

    interpreter.stop(panel);
    expect((await turn).outcome).toBe('stopped');
    await until(button, () => !button.disabled, 'the fix button is enabled again');
    expect(commands.isEnabled(CommandIDs.fixCell)).toBe(true);
    // The chip waits for the next prompt: once the prompt box shows the turn ended, its chips are
    // those it holds after the turn.
    const send = await found(chat.node, '.jp-CodeInterpreter-send');
    await until(send, () => send.textContent === 'Send', 'the prompt box shows no running turn');
    expect(chipLabels()).toEqual(['Cell 2: 1 / 0']);
  });
});

describe('where the cell actions cannot work', () => {
  it('hides them with a kernel of another language', () => {
    activate('bad');
    const python = kernelSpecs.specs!.kernelspecs.python3!;
    kernelSpecs.specs!.kernelspecs.python3 = { ...python, language: 'R' };
    kernelSpecs.specsChanged.emit(kernelSpecs.specs!);
    try {
      for (const id of [CommandIDs.fixCell, CommandIDs.askAboutCell, CommandIDs.explainCell]) {
        expect(commands.isVisible(id)).toBe(false);
      }
      expect(cellsWithFixButton()).toEqual([]);
    } finally {
      kernelSpecs.specs!.kernelspecs.python3 = python;
      kernelSpecs.specsChanged.emit(kernelSpecs.specs!);
    }
    expect(cellsWithFixButton()).toEqual(['bad']);
    expect(commands.isVisible(CommandIDs.fixCell)).toBe(true);
  });

  it('hides them without a sidebar', async () => {
    // The same service and notebooks, with the sidebar plugin disabled.
    const bare = new CommandRegistry();
    const registry = new PluginRegistry<JupyterFrontEnd>();
    const serviceManager = {
      serverSettings: lab.manager.serverSettings,
      contents: lab.manager.contents,
      kernelspecs: kernelSpecs
    };
    registry.application = { commands: bare, serviceManager, shell } as unknown as JupyterFrontEnd;
    registry.registerPlugins([
      provider('test:tracker', INotebookTracker, tracker),
      provider('test:interpreter', ICodeInterpreter, interpreter),
      cellActionsPlugin
    ]);
    await registry.activatePlugins('startUp');
    expect(tracker.currentWidget === panel).toBe(true);
    for (const id of [CommandIDs.fixCell, CommandIDs.askAboutCell, CommandIDs.explainCell]) {
      expect(bare.isVisible(id)).toBe(false);
    }
    const state = cellActionState(panel, { hasSidebar: false, isRunning: () => false, kernelSpecs });
    expect(state).toBe('unavailable');
    expect(cellActionState(panel, { hasSidebar: true, isRunning: () => false, kernelSpecs })).toBe('ready');
    expect(cellActionState(panel, { hasSidebar: true, isRunning: () => true, kernelSpecs })).toBe('running');
  });

  it('hides them in a notebook without a kernel', async () => {
    const other = await openNotebook(lab.manager, 'cell-actions-no-kernel.ipynb', [
      { id: 'failed', cell_type: 'code', source: '1 / 0', metadata: {}, outputs: [ERROR_OUTPUT], execution_count: 1 }
    ]);
    otherPanels.push(other);
    await other.sessionContext.shutdown();
    await tracker.add(other);
    expect(tracker.currentWidget === other).toBe(true);
    await Promise.all(other.content.widgets.map(widget => widget.ready));
    other.content.activeCellIndex = 0;

    expect(other.sessionContext.session?.kernel ?? null).toBeNull();
    for (const id of [CommandIDs.fixCell, CommandIDs.askAboutCell, CommandIDs.explainCell]) {
      expect(commands.isVisible(id)).toBe(false);
    }
    expect(other.content.widgets[0].node.querySelector('.jp-CodeInterpreter-fixError')).not.toBeNull();
    expect(cellsWithFixButton(other)).toEqual([]);
  });
});
