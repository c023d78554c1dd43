// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import type { EvalKernel } from './evalKernel';
import type { KernelPool } from './kernelPool';
import type { DatasetFamily, IEvalTask, IGroundTruth, TestSection } from './evalTask';

/**
 * The folder where expected outputs are cached: `$XDG_CACHE_HOME` (or `~/.cache`) under
 * `jupyterlab-code-interpreter/eval`.
 *
 * @returns the folder (not created).
 */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'jupyterlab-code-interpreter', 'eval');
}

/**
 * Expected outputs of a data file, computed by running each canonical solution in the kernels.
 * The outputs stay on the kernel's side, one pickle file per task (some weigh over 100 MB); this
 * store keeps the canonical times per input (from which the time limits come) in a JSON file
 * named after the data file's hash, so a second run skips the work.
 */
export class GroundTruthStore {
  /**
   * Construct a store.
   *
   * @param options - the cache file and the data file's family.
   */
  constructor(options: GroundTruthStore.IOptions) {
    this._file = join(options.cacheDir, `expected-${options.dataHash}.json`);
    this._outputsDir = join(options.cacheDir, `expected-${options.dataHash}`);
    this._family = options.family;
    try {
      const parsed = JSON.parse(readFileSync(this._file, 'utf8')) as {
        version?: number;
        tasks?: Record<string, IGroundTruth>;
      };
      if (parsed.version === Private.VERSION && parsed.tasks) {
        this._tasks = new Map(Object.entries(parsed.tasks));
      }
    } catch {
      // No cache yet, or an unreadable one: it is recomputed.
    }
  }

  /**
   * The expected outputs of a task, when known.
   *
   * @param taskId - the task.
   * @returns its ground truth, or `undefined`.
   */
  get(taskId: string): IGroundTruth | undefined {
    return this._tasks.get(taskId);
  }

  /**
   * Compute what is missing for the given tasks and sections, then save the cache.
   *
   * @param pool - the kernels to run the canonical solutions on.
   * @param tasks - the tasks.
   * @param sections - the sections needed.
   * @param signal - stops the work (what finished is kept).
   * @returns when done.
   * @throws when a canonical solution fails to run.
   */
  async ensure(
    pool: KernelPool,
    tasks: readonly IEvalTask[],
    sections: readonly TestSection[],
    signal?: AbortSignal
  ): Promise<void> {
    const missing = tasks
      .map(task => ({ task, sections: sections.filter(section => !this._tasks.get(task.taskId)?.[`${section}_time`]) }))
      .filter(item => item.sections.length > 0);
    if (!missing.length) {
      return;
    }
    try {
      await pool.run(
        missing,
        async (kernel, item) => {
          await this.compute(kernel, item.task, item.sections, signal);
        },
        signal
      );
    } finally {
      this._save();
    }
  }

  /**
   * Run a task's canonical solution on one kernel and record its times.
   *
   * @param kernel - the kernel (its file system keeps the outputs).
   * @param task - the task.
   * @param sections - the sections to run.
   * @param signal - stops the work.
   * @returns the task's ground truth, or `undefined` when stopped.
   * @throws when the canonical solution fails.
   */
  async compute(
    kernel: EvalKernel,
    task: IEvalTask,
    sections: readonly TestSection[],
    signal?: AbortSignal
  ): Promise<IGroundTruth | undefined> {
    const file = join(this._outputsDir, `${task.taskId.replace(/[^\w.-]/g, '_')}.pkl`);
    const call = await kernel.call(
      { op: 'ground_truth', task: task.line, dataset: this._family, sections: [...sections], file },
      { timeoutMs: Private.TASK_TIMEOUT_MS, signal }
    );
    if (signal?.aborted) {
      return undefined;
    }
    if (call.error || !call.result || typeof call.result !== 'object') {
      throw new Error(`The canonical solution of ${task.taskId} failed: ${call.error ?? call.status}`);
    }
    const truth: IGroundTruth = { ...this._tasks.get(task.taskId), ...(call.result as Partial<IGroundTruth>), file };
    this._tasks.set(task.taskId, truth);
    return truth;
  }

  /**
   * Save the times to the cache file.
   */
  save(): void {
    this._save();
  }

  private _save(): void {
    mkdirSync(dirname(this._file), { recursive: true });
    const temporary = `${this._file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ version: Private.VERSION, tasks: Object.fromEntries(this._tasks) }));
    // A rename is atomic: two runs sharing the cache never read half a file.
    renameSync(temporary, this._file);
  }

  private _file: string;
  private _outputsDir: string;
  private _family: DatasetFamily;
  private _tasks = new Map<string, IGroundTruth>();
}

/**
 * The namespace for `GroundTruthStore` statics.
 */
export namespace GroundTruthStore {
  /**
   * Where the store keeps its file, and how the tasks are read.
   */
  export interface IOptions {
    /**
     * The cache folder.
     */
    cacheDir: string;

    /**
     * The data file's MD5 (EvalPlus keys its cache the same way).
     */
    dataHash: string;

    /**
     * The dataset family (MBPP+ inputs need converting).
     */
    family: DatasetFamily;
  }
}

namespace Private {
  /**
   * The cache's format version; a different one is recomputed.
   */
  export const VERSION = 1;

  /**
   * The longest a canonical solution may take on one task's inputs.
   */
  export const TASK_TIMEOUT_MS = 300_000;
}
