// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { Cell, CodeCell } from '@jupyterlab/cells';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { KernelSpec } from '@jupyterlab/services';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';

import type { TurnIntent } from '../agent/turnRequest';
import { cellActionState, type CellActionState } from './cellActionAvailability';
import { cellAttachment } from './cellAttachment';
import { ErrorFixButtons } from './errorFixButtons';
import type { ICodeInterpreter, ICodeInterpreterSidebar } from './tokens';

/**
 * What the cell actions do, apart from the commands that invoke them: fix a failed cell, explain
 * a cell and its output (each a turn with that cell attached), attach a cell to the sidebar's next
 * prompt; and the fix buttons under failed cells of every open notebook.
 */
export class CellActions implements IDisposable {
  /**
   * Start following the open notebooks.
   *
   * @param options - the service, the notebooks, the sidebar, what opens the sidebar.
   */
  constructor(options: CellActions.IOptions) {
    this._interpreter = options.interpreter;
    this._tracker = options.tracker;
    this._sidebar = options.sidebar;
    this._kernelSpecs = options.kernelSpecs;
    this._showSidebar = options.showSidebar;
    this._onError = options.onError;
    this._translator = options.translator ?? nullTranslator;
    this._trans = this._translator.load('jupyterlab_code_interpreter');
    this._tracker.forEach(panel => this._follow(panel));
    this._tracker.widgetAdded.connect(this._onWidgetAdded, this);
    this._interpreter.runningChanged.connect(this._refreshAll, this);
    this._kernelSpecs?.specsChanged.connect(this._refreshAll, this);
  }

  /**
   * Whether the actions are disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The actions' state in a notebook (the current one by default).
   *
   * @param panel - the notebook.
   * @returns whether they are hidden, refused while a turn runs, or ready.
   */
  state(panel: NotebookPanel | null = this._tracker.currentWidget): CellActionState {
    return cellActionState(panel, {
      hasSidebar: !!this._sidebar,
      isRunning: notebook => this._interpreter.isRunning(notebook),
      kernelSpecs: this._kernelSpecs
    });
  }

  /**
   * Ask the agent to fix a failed cell: a turn with intent `fix` and the cell attached, shown in
   * the sidebar.
   *
   * @param panel - the notebook.
   * @param cell - the cell.
   * @returns how the turn ended.
   * @throws when the actions cannot be used there now (see `state`).
   */
  fix(panel: NotebookPanel, cell: Cell): Promise<ICodeInterpreter.ITurnResult> {
    return this._turn(panel, cell, 'fix', this._trans.__('Fix this error.'));
  }

  /**
   * Ask the agent to explain a cell and its output: a turn with intent `explain` (no cell written
   * or run) and the cell attached, shown in the sidebar.
   *
   * @param panel - the notebook.
   * @param cell - the cell.
   * @returns how the turn ended.
   * @throws when the actions cannot be used there now (see `state`).
   */
  explain(panel: NotebookPanel, cell: Cell): Promise<ICodeInterpreter.ITurnResult> {
    return this._turn(panel, cell, 'explain', this._trans.__('Explain this cell and its output.'));
  }

  /**
   * Attach a cell (and the code selected in it) to the sidebar's next prompt, as a chip, and
   * focus the prompt. Allowed while a turn runs: the chip goes with the next prompt.
   *
   * @param panel - the notebook.
   * @param cell - the cell.
   * @returns whether a chip was added (not for a cell already attached).
   * @throws when the actions cannot be used there (no sidebar, no Python kernel).
   */
  askAbout(panel: NotebookPanel, cell: Cell): boolean {
    if (this.state(panel) === 'unavailable' || !this._sidebar) {
      throw new Error(this._trans.__('The code interpreter cannot work on this notebook (no Python kernel).'));
    }
    const added = this._sidebar.attachCell(panel, cellAttachment(cell));
    this._showSidebar();
    this._sidebar.focusInput();
    return added;
  }

  /**
   * Stop following the notebooks and remove the fix buttons. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const buttons of this._buttons.values()) {
      buttons.dispose();
    }
    this._buttons.clear();
    this._tracker.widgetAdded.disconnect(this._onWidgetAdded, this);
    this._interpreter.runningChanged.disconnect(this._refreshAll, this);
    this._kernelSpecs?.specsChanged.disconnect(this._refreshAll, this);
  }

  private async _turn(
    panel: NotebookPanel,
    cell: Cell,
    intent: TurnIntent,
    prompt: string
  ): Promise<ICodeInterpreter.ITurnResult> {
    const state = this.state(panel);
    if (state === 'running') {
      throw new Error(this._trans.__('A turn is running in this notebook: wait for it to end, or stop it, first.'));
    }
    if (state === 'unavailable') {
      throw new Error(this._trans.__('The code interpreter cannot work on this notebook (no Python kernel).'));
    }
    this._showSidebar();
    try {
      return await this._interpreter.ask(prompt, {
        notebook: panel,
        attachments: [{ cellId: cell.model.id }],
        intent
      });
    } catch (error) {
      this._onError((error as Error).message);
      throw error;
    }
  }

  private _onWidgetAdded(_: INotebookTracker, panel: NotebookPanel): void {
    this._follow(panel);
  }

  /**
   * Give a notebook its fix buttons, kept in step with its kernel.
   */
  private _follow(panel: NotebookPanel): void {
    if (this._isDisposed || this._buttons.has(panel)) {
      return;
    }
    const buttons = new ErrorFixButtons({
      panel,
      state: () => this.state(panel),
      onFix: (cell: CodeCell) => void this.fix(panel, cell).catch(() => undefined),
      translator: this._translator
    });
    this._buttons.set(panel, buttons);
    const refresh = () => buttons.refresh();
    // The kernel's language is known once it is connected and has said what it is.
    panel.sessionContext.kernelChanged.connect(refresh);
    panel.sessionContext.statusChanged.connect(refresh);
    panel.disposed.connect(() => {
      panel.sessionContext.kernelChanged.disconnect(refresh);
      panel.sessionContext.statusChanged.disconnect(refresh);
      buttons.dispose();
      this._buttons.delete(panel);
    });
  }

  private _refreshAll(): void {
    for (const buttons of this._buttons.values()) {
      buttons.refresh();
    }
  }

  private _interpreter: ICodeInterpreter;
  private _tracker: INotebookTracker;
  private _sidebar: ICodeInterpreterSidebar | null;
  private _kernelSpecs?: KernelSpec.IManager;
  private _showSidebar: () => void;
  private _onError: (message: string) => void;
  private _translator: ITranslator;
  private _trans: TranslationBundle;
  private _buttons = new Map<NotebookPanel, ErrorFixButtons>();
  private _isDisposed = false;
}

/**
 * The namespace for `CellActions` statics.
 */
export namespace CellActions {
  /**
   * The options of the cell actions.
   */
  export interface IOptions {
    /**
     * The code interpreter's service.
     */
    interpreter: ICodeInterpreter;

    /**
     * The open notebooks.
     */
    tracker: INotebookTracker;

    /**
     * The sidebar; without one the actions are hidden (nothing would show their turn).
     */
    sidebar: ICodeInterpreterSidebar | null;

    /**
     * The server's kernel specs, which name each kernel's language.
     */
    kernelSpecs?: KernelSpec.IManager;

    /**
     * Brings the sidebar into view.
     */
    showSidebar: () => void;

    /**
     * Tells the person why a turn could not start.
     */
    onError: (message: string) => void;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}
