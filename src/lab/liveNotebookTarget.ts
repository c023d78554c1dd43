// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { isCodeCellModel, type ICellModel } from '@jupyterlab/cells';
import type * as nbformat from '@jupyterlab/nbformat';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Signal, type ISignal } from '@lumino/signaling';

import type { IConversationRecord } from '../conversation/conversationRecord';
import { KernelExecutor } from '../kernel/kernelExecutor';
import type { KernelInspection } from '../kernel/namespaceInspector';
import type { IExecuteOptions, IExecutionResult } from '../kernel/executionResult';
import {
  CellNotFoundError,
  NotACodeCellError,
  type ICellSummary,
  type IInspectKernelOptions,
  type INotebookTarget
} from '../notebook/notebookTarget';
import { safeMarkdown } from '../notebook/safeMarkdown';
import { CellPlacement } from './cellPlacement';
import { executeInCell, type CellExecution } from './cellExecution';
import { loadConversationMetadata, saveConversationMetadata } from './conversationMetadata';
import { inspectNotebookKernel, notebookKernel, restartNotebookKernel } from './notebookKernel';

/**
 * The notebook open in JupyterLab as the agent's target.
 *
 * Cells are found by their id at each call, so the user may edit, move or delete cells while the
 * agent works. Code runs through the project's KernelExecutor on the notebook's own kernel (the
 * same fault handling as headless runs: time limit, interrupt, dead kernel, refused stdin), and
 * outputs and execution counts are written into the cell as they arrive, as when the user runs it.
 *
 * Its parts are files of their own: where new cells go (`CellPlacement`), running a cell
 * (`executeInCell`), the kernel (`notebookKernel.ts`) and the saved conversation
 * (`conversationMetadata.ts`).
 */
export class LiveNotebookTarget implements INotebookTarget {
  /**
   * Construct a target for a notebook panel.
   *
   * @param options - the panel and the executor.
   */
  constructor(options: LiveNotebookTarget.IOptions) {
    this._panel = options.panel;
    this._executor = options.executor ?? new KernelExecutor();
    this._placement = new CellPlacement(options.panel);
  }

  /**
   * The notebook's path.
   */
  get name(): string {
    return this._panel.context.path;
  }

  /**
   * The notebook panel.
   */
  get panel(): NotebookPanel {
    return this._panel;
  }

  /**
   * Emitted after each execution this target makes, whatever its outcome (JupyterLab's
   * `NotebookActions.executed` is emitted only by JupyterLab's own run actions).
   */
  get executed(): ISignal<this, LiveNotebookTarget.IExecuted> {
    return this._executed;
  }

  /**
   * Start a new turn: its first cell goes after the active cell, the next ones after it.
   */
  startTurn(): void {
    this._placement.startTurn();
  }

  /**
   * Insert a code cell after the active cell, or after the agent's previous cell of this turn.
   * In a notebook that holds only the empty code cell a new notebook starts with (no source, no
   * outputs, never run), the code goes into that cell instead.
   *
   * @param source - the cell's source.
   * @returns the new cell's id.
   */
  async insertCode(source: string): Promise<string> {
    return this._placement.insert('code', source);
  }

  /**
   * Insert a markdown cell, placed as code cells are. The markdown is made safe first (see
   * `safeMarkdown`): JupyterLab renders it with a sanitizer that keeps remote images and command
   * links.
   *
   * @param source - the markdown.
   * @returns the new cell's id.
   */
  async insertMarkdown(source: string): Promise<string> {
    return this._placement.insert('markdown', safeMarkdown(source));
  }

  /**
   * Replace a code cell's source; its outputs and execution count are cleared.
   *
   * @param cellId - the cell.
   * @param source - the new source.
   * @throws {CellNotFoundError} when the cell is gone.
   * @throws {NotACodeCellError} when it is not a code cell (the user's markdown stays as it is).
   */
  async setSource(cellId: string, source: string): Promise<void> {
    const cell = this._find(cellId);
    if (!isCodeCellModel(cell)) {
      throw new NotACodeCellError(cellId, cell.type);
    }
    cell.sharedModel.setSource(source);
    cell.outputs.clear();
    cell.executionCount = null;
  }

  /**
   * The source of a cell.
   *
   * @param cellId - the cell.
   * @returns its source.
   * @throws {CellNotFoundError} when the cell is gone.
   */
  getSource(cellId: string): string {
    return this._find(cellId).sharedModel.getSource();
  }

  /**
   * The outputs a code cell holds now.
   *
   * @param cellId - the cell.
   * @returns its outputs as nbformat stores them; empty for other cells.
   * @throws {CellNotFoundError} when the cell is gone.
   */
  getOutputs(cellId: string): nbformat.IOutput[] {
    const cell = this._find(cellId);
    return isCodeCellModel(cell) ? cell.outputs.toJSON() : [];
  }

  /**
   * Run a code cell on the notebook's kernel, writing outputs into the cell as they arrive.
   *
   * @param cellId - the cell.
   * @param options - time limit, stop signal, progress.
   * @returns the execution's result.
   * @throws {CellNotFoundError} when the cell is gone.
   * @throws {NotACodeCellError} when it is not a code cell.
   * @throws when the notebook has no kernel.
   */
  async execute(cellId: string, options: IExecuteOptions = {}): Promise<IExecutionResult> {
    const cell = this._find(cellId);
    if (!isCodeCellModel(cell)) {
      throw new NotACodeCellError(cellId, cell.type);
    }
    return executeInCell(cell, {
      kernel: () => notebookKernel(this._panel),
      executor: this._executor,
      execute: options,
      onExecuted: executed => this._executed.emit(executed)
    });
  }

  /**
   * Make the kernel usable again: wait for the restart jupyter_server makes by itself after a
   * kernel died, or restart a kernel that ignored an interrupt.
   *
   * @throws when the kernel does not come back.
   */
  async restartKernel(): Promise<void> {
    return restartNotebookKernel(this._panel);
  }

  /**
   * Describe the user's namespace in the notebook's kernel without a trace; skipped at once while
   * a cell runs (one the user just started may not have made the kernel report busy yet).
   *
   * @param options - the time limit and how many variables to describe.
   * @returns the namespace, or why the kernel was not inspected.
   */
  async inspectKernel(options: IInspectKernelOptions = {}): Promise<KernelInspection> {
    return inspectNotebookKernel(this._panel, options);
  }

  /**
   * The notebook's cells in order.
   *
   * @returns a summary of each cell.
   */
  cells(): ICellSummary[] {
    const model = this._panel.model;
    const cells: ICellSummary[] = [];
    for (let i = 0; i < (model?.cells.length ?? 0); i++) {
      const cell = model!.cells.get(i);
      cells.push({
        id: cell.id,
        cellType: cell.type,
        source: cell.sharedModel.getSource(),
        executionCount: isCodeCellModel(cell) ? cell.executionCount : null
      });
    }
    return cells;
  }

  /**
   * What the notebook metadata holds under `code_interpreter`, unchecked (a copy): the agent and
   * the sidebar check it (`checkSavedConversation`) before using it.
   *
   * @returns the stored value, or `undefined`.
   */
  loadConversation(): unknown {
    return loadConversationMetadata(this._panel);
  }

  /**
   * Store the conversation in the notebook metadata and save the notebook (unless the document
   * is collaborative, see `saveConversationMetadata`), so that reopening it shows the
   * conversation.
   *
   * @param record - the conversation.
   * @throws when the notebook is not loaded.
   */
  async saveConversation(record: IConversationRecord): Promise<void> {
    return saveConversationMetadata(this._panel, record);
  }

  /**
   * Find a cell by id.
   *
   * @param cellId - the id.
   * @returns the cell model, or `undefined`.
   */
  findCell(cellId: string): ICellModel | undefined {
    const cells = this._panel.model?.cells;
    if (!cells) {
      return undefined;
    }
    for (const cell of cells) {
      if (cell.id === cellId) {
        return cell;
      }
    }
    return undefined;
  }

  private _find(cellId: string): ICellModel {
    const cell = this.findCell(cellId);
    if (!cell) {
      throw new CellNotFoundError(cellId);
    }
    return cell;
  }

  private _panel: NotebookPanel;
  private _executor: KernelExecutor;
  private _placement: CellPlacement;
  private _executed = new Signal<this, LiveNotebookTarget.IExecuted>(this);
}

/**
 * The namespace for `LiveNotebookTarget` statics.
 */
export namespace LiveNotebookTarget {
  /**
   * The options of a live notebook target.
   */
  export interface IOptions {
    /**
     * The notebook.
     */
    panel: NotebookPanel;

    /**
     * The executor; a default KernelExecutor when omitted.
     */
    executor?: KernelExecutor;
  }

  /**
   * One execution by the target: the cell, whether it succeeded, how it ended and why not.
   */
  export type IExecuted = CellExecution.IExecuted;
}
