// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { DatasetName, EvalMode, TestSection } from './evalTask';
import { candidatesTable, type ICandidatesRow } from './candidatesTable';
import type { IResultRecord } from './resultsFile';
import { taskWallTime } from './taskWallTime';

/**
 * What every `summary.json` holds, whatever the dataset.
 */
export interface IRunSummaryBase {
  model: string | null;
  /**
   * Tasks with a result.
   */
  n: number;
  /**
   * Tasks the run set out to do.
   */
  total: number;
  tokens: { prompt: number; completion: number };
  wall_time_s: number;
  workers: number;
  interrupted: boolean;
}

/**
 * `summary.json` of the code datasets (HumanEval, MBPP and their EvalPlus versions).
 */
export interface IEvalSummary extends IRunSummaryBase {
  dataset: DatasetName;
  /**
   * The mode, or `samples` for `evaluate`.
   */
  mode: EvalMode | 'samples';
  /**
   * Samples evaluated (more than `n` when tasks have several).
   */
  samples: number;
  /**
   * pass@1 in [0, 1]: the mean over tasks of the share of samples passing; `plus` requires base
   * and plus tests (EvalPlus's `+` score), `null` for the base-only datasets.
   */
  'pass@1': { base: number; plus: number | null };
  kernel_restarts: number;
  data_file: string;
  max_attempts?: number;
  critic_model?: string | null;
  /**
   * The temperature of the answer asked for after a repeated failing solution.
   */
  retry_temperature?: number;
  /**
   * Whether a second run would give the same answers, and why (or why not).
   */
  reproducibility?: string;
  /**
   * `fast`: one answer per attempt; `thorough`: `candidates` sampled answers per task, one chosen
   * on the prompt's visible examples.
   */
  effort?: Effort;
  candidates?: number;
  candidate_temperature?: number;
  /**
   * The first candidate's seed; candidate i is sent seed + i.
   */
  seed?: number;
  /**
   * The time each task took (model requests, runs and scoring), in seconds.
   */
  task_wall_time_s: { median: number; mean: number };
  /**
   * The thorough effort's table of k: what the first k candidates would have scored, for each k
   * up to `candidates` (`candidatesTable`); absent when the records lack what it needs.
   */
  by_candidates?: ICandidatesRow[];
}

/**
 * How much work a task gets: `fast` (one answer, or the mode's attempts) or `thorough` (several
 * sampled candidates, one chosen by execution).
 */
export type Effort = 'fast' | 'thorough';

/**
 * What a summary says of the run itself (the run's options have these fields).
 */
export interface ISummarizedRun {
  dataset: DatasetName;
  dataFile: string;
  workers: number;
  solver?: {
    mode: EvalMode;
    model: string;
    criticModel?: string;
    maxAttempts: number;
    retryTemperature?: number;
    reproducibility?: string;
    /**
     * The thorough effort's sampling; omitted for `fast`.
     */
    thorough?: { candidates: number; temperature: number; seed: number };
  };
}

/**
 * pass@1 as EvalPlus computes it with n samples per task (c / n, averaged over tasks), and the
 * counts of passing records for the progress bar.
 *
 * @param records - the results so far.
 * @param sections - the dataset's sections (`plus` is scored only when it is one).
 * @returns pass@1 of base and plus, the tasks scored and the passing records.
 */
export function scoreRecords(
  records: readonly IResultRecord[],
  sections: TestSection[]
): { base: number; plus: number | null; tasks: number; passBase: number; passPlus: number } {
  const perTask = new Map<string, { n: number; base: number; plus: number }>();
  let passBase = 0;
  let passPlus = 0;
  for (const entry of records) {
    const counts = perTask.get(entry.task_id) ?? { n: 0, base: 0, plus: 0 };
    counts.n++;
    if (entry.base_status === 'pass') {
      counts.base++;
      passBase++;
      if (entry.plus_status === 'pass') {
        counts.plus++;
        passPlus++;
      }
    }
    perTask.set(entry.task_id, counts);
  }
  const mean = (pick: (counts: { n: number; base: number; plus: number }) => number) =>
    perTask.size ? [...perTask.values()].reduce((sum, counts) => sum + pick(counts) / counts.n, 0) / perTask.size : 0;
  return {
    base: mean(counts => counts.base),
    plus: sections.includes('plus') ? mean(counts => counts.plus) : null,
    tasks: perTask.size,
    passBase,
    passPlus
  };
}

/**
 * The summary of a run, as `summary.json` holds it.
 *
 * @param options - what was run (the run's options).
 * @param records - the results.
 * @param sections - the dataset's sections.
 * @param run - the tasks set out, the wall time in seconds, the kernel restarts and whether
 *   the run stopped early.
 * @returns the summary.
 */
export function summarizeRun(
  options: ISummarizedRun,
  records: readonly IResultRecord[],
  sections: TestSection[],
  run: { total: number; wall: number; restarts: number; interrupted: boolean }
): IEvalSummary {
  const scored = scoreRecords(records, sections);
  const tokens = records.reduce(
    (sum, entry) => ({
      prompt: sum.prompt + (entry.tokens?.prompt ?? 0),
      completion: sum.completion + (entry.tokens?.completion ?? 0)
    }),
    { prompt: 0, completion: 0 }
  );
  return {
    dataset: options.dataset,
    mode: options.solver?.mode ?? 'samples',
    model: options.solver?.model ?? null,
    n: scored.tasks,
    total: run.total,
    samples: records.length,
    'pass@1': { base: scored.base, plus: scored.plus },
    tokens,
    wall_time_s: Math.round(run.wall * 100) / 100,
    task_wall_time_s: taskWallTime(records),
    workers: options.workers,
    kernel_restarts: run.restarts,
    interrupted: run.interrupted,
    data_file: options.dataFile,
    ...(options.solver
      ? {
          max_attempts: options.solver.maxAttempts,
          critic_model: options.solver.criticModel ?? null,
          retry_temperature: options.solver.retryTemperature ?? 0,
          ...(options.solver.reproducibility ? { reproducibility: options.solver.reproducibility } : {}),
          effort: options.solver.thorough ? 'thorough' : 'fast',
          ...(options.solver.thorough
            ? {
                candidates: options.solver.thorough.candidates,
                candidate_temperature: options.solver.thorough.temperature,
                seed: options.solver.thorough.seed,
                ...Private.byCandidates(records, options.solver.thorough.candidates)
              }
            : {})
        }
      : {})
  };
}

namespace Private {
  /**
   * The table of k, when the records allow it.
   */
  export function byCandidates(
    records: readonly IResultRecord[],
    candidates: number
  ): { by_candidates?: ICandidatesRow[] } {
    const rows = candidatesTable(records, candidates);
    return rows ? { by_candidates: rows } : {};
  }
}
