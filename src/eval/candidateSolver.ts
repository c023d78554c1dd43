// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { candidateSampling } from '../agent/candidateSampling';
import type { ChatMessage } from '../conversation/conversationRecord';
import type { ModelClient } from '../model/modelClient';
import { ModelError } from '../model/modelError';
import { chooseCandidate, choiceIsSettled, type ICandidateRecord } from './candidateChoice';
import { askCoder, pickCode, sanitizeAnswer, type ITokenUsage } from './coderAnswer';
import type { EvalKernel } from './evalKernel';
import { CODER_SYSTEM_PROMPT, coderPrompt, type ISelfCheckReport } from './evalPrompts';
import { checkSolution, EvalAbortedError, type ITimeLimitOptions } from './solutionChecker';
import type { ISolveOutcome, ITaskSolver } from './taskSolver';
import type { DatasetFamily, IEvalTask, IGroundTruth, ISectionVerdict, SectionStatus, TestSection } from './evalTask';

/**
 * Solves a task with the thorough effort: K answers sampled as separate requests (each its own
 * seed), each solution run in a fresh namespace on the prompt's visible examples only (never the
 * hidden tests), the one chosen by {@link chooseCandidate} then scored on the hidden tests.
 */
export class CandidateSolver implements ITaskSolver {
  /**
   * Construct a solver.
   *
   * @param options - the model, the number of candidates and how they are sampled.
   */
  constructor(private _options: CandidateSolver.IOptions) {}

  /**
   * Solve a task.
   *
   * @param kernel - the worker's kernel.
   * @param task - the task.
   * @param expected - its expected outputs, and how to compute them again on a kernel that lost them.
   * @param signal - stops the work.
   * @param onProgress - told which candidate is under way.
   * @returns the outcome, with every candidate and the choice.
   * @throws {EvalAbortedError} when stopped.
   * @throws {ModelError} when the endpoint fails in a way no other task would escape.
   */
  async solve(
    kernel: EvalKernel,
    task: IEvalTask,
    expected: { truth: IGroundTruth; recomputeTruth?: (kernel: EvalKernel) => Promise<unknown> },
    signal?: AbortSignal,
    onProgress?: (note: string) => void
  ): Promise<ISolveOutcome> {
    const options = this._options;
    const tokens: ITokenUsage = { promptTokens: 0, completionTokens: 0 };
    const messages: ChatMessage[] = [
      { role: 'system', content: CODER_SYSTEM_PROMPT },
      { role: 'user', content: coderPrompt(task, options.family) }
    ];
    const candidates: ICandidateRecord[] = [];
    for (let index = 0; index < options.candidates; index++) {
      onProgress?.(`${task.taskId} candidate ${index + 1}/${options.candidates}`);
      const sampling = candidateSampling(index, options);
      const started = Date.now();
      let content: string;
      try {
        // Each candidate is its own request from the same prompt: none sees another's answer.
        const response = await askCoder(
          options.coder,
          messages,
          { maxTokens: options.maxTokens, extras: options.requestExtras, sampling },
          tokens,
          signal
        );
        content = response.content;
      } catch (caught) {
        if (caught instanceof ModelError && caught.kind === 'bad-request') {
          candidates.push({
            index,
            ...sampling,
            solution: '',
            examples: [],
            passed: 0,
            error: caught.message,
            duration_ms: Date.now() - started
          });
          continue;
        }
        throw caught;
      }
      const raw = pickCode(content, task.entryPoint);
      const solution = await sanitizeAnswer(kernel, task, options.family, raw, signal);
      const examples = await Private.runExamples(kernel, task, solution, signal);
      candidates.push({ index, ...sampling, solution, ...examples, duration_ms: Date.now() - started });
      if (choiceIsSettled(candidates, options.candidates - candidates.length)) {
        // The candidates to come could not change the choice: they need not be asked for.
        break;
      }
    }
    const choice = chooseCandidate(candidates);
    const chosen = candidates[choice.chosen];
    const check = (code: string) =>
      checkSolution(
        kernel,
        { task, family: options.family, code, sections: options.sections, ...expected, timeLimits: options.timeLimits },
        signal
      );
    const verdicts = await check(chosen.solution);
    // Measurement only, after the choice: every candidate's verdicts on the hidden tests, so that
    // a run at K also tells what every smaller k would have scored (`candidatesTable`).
    const bySolution = new Map([[chosen.solution, verdicts]]);
    for (const candidate of candidates) {
      let hidden = bySolution.get(candidate.solution);
      if (!hidden) {
        hidden = await check(candidate.solution);
        bySolution.set(candidate.solution, hidden);
      }
      candidate.hidden = Private.statuses(hidden, options.sections);
    }
    const refused = candidates.every(candidate => candidate.error !== undefined && !candidate.solution);
    return {
      solution: chosen.solution,
      verdicts,
      attempts: candidates.length,
      feedback: [],
      guidance: [],
      repeats: 0,
      answers: candidates.map(candidate => candidate.solution),
      tokens,
      ...(refused ? { error: chosen.error } : {}),
      candidates,
      choice
    };
  }
}

/**
 * The namespace for `CandidateSolver` statics.
 */
export namespace CandidateSolver {
  /**
   * How candidates are sampled and judged.
   */
  export interface IOptions {
    coder: ModelClient;
    family: DatasetFamily;
    /**
     * The sections the chosen solution is scored on.
     */
    sections: TestSection[];
    /**
     * K: the answers sampled per task.
     */
    candidates: number;
    /**
     * The temperature of every candidate (above 0, or they would all be the same answer).
     */
    temperature: number;
    /**
     * The first candidate's seed; candidate i is sent seed + i (the first is greedy, the others
     * sampled at `temperature`: `candidateSampling`).
     */
    seed: number;
    maxTokens?: number;
    timeLimits?: ITimeLimitOptions;
    /**
     * Fields sent with every request beyond OpenAI's (see `TaskSolver.IOptions.requestExtras`).
     */
    requestExtras?: Record<string, unknown>;
  }
}

namespace Private {
  /**
   * The status of each section, as a record keeps them.
   */
  export function statuses(
    verdicts: Partial<Record<TestSection, ISectionVerdict>>,
    sections: TestSection[]
  ): { base: SectionStatus; plus: SectionStatus | null } {
    return {
      base: verdicts.base?.status ?? 'fail',
      plus: sections.includes('plus') ? (verdicts.plus?.status ?? 'fail') : null
    };
  }

  /**
   * The time limit of each visible example, in seconds (as self-feedback's).
   */
  const EXAMPLE_SECONDS = 10;

  /**
   * Run a solution on the prompt's visible examples with the driver's `self_check`, which loads
   * it into a namespace of its own: no candidate sees what another defined. The answer's own
   * script is not run (`raw` is empty): only the examples judge.
   */
  export async function runExamples(
    kernel: EvalKernel,
    task: IEvalTask,
    solution: string,
    signal: AbortSignal | undefined
  ): Promise<Pick<ICandidateRecord, 'examples' | 'passed' | 'error'>> {
    const call = await kernel.call(
      {
        op: 'self_check',
        raw: '',
        code: solution,
        prompt: task.prompt,
        entry_point: task.entryPoint,
        seconds: EXAMPLE_SECONDS
      },
      { timeoutMs: EXAMPLE_SECONDS * 1000 * 20, signal }
    );
    if (signal?.aborted) {
      throw new EvalAbortedError();
    }
    if (!call.result || typeof call.result !== 'object') {
      const error = call.restarted
        ? 'The examples did not finish in time (the kernel was restarted).'
        : `The examples could not be run: ${call.error ?? call.status}`;
      return { examples: [], passed: 0, error };
    }
    const report = call.result as unknown as ISelfCheckReport;
    if (report.load_error) {
      return { examples: [], passed: 0, error: `Loading the solution raised: ${report.load_error.trimEnd()}` };
    }
    if (report.missing_entry_point) {
      return { examples: [], passed: 0, error: `The code does not define ${task.entryPoint}.` };
    }
    const examples = report.examples.map(example => ({
      source: example.source,
      ok: example.ok,
      ...(example.actual !== undefined ? { actual: example.actual } : {}),
      ...(example.error ? { error: example.error } : {})
    }));
    return { examples, passed: examples.filter(example => example.ok).length };
  }
}
