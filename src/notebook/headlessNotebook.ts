// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type * as nbformat from '@jupyterlab/nbformat';
import type { Contents, Kernel, Session } from '@jupyterlab/services';
import { UUID } from '@lumino/coreutils';

import { CONVERSATION_METADATA_KEY, type IConversationRecord } from '../conversation/conversationRecord';
import { KernelExecutor } from '../kernel/kernelExecutor';
import { waitForIdleKernel } from '../kernel/kernelReadiness';
import { inspectNamespace, type KernelInspection } from '../kernel/namespaceInspector';
import type { IExecuteOptions, IExecutionResult } from '../kernel/executionResult';
import { safeMarkdown } from './safeMarkdown';
import {
  CellNotFoundError,
  NotACodeCellError,
  type ICellSummary,
  type IInspectKernelOptions,
  type INotebookTarget
} from './notebookTarget';

/**
 * A notebook without a browser: an nbformat 4.5 document saved on the Jupyter server through the
 * contents API, with a kernel session for its path, so that it opens in JupyterLab next to its
 * kernel. Used by the command line and the benchmark harness.
 */
export class HeadlessNotebook implements INotebookTarget {
  private constructor(
    readonly name: string,
    private _document: nbformat.INotebookContent,
    private _contents: Contents.IManager | undefined,
    private _session: Session.ISessionConnection,
    options: HeadlessNotebook.IOptions
  ) {
    this._executor = new KernelExecutor({ interruptGraceMs: options.interruptGraceMs });
    this._persist = options.persist ?? true;
  }

  /**
   * Open a notebook on the server (or create it), and start a kernel session for it.
   *
   * @param options - the services and the notebook's path.
   * @returns the notebook, saved once.
   * @throws when the file exists but is not a notebook, or the kernel cannot start.
   */
  static async open(options: HeadlessNotebook.IOptions): Promise<HeadlessNotebook> {
    const { contents, sessions, path } = options;
    const kernelName = options.kernelName ?? 'python3';
    let document: nbformat.INotebookContent;
    let existing: Contents.IModel | undefined;
    const persist = options.persist ?? true;
    if (persist && !contents) {
      throw new Error("A notebook saved on the server needs the server's contents manager.");
    }
    try {
      existing = persist ? await contents!.get(path, { type: 'notebook', content: true }) : undefined;
    } catch (error) {
      if (!Private.isNotFound(error)) {
        throw error;
      }
    }
    if (existing) {
      document = Private.upgrade(existing.content as nbformat.INotebookContent);
    } else {
      if (persist) {
        await Private.ensureDirectory(contents!, path);
      }
      document = options.document ? Private.upgrade(options.document) : Private.emptyNotebook(kernelName);
    }
    const session = await sessions.startNew({
      path,
      type: 'notebook',
      name: path.split('/').pop() ?? path,
      kernel: { name: (document.metadata.kernelspec?.name as string | undefined) ?? kernelName }
    });
    const kernel = session.kernel;
    if (!kernel) {
      throw new Error(`No kernel could be started for ${path}.`);
    }
    await kernel.info;
    const notebook = new HeadlessNotebook(path, document, contents, session, options);
    await notebook.save();
    return notebook;
  }

  /**
   * The notebook as nbformat (a copy).
   */
  get document(): nbformat.INotebookContent {
    return structuredClone(this._document);
  }

  /**
   * The kernel connection.
   */
  get kernel(): Kernel.IKernelConnection {
    const kernel = this._session.kernel;
    if (!kernel) {
      throw new Error('The notebook has no kernel.');
    }
    return kernel;
  }

  async insertCode(source: string): Promise<string> {
    return this._insert({
      id: UUID.uuid4(),
      cell_type: 'code',
      source,
      metadata: {},
      outputs: [],
      execution_count: null
    });
  }

  async insertMarkdown(source: string): Promise<string> {
    // Made safe as in the live notebook: the saved notebook is rendered by whoever opens it.
    return this._insert({ id: UUID.uuid4(), cell_type: 'markdown', source: safeMarkdown(source), metadata: {} });
  }

  async setSource(cellId: string, source: string): Promise<void> {
    const cell = this._cell(cellId);
    if (cell.cell_type !== 'code') {
      throw new NotACodeCellError(cellId, cell.cell_type);
    }
    cell.source = source;
    if (cell.cell_type === 'code') {
      cell.outputs = [];
      cell.execution_count = null;
    }
    // Saved with the execution that follows (or the conversation at the end of the turn): one
    // save a step, since each save writes the whole notebook.
  }

  getSource(cellId: string): string {
    const source = this._cell(cellId).source;
    return Array.isArray(source) ? source.join('') : source;
  }

  getOutputs(cellId: string): nbformat.IOutput[] {
    const cell = this._cell(cellId);
    return cell.cell_type === 'code' ? structuredClone(cell.outputs as nbformat.IOutput[]) : [];
  }

  async execute(cellId: string, options: IExecuteOptions = {}): Promise<IExecutionResult> {
    const cell = this._cell(cellId);
    if (cell.cell_type !== 'code') {
      throw new NotACodeCellError(cellId, cell.cell_type);
    }
    const code = this.getSource(cellId);
    cell.outputs = [];
    cell.execution_count = null;
    let result: IExecutionResult;
    this._running++;
    try {
      result = await this._executor.execute(this.kernel, code, options);
    } finally {
      this._running--;
    }
    cell.outputs = result.outputs;
    cell.execution_count = result.executionCount;
    // Saved in the background so the agent goes on at once; saveConversation() and close() wait
    // for it, and a failure surfaces there.
    this._saveInBackground();
    return result;
  }

  async restartKernel(): Promise<void> {
    const kernel = this.kernel;
    // jupyter_server restarts a kernel that died by itself: wait for that rather than restarting
    // it again. A kernel still busy (it ignored an interrupt) is restarted at once.
    if (kernel.status !== 'busy' && (await waitForIdleKernel(kernel, 20_000))) {
      return;
    }
    await kernel.restart();
    if (!(await waitForIdleKernel(kernel, 30_000))) {
      throw new Error('The kernel did not come back after a restart.');
    }
  }

  async inspectKernel(options: IInspectKernelOptions = {}): Promise<KernelInspection> {
    // A cell sent a moment ago may not have made the kernel report busy yet.
    return inspectNamespace(this._session.kernel, { ...options, busy: this._running > 0 });
  }

  cells(): ICellSummary[] {
    return this._document.cells.map(cell => ({
      id: cell.id as string,
      cellType: cell.cell_type,
      source: Array.isArray(cell.source) ? cell.source.join('') : cell.source,
      executionCount: cell.cell_type === 'code' ? ((cell.execution_count as number | null) ?? null) : null
    }));
  }

  /**
   * What the notebook's metadata holds under `code_interpreter`, unchecked (a copy).
   *
   * @returns the stored value, or `undefined`.
   */
  loadConversation(): unknown {
    const value: unknown = this._document.metadata[CONVERSATION_METADATA_KEY];
    return value === undefined ? undefined : structuredClone(value);
  }

  async saveConversation(record: IConversationRecord): Promise<void> {
    this._document.metadata[CONVERSATION_METADATA_KEY] = structuredClone(record) as never;
    await this.save();
  }

  /**
   * Save the notebook on the server.
   */
  async save(): Promise<void> {
    if (!this._persist) {
      return;
    }
    // One save at a time, in order; a request made during a save is served by the next one.
    const previous = this._saving;
    const next = previous
      .catch(() => undefined)
      .then(() => this._contents?.save(this.name, { type: 'notebook', format: 'json', content: this._document }))
      .then(() => undefined);
    this._saving = next;
    await next;
    const failure = this._backgroundFailure;
    if (failure) {
      this._backgroundFailure = undefined;
      throw failure;
    }
  }

  /**
   * Close the session; with `shutdownKernel`, the kernel too. Safe to call more than once.
   *
   * @param shutdownKernel - whether to shut the kernel down.
   */
  async close(shutdownKernel = true): Promise<void> {
    if (this._session.isDisposed) {
      return;
    }
    // What was written last must reach the server.
    await this.save().catch(() => undefined);
    if (shutdownKernel) {
      await this._session.shutdown().catch(() => undefined);
    }
    this._session.dispose();
  }

  private async _insert(cell: nbformat.ICell): Promise<string> {
    // Cells go after the agent's previous cell, so a continued notebook keeps its order.
    const anchor = this._lastInsertedId
      ? this._document.cells.findIndex(existing => existing.id === this._lastInsertedId)
      : -1;
    if (anchor >= 0) {
      this._document.cells.splice(anchor + 1, 0, cell);
    } else {
      this._document.cells.push(cell);
    }
    this._lastInsertedId = cell.id as string;
    if (cell.cell_type !== 'code') {
      await this.save();
    }
    // A code cell is saved with its execution.
    return cell.id as string;
  }

  private _cell(cellId: string): nbformat.ICell {
    const cell = this._document.cells.find(candidate => candidate.id === cellId);
    if (!cell) {
      throw new CellNotFoundError(cellId);
    }
    return cell;
  }

  private _saveInBackground(): void {
    if (this._backgroundPending) {
      return;
    }
    this._backgroundPending = true;
    void this._saving
      .catch(() => undefined)
      .then(() => {
        this._backgroundPending = false;
        return this.save();
      })
      .catch((error: unknown) => {
        this._backgroundFailure = error instanceof Error ? error : new Error(String(error));
      });
  }

  private _executor: KernelExecutor;
  private _persist: boolean;
  private _running = 0;
  private _saving: Promise<void> = Promise.resolve();
  private _backgroundPending = false;
  private _backgroundFailure: Error | undefined;
  private _lastInsertedId: string | undefined;
}

/**
 * The namespace for `HeadlessNotebook` statics.
 */
export namespace HeadlessNotebook {
  /**
   * How to open a headless notebook.
   */
  export interface IOptions {
    /**
     * The server's contents manager; not needed when `persist` is `false`.
     */
    contents?: Contents.IManager;

    /**
     * The server's session manager.
     */
    sessions: Session.IManager;

    /**
     * The notebook's path on the server, such as `analysis.ipynb`.
     */
    path: string;

    /**
     * The kernel for a new notebook. Default `python3`.
     */
    kernelName?: string;

    /**
     * Whether the notebook is a file on the server (default `true`). With `false` it is kept in
     * memory only: a candidate of the thorough effort works in a hidden folder, which the contents
     * API refuses, while its kernel session still starts in that folder.
     */
    persist?: boolean;

    /**
     * What a notebook not found on the server starts with (a candidate of the thorough effort
     * starts from the person's notebook: its cells and saved conversation); empty by default.
     */
    document?: nbformat.INotebookContent;

    /**
     * How long an interrupted cell may take to stop before the kernel counts as unresponsive.
     */
    interruptGraceMs?: number;
  }
}

namespace Private {
  /**
   * An empty nbformat 4.5 notebook for a kernel.
   */
  export function emptyNotebook(kernelName: string): nbformat.INotebookContent {
    return {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: {
          name: kernelName,
          display_name: kernelName === 'python3' ? 'Python 3 (ipykernel)' : kernelName,
          language: 'python'
        },
        language_info: { name: 'python' }
      },
      cells: []
    };
  }

  /**
   * Bring a notebook to nbformat 4.5: every cell gets an id.
   */
  export function upgrade(document: nbformat.INotebookContent): nbformat.INotebookContent {
    const upgraded = structuredClone(document);
    if (upgraded.nbformat !== 4) {
      throw new Error(`Only nbformat 4 notebooks are supported (this one is ${upgraded.nbformat}).`);
    }
    upgraded.nbformat_minor = Math.max(upgraded.nbformat_minor, 5);
    const seen = new Set<string>();
    for (const cell of upgraded.cells) {
      if (typeof cell.id !== 'string' || !cell.id || seen.has(cell.id)) {
        cell.id = UUID.uuid4();
      }
      seen.add(cell.id as string);
    }
    return upgraded;
  }

  /**
   * Whether an error of the contents API means "no such file".
   */
  export function isNotFound(error: unknown): boolean {
    const status = (error as { response?: { status?: number } })?.response?.status;
    return status === 404;
  }

  /**
   * Create the notebook's folders on the server if they are missing.
   */
  export async function ensureDirectory(contents: Contents.IManager, path: string): Promise<void> {
    const parts = path.split('/').slice(0, -1);
    for (let depth = 1; depth <= parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      try {
        await contents.get(folder, { content: false });
      } catch (error) {
        if (!isNotFound(error)) {
          throw error;
        }
        try {
          await contents.save(folder, { type: 'directory' });
        } catch (saveError) {
          // Another notebook opened at the same time may have made it in between (the server
          // answers "File exists"): a folder that is there now is what was wanted.
          const made = await contents.get(folder, { content: false }).catch(() => undefined);
          if (made?.type !== 'directory') {
            throw saveError;
          }
        }
      }
    }
  }
}
