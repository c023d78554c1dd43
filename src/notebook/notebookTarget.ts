// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type * as nbformat from '@jupyterlab/nbformat';

import type { IExecuteOptions, IExecutionResult } from '../kernel/executionResult';
import type { KernelInspection } from '../kernel/namespaceInspector';
import type { IConversationRecord } from '../conversation/conversationRecord';

/**
 * Where the agent writes and runs its cells: the live notebook in JupyterLab, or a headless
 * nbformat document driven over @jupyterlab/services.
 *
 * Cells are named by their nbformat cell id, so that a user who inserts, moves or deletes cells
 * meanwhile does not confuse the agent.
 */
export interface INotebookTarget {
  /**
   * A short name of the notebook for messages (its path when it has one).
   */
  readonly name: string;

  /**
   * Insert a code cell after the agent's previous cell of this turn (or where the target sees fit).
   *
   * @param source - the cell's source.
   * @returns the new cell's id.
   */
  insertCode(source: string): Promise<string>;

  /**
   * Insert a markdown cell. The model wrote it: a target inserts it through `safeMarkdown`, so
   * that rendering it loads no remote resource and holds no command link.
   *
   * @param source - the cell's markdown.
   * @returns the new cell's id.
   */
  insertMarkdown(source: string): Promise<string>;

  /**
   * Replace a code cell's source (its outputs are cleared).
   *
   * @param cellId - the cell to change.
   * @param source - the new source.
   * @throws {CellNotFoundError} when no cell has that id any more.
   * @throws {NotACodeCellError} when the cell is not a code cell.
   */
  setSource(cellId: string, source: string): Promise<void>;

  /**
   * The source of a cell.
   *
   * @param cellId - the cell.
   * @returns its source.
   * @throws {CellNotFoundError} when no cell has that id.
   */
  getSource(cellId: string): string;

  /**
   * The outputs a code cell holds now, as nbformat stores them (a copy).
   *
   * @param cellId - the cell.
   * @returns its outputs; empty for a cell that is not a code cell or never ran.
   * @throws {CellNotFoundError} when no cell has that id.
   */
  getOutputs(cellId: string): nbformat.IOutput[];

  /**
   * Run a code cell on the notebook's kernel; its outputs and execution count are stored in it.
   *
   * @param cellId - the cell to run.
   * @param options - time limit, stop signal, progress.
   * @returns what the execution produced.
   * @throws {CellNotFoundError} when no cell has that id.
   */
  execute(cellId: string, options?: IExecuteOptions): Promise<IExecutionResult>;

  /**
   * Restart the kernel (after it died or stopped answering); its state is lost.
   */
  restartKernel(): Promise<void>;

  /**
   * Describe the user's namespace in the notebook's kernel, leaving no trace there (no output,
   * no execution count, no history). A kernel that is running code is not waited for.
   *
   * @param options - the time limit and how many variables to describe.
   * @returns the namespace, or why the kernel was not inspected.
   */
  inspectKernel(options?: IInspectKernelOptions): Promise<KernelInspection>;

  /**
   * The notebook's cells in order, so the model knows what the user's notebook holds.
   *
   * @returns a summary of each cell.
   */
  cells(): ICellSummary[];

  /**
   * What the notebook holds under its metadata key `code_interpreter`, as it is: a notebook is a
   * file anyone can write, so this is untrusted until checked (`checkSavedConversation` in
   * agent/, which the agent and the sidebar use).
   *
   * @returns the stored value, or `undefined` when there is none.
   */
  loadConversation(): unknown;

  /**
   * Save the conversation with the notebook (in its metadata `code_interpreter`).
   *
   * @param record - the conversation.
   */
  saveConversation(record: IConversationRecord): Promise<void>;
}

/**
 * Options of a kernel inspection.
 */
export interface IInspectKernelOptions {
  /**
   * How long to wait for the kernel's answer, in milliseconds. Default 2000.
   */
  timeoutMs?: number;

  /**
   * Variables described at most (all are counted). Default 60.
   */
  maxVariables?: number;

  /**
   * Entries of the working folder listed at most. Default 20.
   */
  maxFiles?: number;

  /**
   * Names the user mentioned with `@`, to describe more fully (variables, or files and folders
   * under the kernel's working folder).
   */
  mentions?: string[];
}

/**
 * What the model is shown of a cell.
 */
export interface ICellSummary {
  /**
   * The cell id.
   */
  id: string;

  /**
   * `code`, `markdown` or `raw`.
   */
  cellType: string;

  /**
   * The source.
   */
  source: string;

  /**
   * The execution count of a code cell that ran, else null.
   */
  executionCount: number | null;
}

/**
 * A cell the agent refers to is no longer in the notebook (the user deleted it).
 */
export class CellNotFoundError extends Error {
  /**
   * @param cellId - the id that was not found.
   */
  constructor(readonly cellId: string) {
    super(`Cell ${cellId} is no longer in the notebook.`);
    this.name = 'CellNotFoundError';
  }
}

/**
 * The agent asked to edit or run a cell that is not a code cell.
 */
export class NotACodeCellError extends Error {
  /**
   * @param cellId - the cell.
   * @param cellType - what it is.
   */
  constructor(
    readonly cellId: string,
    readonly cellType: string
  ) {
    super(`Cell ${cellId} is a ${cellType} cell; only code cells can be edited and run.`);
    this.name = 'NotACodeCellError';
  }
}
