// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ISectionVerdict, TestSection } from './evalTask';

/**
 * Token counts of a task's model requests.
 */
export interface ITokenUsage {
  promptTokens: number;
  completionTokens: number;
}

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
}
