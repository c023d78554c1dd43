// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { JSONObject } from '@lumino/coreutils';

import type { EvalKernel } from './evalKernel';
import type { DatasetFamily, IEvalTask, IFailure, IGroundTruth, ISectionVerdict, TestSection } from './evalTask';

/**
 * The run was stopped (Ctrl-C) before the task finished; its result is not recorded.
 */
export class EvalAbortedError extends Error {
  constructor() {
    super('The evaluation was stopped.');
    this.name = 'EvalAbortedError';
  }
}

/**
 * Time limits, as EvalPlus sets them.
 */
export interface ITimeLimitOptions {
  /**
   * The least time a call gets, in seconds. Default 1 (EvalPlus's `min_time_limit`).
   */
  minTimeLimit?: number;

  /**
   * A call gets this many times the canonical solution's time on the same input.
   * Default 4 (EvalPlus's `gt_time_limit_factor`).
   */
  gtTimeLimitFactor?: number;
}

/**
 * The time limit of each input of a section, and the section's budget, in seconds.
 *
 * A call may take `max(minTimeLimit, factor x canonical time)`; the whole section may take the
 * sum of those, at most 60 s, plus 2 s (EvalPlus's per-process timeout and its join grace).
 *
 * @param times - the canonical solution's time per input, in seconds.
 * @param options - the floor and the factor.
 * @returns the limits and the budget.
 */
export function timeLimits(
  times: readonly number[],
  options: ITimeLimitOptions = {}
): { limits: number[]; budget: number } {
  const floor = options.minTimeLimit ?? 1;
  const factor = options.gtTimeLimitFactor ?? 4;
  const limits = times.map(time => Math.max(floor, factor * time));
  const total = limits.reduce((sum, limit) => sum + limit, 0);
  return { limits, budget: Math.min(60, total) + 2 };
}

/**
 * Run a solution on a task's hidden tests, one kernel execution for all sections.
 *
 * @param kernel - the kernel to run on.
 * @param request - the task, the code and what to run it on.
 * @param signal - stops the run.
 * @returns the verdict of each section asked for.
 * @throws {EvalAbortedError} when the signal stopped the run.
 * @throws when the driver fails (a harness bug, not the solution's fault).
 */
export async function checkSolution(
  kernel: EvalKernel,
  request: ICheckRequest,
  signal?: AbortSignal
): Promise<Partial<Record<TestSection, ISectionVerdict>>> {
  const limits: Record<string, number[]> = {};
  const budgets: Record<string, number> = {};
  let totalBudget = 0;
  for (const section of request.sections) {
    const truthTimes = request.truth[`${section}_time`];
    if (truthTimes === undefined) {
      throw new Error(`No expected outputs for ${request.task.taskId} (${section}).`);
    }
    const computed = timeLimits(truthTimes, request.timeLimits);
    limits[section] = computed.limits;
    budgets[section] = computed.budget;
    totalBudget += computed.budget;
  }
  const payload: JSONObject = {
    op: 'check',
    task: request.task.line,
    dataset: request.family,
    sections: request.sections,
    code: request.code,
    truth_file: request.truth.file,
    limits,
    budgets
  };
  // The driver enforces the limits itself; this outer one only catches code it cannot stop
  // (C loops, handlers that swallow the alarm), which costs a kernel restart.
  const timeoutMs = (totalBudget + 5) * 1000;
  let call = await kernel.call(payload, { timeoutMs, signal });
  if (!signal?.aborted && Private.missingTruth(call.result) && request.recomputeTruth) {
    // The kernel's copy of the expected outputs is gone (a new machine, a cleaned cache).
    await request.recomputeTruth(kernel);
    call = await kernel.call(payload, { timeoutMs, signal });
  }
  if (signal?.aborted) {
    throw new EvalAbortedError();
  }
  if (Private.missingTruth(call.result)) {
    throw new Error(`The expected outputs of ${request.task.taskId} are missing from ${request.truth.file}.`);
  }
  const verdicts: Partial<Record<TestSection, ISectionVerdict>> = {};
  for (const answer of call.answers) {
    const partial = answer.partial as unknown as
      | (ISectionVerdict & { section: TestSection; failure: IFailure | null })
      | undefined;
    if (partial) {
      const { section, failure, ...verdict } = partial;
      verdicts[section] = failure ? { ...verdict, failure } : verdict;
    }
  }
  if (call.error && !call.restarted) {
    throw new Error(`The evaluation driver failed on ${request.task.taskId}: ${call.error}`);
  }
  for (const section of request.sections) {
    if (!verdicts[section]) {
      // The kernel stopped answering or died before this section's verdict: EvalPlus reports a
      // process that never reports back as a timeout too.
      verdicts[section] = {
        status: 'timeout',
        passed: 0,
        total: request.truth[`${section}_time`]?.length ?? 0,
        failure: {
          kind: call.status === 'dead-kernel' ? 'crash' : 'timeout',
          limit: budgets[section]
        }
      };
    }
  }
  return verdicts;
}

/**
 * What to check.
 */
export interface ICheckRequest {
  task: IEvalTask;
  family: DatasetFamily;
  /**
   * The complete solution (imports, helpers and the entry point).
   */
  code: string;
  sections: TestSection[];
  truth: IGroundTruth;
  timeLimits?: ITimeLimitOptions;
  /**
   * Computes the expected outputs again on the kernel when its file is missing.
   */
  recomputeTruth?: (kernel: EvalKernel) => Promise<unknown>;
}

namespace Private {
  /**
   * Whether the driver answered that the expected outputs file is missing.
   */
  export function missingTruth(result: unknown): boolean {
    return !!result && typeof result === 'object' && (result as { missing_truth?: unknown }).missing_truth === true;
  }
}
