// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatMessage } from '../conversation/conversationRecord';
import type { IModelResponse, ModelClient } from '../model/modelClient';
import { ModelError } from '../model/modelError';
import type { ICandidateChoice, ICandidateRecord } from './candidateChoice';
import { askCoder, pickCode, sanitizeAnswer, type ISampling, type ITokenUsage } from './coderAnswer';
import type { EvalKernel } from './evalKernel';
import {
  CODER_SYSTEM_PROMPT,
  CRITIC_SYSTEM_PROMPT,
  coderPrompt,
  criticPrompt,
  describeSelfCheck,
  describeTestFailure,
  executionFeedbackMessage,
  repeatedSolutionMessage,
  humanFeedbackMessage,
  type ISelfCheckReport
} from './evalPrompts';
import { checkSolution, EvalAbortedError, type ITimeLimitOptions } from './solutionChecker';
import type { DatasetFamily, EvalMode, IEvalTask, IGroundTruth, ISectionVerdict, TestSection } from './evalTask';

export type { ITokenUsage };

/**
 * What solving one task produced.
 */
export interface ISolveOutcome {
  /**
   * The final solution, sanitized.
   */
  solution: string;

  /**
   * The verdicts of the dataset's sections on the final solution.
   */
  verdicts: Partial<Record<TestSection, ISectionVerdict>>;

  /**
   * How many answers the coder gave.
   */
  attempts: number;

  /**
   * The feedback messages sent to the coder, in order.
   */
  feedback: string[];

  /**
   * The critic's guidance, in order (human-feedback mode).
   */
  guidance: string[];

  /**
   * Answers that repeated an earlier failing solution unchanged (asked again, not counted as
   * attempts).
   */
  repeats: number;

  /**
   * The solution of every answer, in order, repeats included.
   */
  answers: string[];

  /**
   * Tokens of the coder and the critic.
   */
  tokens: ITokenUsage;

  /**
   * A model request the endpoint refused for this task only (the task counts as failed).
   */
  error?: string;

  /**
   * Every candidate and their examples' verdicts (thorough effort only).
   */
  candidates?: ICandidateRecord[];

  /**
   * Which candidate was chosen and why (thorough effort only).
   */
  choice?: ICandidateChoice;
}

/**
 * What the harness asks of a solver: solve one task on a worker's kernel.
 */
export interface ITaskSolver {
  /**
   * Solve a task.
   *
   * @param kernel - the worker's kernel.
   * @param task - the task.
   * @param expected - its expected outputs, and how to compute them again on a kernel that lost them.
   * @param signal - stops the work.
   * @param onProgress - told what is under way within the task, for the progress bar.
   * @returns the outcome.
   * @throws {EvalAbortedError} when stopped.
   * @throws {ModelError} when the endpoint fails in a way no other task would escape.
   */
  solve(
    kernel: EvalKernel,
    task: IEvalTask,
    expected: { truth: IGroundTruth; recomputeTruth?: (kernel: EvalKernel) => Promise<unknown> },
    signal?: AbortSignal,
    onProgress?: (note: string) => void
  ): Promise<ISolveOutcome>;
}

/**
 * Solves one task with a model in one of the paper's modes, then checks the final solution on
 * the dataset's hidden tests.
 */
export class TaskSolver implements ITaskSolver {
  /**
   * Construct a solver.
   *
   * @param options - the models, the mode and the budgets.
   */
  constructor(private _options: TaskSolver.IOptions) {}

  /**
   * Solve a task.
   *
   * @param kernel - the worker's kernel.
   * @param task - the task.
   * @param expected - its expected outputs, and how to compute them again on a kernel that lost them.
   * @param signal - stops the work.
   * @returns the outcome.
   * @throws {EvalAbortedError} when stopped.
   * @throws {ModelError} when the endpoint fails in a way no other task would escape
   *   (unreachable, auth, not found, rate limits or server errors after retries).
   */
  async solve(
    kernel: EvalKernel,
    task: IEvalTask,
    expected: { truth: IGroundTruth; recomputeTruth?: (kernel: EvalKernel) => Promise<unknown> },
    signal?: AbortSignal
  ): Promise<ISolveOutcome> {
    const options = this._options;
    const maxAttempts = options.mode === 'single' ? 1 : Math.max(1, options.maxAttempts);
    const tokens: ITokenUsage = { promptTokens: 0, completionTokens: 0 };
    const feedback: string[] = [];
    const guidance: string[] = [];
    const cache = new Private.VerdictCache();
    const messages: ChatMessage[] = [
      { role: 'system', content: CODER_SYSTEM_PROMPT },
      { role: 'user', content: coderPrompt(task, options.family) }
    ];
    let solution = '';
    let attempts = 0;
    let lastResult: string | undefined;
    // Whether the answer being asked for follows a repeat: it is asked once, and may be sampled.
    let askedAgain = false;
    let repeats = 0;
    // Every answer's solution, in order: also what the model already tried.
    const answers: string[] = [];
    const retryTemperature = options.retryTemperature ?? 0;
    let error: string | undefined;
    const check = async (code: string, sections: TestSection[]) => {
      const missing = sections.filter(section => !cache.get(code, section));
      if (missing.length) {
        const verdicts = await checkSolution(
          kernel,
          { task, family: options.family, code, sections: missing, ...expected, timeLimits: options.timeLimits },
          signal
        );
        for (const section of missing) {
          cache.set(code, section, verdicts[section] as ISectionVerdict);
        }
      }
      return Object.fromEntries(sections.map(section => [section, cache.get(code, section)])) as Partial<
        Record<TestSection, ISectionVerdict>
      >;
    };

    while (attempts < maxAttempts) {
      let response: IModelResponse;
      try {
        const sampled = askedAgain && retryTemperature > 0;
        // A fixed seed per retry keeps a sampled run reproducible where the endpoint honours it.
        const sampling: ISampling | undefined = sampled
          ? { temperature: retryTemperature, seed: Private.RETRY_SEED + repeats }
          : undefined;
        response = await askCoder(
          options.coder,
          messages,
          { maxTokens: options.maxTokens, extras: options.requestExtras, sampling },
          tokens,
          signal
        );
      } catch (caught) {
        if (caught instanceof ModelError && caught.kind === 'bad-request') {
          error = caught.message;
          break;
        }
        throw caught;
      }
      attempts++;
      messages.push({ role: 'assistant', content: response.content });
      const raw = pickCode(response.content, task.entryPoint);
      solution = await sanitizeAnswer(kernel, task, options.family, raw, signal);
      const repeated = answers.includes(solution);
      answers.push(solution);
      if (repeated && lastResult !== undefined && !askedAgain) {
        // A small model often answers its failing solution again, unchanged: it is told so and
        // asked once more for another approach (greedy decoding gives the same answer to nearly
        // the same prompt, hence the sampling), and the repeat does not count as an attempt.
        askedAgain = true;
        attempts--;
        repeats++;
        messages.push({ role: 'user', content: repeatedSolutionMessage(lastResult) });
        continue;
      }
      askedAgain = false;
      if (attempts >= maxAttempts) {
        break;
      }
      const result = await this._feedback(kernel, task, raw, solution, check, signal);
      if (result === undefined) {
        break;
      }
      lastResult = result;
      let message = executionFeedbackMessage(result);
      if (options.mode === 'human-feedback') {
        const critic = options.critic ?? options.coder;
        let words: string;
        try {
          const answer = await askCoder(
            critic,
            [
              { role: 'system', content: CRITIC_SYSTEM_PROMPT },
              { role: 'user', content: criticPrompt(task, solution, result) }
            ],
            { maxTokens: options.maxTokens, extras: options.requestExtras },
            tokens,
            signal
          );
          words = answer.content;
        } catch (caught) {
          if (caught instanceof ModelError && caught.kind === 'bad-request') {
            error = caught.message;
            break;
          }
          throw caught;
        }
        guidance.push(words);
        message = humanFeedbackMessage(words);
      }
      feedback.push(message);
      messages.push({ role: 'user', content: message });
    }
    const verdicts = await check(solution, options.sections);
    return { solution, verdicts, attempts, feedback, guidance, repeats, answers, tokens, error };
  }

  /**
   * The execution result the mode feeds back, or `undefined` when there is nothing to fix.
   */
  private async _feedback(
    kernel: EvalKernel,
    task: IEvalTask,
    raw: string,
    solution: string,
    check: (code: string, sections: TestSection[]) => Promise<Partial<Record<TestSection, ISectionVerdict>>>,
    signal: AbortSignal | undefined
  ): Promise<string | undefined> {
    const options = this._options;
    if (options.mode === 'self-feedback') {
      const call = await kernel.call(
        {
          op: 'self_check',
          raw,
          code: solution,
          prompt: task.prompt,
          entry_point: task.entryPoint,
          seconds: Private.SELF_CHECK_SECONDS
        },
        { timeoutMs: Private.SELF_CHECK_SECONDS * 1000 * 20, signal }
      );
      if (signal?.aborted) {
        throw new EvalAbortedError();
      }
      if (!call.result || typeof call.result !== 'object') {
        return call.restarted
          ? 'The code did not finish in time (the Python kernel had to be restarted).'
          : `The code could not be run: ${call.error ?? call.status}`;
      }
      return describeSelfCheck(task, call.result as unknown as ISelfCheckReport);
    }
    const verdicts = await check(solution, options.feedbackSections);
    return describeTestFailure(task, verdicts);
  }
}

/**
 * The namespace for `TaskSolver` statics.
 */
export namespace TaskSolver {
  /**
   * How tasks are solved.
   */
  export interface IOptions {
    coder: ModelClient;
    /**
     * The model that writes guidance in human-feedback mode; default the coder.
     */
    critic?: ModelClient;
    mode: EvalMode;
    family: DatasetFamily;
    /**
     * The sections the final solution is scored on.
     */
    sections: TestSection[];
    /**
     * The sections whose failures are fed back (exec-feedback, human-feedback).
     */
    feedbackSections: TestSection[];
    /**
     * Answers of the coder per task, the first included (2 = one refinement).
     */
    maxAttempts: number;
    maxTokens?: number;
    timeLimits?: ITimeLimitOptions;
    /**
     * Fields sent with every request beyond OpenAI's. The command line sends llama.cpp's
     * `cache_prompt: false` to its local model: a prompt read from the server's cache gives
     * slightly different logits than one computed afresh, which flips greedy answers from run
     * to run; without the cache two runs of a mode give the same verdicts.
     */
    requestExtras?: Record<string, unknown>;
    /**
     * The temperature of the answer asked for after the coder repeated a failing solution
     * (default 0: greedy, like every other answer). Sent with a fixed seed.
     */
    retryTemperature?: number;
  }
}

namespace Private {
  /**
   * The time limit of the model's own run and of each visible example, in seconds.
   */
  export const SELF_CHECK_SECONDS = 10;

  /**
   * The seeds of sampled retries: this plus the number of repeats so far.
   */
  export const RETRY_SEED = 1234;

  /**
   * Verdicts already known for a code and section (the final check reuses the feedback's).
   */
  export class VerdictCache {
    get(code: string, section: TestSection): ISectionVerdict | undefined {
      return this._map.get(`${section}\u0000${code}`);
    }

    set(code: string, section: TestSection, verdict: ISectionVerdict): void {
      this._map.set(`${section}\u0000${code}`, verdict);
    }

    private _map = new Map<string, ISectionVerdict>();
  }
}
