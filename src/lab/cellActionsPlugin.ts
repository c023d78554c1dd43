// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import type { Cell } from '@jupyterlab/cells';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CellActions } from './cellActions';
import { CommandIDs } from './commandIds';
import { cellHasError } from './errorFixButtons';
import { codeInterpreterIcon } from './icons';
import { ICodeInterpreter, ICodeInterpreterSidebar } from './tokens';

/**
 * The cell actions plugin's id; its shortcuts, context-menu entries and cell toolbar button are
 * in schema/cell-actions.json.
 */
export const CELL_ACTIONS_PLUGIN_ID = 'jupyterlab-code-interpreter:cell-actions';

/**
 * Actions on a notebook's cells that send them to the code interpreter: fix a failed cell (a
 * button under its error, a command), ask about a cell (a chip in the sidebar's prompt), explain a
 * cell and its output. Hidden where they cannot work (no sidebar, no Python kernel), refused while
 * a turn runs in the notebook (except attaching a chip, which waits for the next prompt).
 */
export const cellActionsPlugin: JupyterFrontEndPlugin<void> = {
  id: CELL_ACTIONS_PLUGIN_ID,
  description: 'Cell actions of the code interpreter: fix this error, ask about this cell, explain.',
  autoStart: true,
  requires: [ICodeInterpreter, INotebookTracker],
  optional: [ICodeInterpreterSidebar, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    interpreter: ICodeInterpreter,
    tracker: INotebookTracker,
    sidebar: ICodeInterpreterSidebar | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_code_interpreter');
    const actions = new CellActions({
      interpreter,
      tracker,
      sidebar,
      kernelSpecs: app.serviceManager.kernelspecs,
      showSidebar: () => {
        if (sidebar && !sidebar.widget.isVisible) {
          app.shell.activateById(sidebar.widget.id);
        }
      },
      onError: message => void Notification.error(message, { autoClose: 8000 }),
      translator: translator ?? undefined
    });
    const running = () => actions.state() === 'running';
    const runningNote = trans.__('a turn is running');

    /**
     * The cell a command acts on: from the context menu, the cell that was right-clicked (a right
     * click does not always make it the active cell: the notebook keeps an existing selection);
     * otherwise (shortcut, toolbar, palette) the current notebook's active cell. The menu items
     * say they come from the menu (`fromContextMenu` in schema/cell-actions.json), since the
     * application's hit test answers with the last right-click even after its menu closed.
     */
    const target = (args: ReadonlyPartialJSONObject = {}): { panel: NotebookPanel; cell: Cell } | null => {
      const panel = tracker.currentWidget;
      if (!panel) {
        return null;
      }
      if (args.fromContextMenu) {
        const node = app.contextMenuHitTest(element => element.classList.contains('jp-Cell'));
        const clicked = node ? panel.content.widgets.find(cell => cell.node === node) : undefined;
        if (clicked) {
          return { panel, cell: clicked };
        }
      }
      const cell = panel.content.activeCell;
      return cell ? { panel, cell } : null;
    };
    const turnResult = (result: ICodeInterpreter.ITurnResult): ReadonlyPartialJSONObject => ({
      outcome: result.outcome,
      ...(result.reason ? { reason: result.reason } : {}),
      executions: result.executions
    });

    app.commands.addCommand(CommandIDs.fixCell, {
      label: () =>
        running() ? trans.__('Fix with Code Interpreter (%1)', runningNote) : trans.__('Fix with Code Interpreter'),
      caption: () =>
        running()
          ? trans.__('A turn is running in this notebook: wait for it to end, or stop it, to fix this error.')
          : trans.__("Ask the code interpreter to fix the active cell's error"),
      icon: args => (args.isPalette ? undefined : codeInterpreterIcon),
      isVisible: () => actions.state() !== 'unavailable',
      isEnabled: args => {
        const cell = target(args)?.cell;
        return actions.state() === 'ready' && !!cell && cellHasError(cell);
      },
      execute: async args => {
        const found = target(args);
        if (!found || !cellHasError(found.cell)) {
          return undefined;
        }
        return turnResult(await actions.fix(found.panel, found.cell));
      }
    });

    app.commands.addCommand(CommandIDs.explainCell, {
      label: () =>
        running()
          ? trans.__('Explain with Code Interpreter (%1)', runningNote)
          : trans.__('Explain with Code Interpreter'),
      caption: () =>
        running()
          ? trans.__('A turn is running in this notebook: wait for it to end, or stop it, to ask for an explanation.')
          : trans.__('Ask the code interpreter to explain the active cell and its output'),
      icon: args => (args.isPalette ? undefined : codeInterpreterIcon),
      isVisible: () => actions.state() !== 'unavailable',
      isEnabled: args => actions.state() === 'ready' && !!target(args),
      execute: async args => {
        const found = target(args);
        return found ? turnResult(await actions.explain(found.panel, found.cell)) : undefined;
      }
    });

    app.commands.addCommand(CommandIDs.askAboutCell, {
      // In the cell toolbar the icon says it; the caption is its tooltip.
      label: args => (args.toolbar ? '' : trans.__('Ask Code Interpreter about This Cell')),
      caption: trans.__("Attach this cell (and the code selected in it) to the code interpreter's next prompt"),
      icon: args => (args.isPalette ? undefined : codeInterpreterIcon),
      isVisible: () => actions.state() !== 'unavailable',
      // Allowed while a turn runs: the chip is sent with the next prompt.
      isEnabled: args => !!target(args),
      execute: args => {
        const found = target(args);
        return found ? { added: actions.askAbout(found.panel, found.cell) } : undefined;
      }
    });

    // What the commands' state depends on: the notebook, its active cell, its turn, its kernel,
    // the active cell's outputs.
    const commandIds = [CommandIDs.fixCell, CommandIDs.explainCell, CommandIDs.askAboutCell];
    const changed = () => {
      for (const id of commandIds) {
        app.commands.notifyCommandChanged(id);
      }
    };
    interpreter.runningChanged.connect(changed);
    tracker.currentChanged.connect(changed);
    tracker.activeCellChanged.connect(changed);
    tracker.widgetAdded.connect((_, panel) => panel.sessionContext.kernelChanged.connect(changed));
  }
};
