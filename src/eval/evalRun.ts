// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { datasetFamily, datasetSections, loadDataset } from './dataset';
import type { EvalKernel } from './evalKernel';
import { defaultCacheDir, GroundTruthStore } from './groundTruth';
import { JupyterConnection } from '../node/jupyterConnection';
import { KernelPool } from './kernelPool';
import { ProgressBar } from './progressBar';
import { ResultsFile, type IResultRecord } from './resultsFile';
import { checkSolution, EvalAbortedError, type ITimeLimitOptions } from './solutionChecker';
import type { ITaskSolver } from './taskSolver';
import { scoreRecords, summarizeRun, type IEvalSummary, type ISummarizedRun } from './evalSummary';
import type { DatasetName, IEvalTask, IGroundTruth, ISectionVerdict, TestSection } from './evalTask';

/**
 * What a run needs.
 */
export interface IEvalRunOptions {
  dataset: DatasetName;
  dataFile: string;
  outDir: string;
  workers: number;
  /**
   * Only the first N tasks of the data file.
   */
  limit?: number;
  resume: boolean;
  /**
   * Running Jupyter servers (or servers of gateways) to spread the workers over, in turn; with
   * none, a private server is started with `python`.
   */
  jupyter: { servers?: { url: string; token: string }[]; python?: string };
  /**
   * Where expected outputs are cached; default {@link defaultCacheDir}.
   */
  cacheDir?: string;
  timeLimits?: ITimeLimitOptions;
  /**
   * Solve with a model (`eval`)...
   */
  solver?: NonNullable<ISummarizedRun['solver']> & { solver: ITaskSolver };
  /**
   * ...or check existing samples (`evaluate`): the solutions of each task.
   */
  samples?: Map<string, string[]>;
  /**
   * Where the progress bar goes (stderr); none when omitted.
   */
  progress?: ProgressBar.IStream;
  signal?: AbortSignal;
}

/**
 * Run an evaluation: start (or connect to) Jupyter and the kernels, compute or load the expected
 * outputs, solve or check every pending task on the workers, and write the outputs. Finished
 * tasks are kept when the run stops early (signal) or fails.
 *
 * @param options - the run.
 * @returns the summary (also in `summary.json`).
 * @throws {ResultsFile.ExistsError} when the folder holds results and `resume` is false.
 * @throws {UnreachableError} when the Jupyter server cannot be reached or started.
 * @throws {ModelError} when the model endpoint fails for good.
 */
export async function runEvaluation(options: IEvalRunOptions): Promise<IEvalSummary> {
  const started = Date.now();
  const data = loadDataset(options.dataFile);
  const allTasks = data.tasks;
  const family = datasetFamily(options.dataset);
  const sections = datasetSections(options.dataset);
  let tasks: IEvalTask[] = allTasks;
  if (options.samples) {
    const unknown = [...options.samples.keys()].filter(id => !allTasks.some(task => task.taskId === id));
    if (unknown.length) {
      throw new Error(`The samples name tasks that are not in ${options.dataFile}: ${unknown.slice(0, 5).join(', ')}`);
    }
    tasks = allTasks.filter(task => options.samples?.has(task.taskId));
  }
  if (options.limit !== undefined) {
    tasks = tasks.slice(0, Math.max(0, options.limit));
  }
  const results = new ResultsFile(options.outDir, options.resume);
  const items = Private.workItems(tasks, options.samples).filter(item => !results.has(ResultsFile.keyOf(item)));
  const previous = options.resume ? results.previousSummary() : undefined;
  const previousWall = typeof previous?.wall_time_s === 'number' ? previous.wall_time_s : 0;
  const bar = options.progress
    ? new ProgressBar({
        stream: options.progress,
        total: Private.countItems(tasks, options.samples),
        label: options.dataset
      })
    : undefined;
  const showProgress = (note?: string) => {
    if (bar) {
      const score = scoreRecords(results.records, sections);
      bar.update(results.records.length, score.passBase, sections.includes('plus') ? score.passPlus : undefined, note);
    }
  };
  let restarts = 0;
  let jupyter: JupyterConnection[] = [];
  let pool: KernelPool | undefined;
  const finish = (): IEvalSummary => {
    bar?.finish();
    const summary = summarizeRun(options, results.records, sections, {
      total: tasks.length,
      wall: previousWall + (Date.now() - started) / 1000,
      restarts,
      interrupted: !!options.signal?.aborted || results.records.length < Private.countItems(tasks, options.samples)
    });
    if (options.solver) {
      results.writeSamples(data.tasks.map(task => task.taskId));
    }
    results.writeSummary(summary);
    return summary;
  };
  let failure: unknown;
  try {
    if (items.length) {
      showProgress();
      jupyter = await Private.openServers(options.jupyter);
      pool = await KernelPool.start(
        jupyter.map(connection => connection.kernels),
        Math.min(options.workers, items.length)
      );
      const truths = new GroundTruthStore({
        cacheDir: options.cacheDir ?? defaultCacheDir(),
        dataHash: data.hash,
        family
      });
      const pendingTasks = tasks.filter(task => items.some(item => item.task === task));
      await truths.ensure(pool, pendingTasks, sections, options.signal);
      await pool.run(
        items,
        async (kernel, item) => {
          const truth = truths.get(item.task.taskId);
          if (!truth) {
            return; // stopped while expected outputs were computed
          }
          try {
            const recomputeTruth = (on: EvalKernel) => truths.compute(on, item.task, sections, options.signal);
            const record = await Private.processItem(
              kernel,
              item,
              { truth, recomputeTruth },
              options,
              family,
              sections,
              showProgress
            );
            if (!options.signal?.aborted) {
              results.append(record);
              showProgress();
            }
          } catch (error) {
            if (!(error instanceof EvalAbortedError)) {
              throw error;
            }
          }
        },
        options.signal
      );
    }
  } catch (error) {
    failure = error;
  } finally {
    restarts = pool?.restarts ?? 0;
    await pool?.dispose();
    await Promise.all(jupyter.map(connection => connection.close()));
  }
  // What finished is written even when the run failed: --resume picks it up.
  const summary = finish();
  if (failure !== undefined) {
    throw failure;
  }
  return summary;
}

namespace Private {
  /**
   * Connect to every server named (in parallel), or start a private one.
   *
   * @throws {UnreachableError} when one cannot be reached; the others are closed.
   */
  export async function openServers(jupyter: IEvalRunOptions['jupyter']): Promise<JupyterConnection[]> {
    const servers = jupyter.servers?.length ? jupyter.servers : [undefined];
    const opened = await Promise.allSettled(
      servers.map(server =>
        JupyterConnection.open({ 'server-url': server?.url, token: server?.token, python: jupyter.python })
      )
    );
    const connections = opened.flatMap(result => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = opened.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) {
      await Promise.all(connections.map(connection => connection.close()));
      throw failure.reason;
    }
    return connections;
  }

  /**
   * One unit of work: a task to solve, or one sample to check.
   */
  export interface IWorkItem {
    task: IEvalTask;
    task_id: string;
    sample_index?: number;
    solution?: string;
  }

  export function workItems(tasks: IEvalTask[], samples: Map<string, string[]> | undefined): IWorkItem[] {
    if (!samples) {
      return tasks.map(task => ({ task, task_id: task.taskId }));
    }
    return tasks.flatMap(task =>
      (samples.get(task.taskId) ?? []).map((solution, index) => ({
        task,
        task_id: task.taskId,
        sample_index: index,
        solution
      }))
    );
  }

  export function countItems(tasks: IEvalTask[], samples: Map<string, string[]> | undefined): number {
    return samples ? tasks.reduce((sum, task) => sum + (samples.get(task.taskId)?.length ?? 0), 0) : tasks.length;
  }

  /**
   * Solve or check one item and make its record.
   */
  export async function processItem(
    kernel: EvalKernel,
    item: IWorkItem,
    expected: { truth: IGroundTruth; recomputeTruth: (kernel: EvalKernel) => Promise<unknown> },
    options: IEvalRunOptions,
    family: ReturnType<typeof datasetFamily>,
    sections: TestSection[],
    onProgress: (note: string) => void
  ): Promise<IResultRecord> {
    const started = Date.now();
    if (item.solution !== undefined) {
      const verdicts = await checkSolution(
        kernel,
        { task: item.task, family, code: item.solution, sections, ...expected, timeLimits: options.timeLimits },
        options.signal
      );
      return record(item, item.solution, verdicts, sections, { duration_ms: Date.now() - started });
    }
    const outcome = await options.solver!.solver.solve(kernel, item.task, expected, options.signal, onProgress);
    return record(item, outcome.solution, outcome.verdicts, sections, {
      attempts: outcome.attempts,
      feedback: outcome.feedback,
      ...(outcome.guidance.length ? { guidance: outcome.guidance } : {}),
      ...(outcome.repeats ? { repeats: outcome.repeats } : {}),
      ...(outcome.answers.length > 1 ? { answers: outcome.answers } : {}),
      tokens: { prompt: outcome.tokens.promptTokens, completion: outcome.tokens.completionTokens },
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.candidates ? { candidates: outcome.candidates } : {}),
      ...(outcome.choice ? { choice: outcome.choice } : {}),
      duration_ms: Date.now() - started
    });
  }

  function record(
    item: IWorkItem,
    solution: string,
    verdicts: Partial<Record<TestSection, ISectionVerdict>>,
    sections: TestSection[],
    extra: Partial<IResultRecord> & { duration_ms: number }
  ): IResultRecord {
    const base = verdicts.base as ISectionVerdict;
    const plus = sections.includes('plus') ? verdicts.plus : undefined;
    return {
      task_id: item.task_id,
      ...(item.sample_index !== undefined ? { sample_index: item.sample_index } : {}),
      solution,
      base_status: base.status,
      plus_status: plus ? plus.status : null,
      base,
      ...(plus ? { plus } : {}),
      ...extra
    };
  }
}
