// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type * as nbformat from '@jupyterlab/nbformat';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { JSONExt, type PartialJSONObject, type PartialJSONValue } from '@lumino/coreutils';
import { Signal, type ISignal } from '@lumino/signaling';

import { CONVERSATION_METADATA_KEY, type IConversationRecord } from '../conversation/conversationRecord';
import { KernelExecutor } from '../kernel/kernelExecutor';
import { waitForIdleKernel } from '../kernel/kernelReadiness';
import { inspectNamespace, type KernelInspection } from '../kernel/namespaceInspector';
import type { ExecutionStatus, IExecuteOptions, IExecutionResult } from '../kernel/executionResult';
import {
  CellNotFoundError,
  NotACodeCellError,
  type ICellSummary,
  type IInspectKernelOptions,
  type INotebookTarget
} from '../notebook/notebookTarget';
import { joinMultiline } from '../feedback/outputText';
import { safeMarkdown } from '../notebook/safeMarkdown';

/**
 * The notebook open in JupyterLab as the agent's target.
 *
 * Cells are found by their id at each call, so the user may edit, move or delete cells while the
 * agent works. Code runs through the project's KernelExecutor on the notebook's own kernel (the
 * same fault handling as headless runs: time limit, interrupt, dead kernel, refused stdin), and
 * outputs and execution counts are written into the cell as they arrive, as when the user runs it.
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
    this._anchorId = null;
    this._activeAtStart = this._panel.content.activeCell?.model.id ?? null;
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
    return this._insert('code', source);
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
    return this._insert('markdown', safeMarkdown(source));
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
    if (!Private.isCode(cell)) {
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
    return Private.isCode(cell) ? cell.outputs.toJSON() : [];
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
    if (!Private.isCode(cell)) {
      throw new NotACodeCellError(cellId, cell.type);
    }
    let kernel;
    try {
      kernel = await this._kernel();
    } catch (error) {
      this._emitExecuted(cell, undefined, error);
      throw error;
    }
    const code = cell.sharedModel.getSource();
    Private.distrust(cell);
    cell.outputs.clear();
    cell.executionCount = null;
    cell.executionState = 'running';
    const writer = new Private.OutputWriter(cell);
    let result: IExecutionResult | undefined;
    let failure: unknown;
    try {
      result = await this._executor.execute(kernel, code, {
        ...options,
        onOutput: outputs => {
          writer.write(outputs);
          options.onOutput?.(outputs);
        }
      });
      writer.write(result.outputs);
      if (!cell.isDisposed) {
        cell.executionCount = result.executionCount;
      }
      return result;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      if (!cell.isDisposed) {
        cell.executionState = 'idle';
      }
      // After the cell is idle and its outputs are in, as listeners of a finished run expect.
      this._emitExecuted(cell, result, failure);
    }
  }

  /**
   * Make the kernel usable again: wait for the restart jupyter_server makes by itself after a
   * kernel died, or restart a kernel that ignored an interrupt.
   *
   * @throws when the kernel does not come back.
   */
  async restartKernel(): Promise<void> {
    const sessionContext = this._panel.sessionContext;
    const kernel = sessionContext.session?.kernel;
    if (kernel && kernel.status !== 'busy' && (await waitForIdleKernel(kernel, 20_000))) {
      return;
    }
    await sessionContext.restartKernel();
    const restarted = sessionContext.session?.kernel;
    if (!restarted || !(await waitForIdleKernel(restarted, 30_000))) {
      throw new Error('The kernel did not come back after a restart.');
    }
  }

  /**
   * Describe the user's namespace in the notebook's kernel without a trace; skipped at once while
   * a cell runs (one the user just started may not have made the kernel report busy yet).
   *
   * @param options - the time limit and how many variables to describe.
   * @returns the namespace, or why the kernel was not inspected.
   */
  async inspectKernel(options: IInspectKernelOptions = {}): Promise<KernelInspection> {
    const cells = this._panel.model?.cells;
    let busy = false;
    for (const cell of cells ?? []) {
      busy ||= Private.isCode(cell) && cell.executionState === 'running';
    }
    return inspectNamespace(this._panel.sessionContext.session?.kernel, { ...options, busy });
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
        executionCount: Private.isCode(cell) ? cell.executionCount : null
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
    const value: unknown = this._panel.model?.getMetadata(CONVERSATION_METADATA_KEY);
    return value === undefined ? undefined : JSONExt.deepCopy(value as PartialJSONValue);
  }

  /**
   * Store the conversation in the notebook metadata and save the notebook, so that reopening it
   * shows the conversation.
   *
   * With real-time collaboration the metadata is part of the shared document, which the
   * collaboration server writes to disk by itself shortly after each change: the notebook is not
   * saved from here. A save request would only race the server's own save of this very change
   * (jupyter-collaboration 5.0 leaves a save request unanswered when a change reaches the server
   * just after it, and the turn would wait for the answer forever).
   *
   * @param record - the conversation.
   */
  async saveConversation(record: IConversationRecord): Promise<void> {
    const model = this._panel.model;
    if (!model) {
      throw new Error('The notebook is not loaded.');
    }
    model.setMetadata(CONVERSATION_METADATA_KEY, JSONExt.deepCopy(record as unknown as PartialJSONObject));
    if (!model.collaborative && !this._panel.isDisposed && !this._panel.context.isDisposed) {
      await this._panel.context.save();
    }
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

  private async _insert(cellType: 'code' | 'markdown', source: string): Promise<string> {
    const model = this._panel.model;
    if (!model) {
      throw new Error('The notebook is not loaded.');
    }
    const notebook = this._panel.content;
    const blank = cellType === 'code' ? this._untouchedFirstCell() : undefined;
    if (blank) {
      // A new notebook's empty cell: the agent's code goes there, not below an empty cell the
      // user would have to delete. Undo deletes it (and leaves an empty cell, see undoTurn).
      blank.sharedModel.setSource(source);
      this._anchorId = blank.id;
      return blank.id;
    }
    let index = model.cells.length;
    const anchor = this._anchorId ? this.findCell(this._anchorId) : undefined;
    if (anchor) {
      index = Private.indexOf(model.cells, anchor) + 1;
    } else if (notebook.activeCellIndex >= 0 && notebook.activeCellIndex < model.cells.length) {
      index = notebook.activeCellIndex + 1;
    }
    const shared = model.sharedModel.insertCell(index, {
      cell_type: cellType,
      source,
      metadata: {}
    });
    const cellId = shared.getId();
    const previousAnchor = this._anchorId;
    this._anchorId = cellId;
    // The active cell follows the agent's cells, as it follows cells a person runs, so that the
    // next turn continues below this one; unless the person moved it or is typing in a cell.
    const active = notebook.activeCell?.model.id;
    const followed = active === undefined || active === previousAnchor || active === this._activeAtStart;
    if (followed && notebook.mode !== 'edit') {
      notebook.activeCellIndex = index;
      this._activeAtStart = cellId;
    }
    void notebook.scrollToItem(index, 'smart').catch(() => undefined);
    return cellId;
  }

  /**
   * The notebook's only cell when it is the empty code cell of a new notebook: no source, no
   * outputs, never run, and not the agent's own.
   */
  private _untouchedFirstCell(): ICodeCellModel | undefined {
    const cells = this._panel.model?.cells;
    if (!cells || cells.length !== 1) {
      return undefined;
    }
    const cell = cells.get(0);
    if (
      !Private.isCode(cell) ||
      cell.id === this._anchorId ||
      cell.sharedModel.getSource() !== '' ||
      cell.outputs.length > 0 ||
      cell.executionCount !== null
    ) {
      return undefined;
    }
    return cell;
  }

  private _emitExecuted(cell: ICodeCellModel, result: IExecutionResult | undefined, failure: unknown): void {
    if (cell.isDisposed) {
      return;
    }
    const status = result?.status;
    const error = result ? Private.executionError(result) : Private.thrownError(failure);
    this._executed.emit({ cell, success: status === 'ok', status, ...(error ? { error } : {}) });
  }

  private async _kernel() {
    const sessionContext = this._panel.sessionContext;
    await sessionContext.ready;
    const kernel = sessionContext.session?.kernel;
    if (!kernel) {
      throw new Error(`The notebook ${this.name} has no kernel; select one to let the agent run code.`);
    }
    return kernel;
  }

  private _panel: NotebookPanel;
  private _executor: KernelExecutor;
  private _anchorId: string | null = null;
  private _activeAtStart: string | null = null;
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
   * One execution by the target.
   */
  export interface IExecuted {
    /**
     * The cell that ran.
     */
    cell: ICodeCellModel;

    /**
     * Whether the code ran to its end without an error.
     */
    success: boolean;

    /**
     * How the execution ended; `undefined` when it could not start.
     */
    status?: ExecutionStatus;

    /**
     * Why it did not succeed: the exception's name and message, or the reason it stopped.
     */
    error?: { ename: string; evalue: string };
  }
}

namespace Private {
  /**
   * Mark a cell's outputs untrusted before the agent runs it: the model wrote the code, so what
   * it displays is rendered as untrusted (sanitized HTML, no JavaScript) until the person trusts
   * the notebook. The `trusted` metadata is what the server's notary reads on save; JupyterLab
   * only ever writes `true` there, so a cell the person had run keeps `true` unless it is reset
   * here, and the notebook would be signed with the model's outputs in it.
   */
  export function distrust(cell: ICodeCellModel): void {
    cell.trusted = false;
    cell.setMetadata('trusted', false);
  }

  export function isCode(cell: ICellModel): cell is ICodeCellModel {
    return cell.type === 'code';
  }

  /**
   * The error of a finished execution that did not succeed, in the kernel's terms.
   */
  export function executionError(result: IExecutionResult): { ename: string; evalue: string } | undefined {
    switch (result.status) {
      case 'ok':
        return undefined;
      case 'error':
        return result.error ?? { ename: 'Error', evalue: 'The code raised an error.' };
      case 'timeout':
        return { ename: 'Timeout', evalue: 'The time limit ran out and the cell was interrupted.' };
      case 'interrupted':
        return { ename: 'Interrupted', evalue: 'The run was stopped and the cell interrupted.' };
      case 'dead-kernel':
        return { ename: 'DeadKernel', evalue: 'The kernel died while the cell ran.' };
    }
  }

  /**
   * An exception that kept an execution from finishing, in the same shape.
   */
  export function thrownError(failure: unknown): { ename: string; evalue: string } {
    return failure instanceof Error
      ? { ename: failure.name, evalue: failure.message }
      : { ename: 'Error', evalue: String(failure) };
  }

  export function indexOf(cells: Iterable<ICellModel>, target: ICellModel): number {
    let index = 0;
    for (const cell of cells) {
      if (cell === target) {
        return index;
      }
      index++;
    }
    return -1;
  }

  /**
   * The text a stream output gained since it was last written, when it only grew (the same stream,
   * its earlier text kept); `undefined` otherwise (a carriage return rewrote a line, another kind).
   */
  export function streamGrowth(before: nbformat.IOutput | undefined, after: nbformat.IOutput): string | undefined {
    if (before?.output_type !== 'stream' || after.output_type !== 'stream' || before.name !== after.name) {
      return undefined;
    }
    const old = joinMultiline((before as nbformat.IStream).text);
    const now = joinMultiline((after as nbformat.IStream).text);
    return now.length > old.length && now.startsWith(old) ? now.slice(old.length) : undefined;
  }

  /**
   * Mirrors the executor's outputs into a cell's output model, changing only what changed (a
   * growing stream replaces its one output; earlier outputs, such as a figure, stay untouched).
   */
  export class OutputWriter {
    constructor(private _cell: ICodeCellModel) {}

    write(outputs: readonly nbformat.IOutput[]): void {
      if (this._cell.isDisposed) {
        return;
      }
      const model = this._cell.outputs;
      if (outputs.length < model.length) {
        // clear_output() ran in the kernel.
        model.clear();
        this._written = [];
      }
      outputs.forEach((output, i) => {
        if (i < model.length) {
          // The collector replaces an output that changed with a new object, so an output written
          // before is recognised by identity, not by comparing its JSON with the model's (which,
          // for every output at every message, made a long run quadratic).
          if (this._written[i] !== output) {
            const grown = Private.streamGrowth(this._written[i], output);
            if (grown !== undefined && i === model.length - 1) {
              // A stream that grew at the end gets only its new text, as JupyterLab's own output
              // area adds kernel streams (the model appends it to the last stream). Replacing it
              // with `set` doubled its text in a shared (collaborative) document.
              model.add({ ...output, text: grown } as nbformat.IStream);
            } else {
              model.set(i, output);
            }
          }
        } else {
          model.add(output);
        }
        this._written[i] = output;
      });
      this._written.length = outputs.length;
    }

    private _written: nbformat.IOutput[] = [];
  }
}
