// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ISubAnswerVote } from '../agent/answerVote';
import { dabenchCandidatesTable, type IDabenchCandidatesRow } from './dabenchCandidatesTable';
import { dabenchAccuracy, type IDabenchAccuracy, type ISubAnswerVerdict } from './dabench';
import type { Effort, IRunSummaryBase } from './evalSummary';
import { taskWallTime } from './taskWallTime';

/**
 * One line of a DABench run's `results.jsonl`.
 */
export interface IDabenchRecord {
  /**
   * The question's id, as a string (the key `--resume` uses).
   */
  task_id: string;
  file_name: string;
  level?: string;
  /**
   * The question's notebook: a local path with the private server, else a path on the server.
   * Absent when the question never ran (its table is missing).
   */
  notebook?: string;
  /**
   * Where the answers were read: the agent's final answer (`response`, the content of the turn's
   * last model response), the last code cell's output when that answer holds none of the
   * labelled names (`cell-output`), the candidates' vote (`vote`, thorough effort), or `none`.
   */
  answer_source: 'response' | 'cell-output' | 'vote' | 'none';
  /**
   * The agent's final answer text.
   */
  response: string;
  sub_answers: ISubAnswerVerdict[];
  /**
   * Whether every sub-answer is right.
   */
  correct: boolean;
  /**
   * How the agent's turn ended (`completed`, `attempts-exhausted`, ...).
   */
  outcome?: string;
  executions?: number;
  tokens: { prompt: number; completion: number };
  /**
   * Why the question could not be run or answered (a missing table, a failed model).
   */
  error?: string;
  /**
   * Every run of the agent on the question, in order (thorough effort): its notebook, how its
   * turn ended, its answers and whether it voted (only completed runs do, unless none did).
   */
  candidates?: {
    index: number;
    seed: number;
    temperature: number;
    notebook: string;
    outcome: string;
    executions: number;
    answer_source: IDabenchRecord['answer_source'];
    answers: Record<string, string>;
    voted: boolean;
    tokens: { prompt: number; completion: number };
    error?: string;
    duration_ms: number;
  }[];
  /**
   * The vote on each sub-answer (thorough effort).
   */
  votes?: ISubAnswerVote[];
  duration_ms: number;
}

/**
 * A DABench run's `summary.json`.
 */
export interface IDabenchSummary extends IRunSummaryBase {
  dataset: 'dabench';
  /**
   * The three figures, each in [0, 1].
   */
  accuracy: IDabenchAccuracy;
  sub_answers: { correct: number; total: number };
  /**
   * Questions recorded as errors (counted wrong).
   */
  errors: number;
  /**
   * Questions whose turn ran no code at all (every answer to a question about a file should run
   * some), and those that ended `unverified` (the answer's figures were shown by no output).
   */
  no_code: number;
  unverified: number;
  max_attempts: number;
  kernel_state_tokens: number;
  data_dir: string;
  effort: Effort;
  candidates?: number;
  candidate_temperature?: number;
  seed?: number;
  /**
   * The time each question took, in seconds.
   */
  task_wall_time_s: { median: number; mean: number };
  /**
   * The thorough effort's table of k: what the vote among the first k candidates would have
   * scored, for each k up to `candidates` (`dabenchCandidatesTable`); absent without labels.
   */
  by_candidates?: IDabenchCandidatesRow[];
}

/**
 * What a DABench run's summary states besides its records.
 */
export interface IDabenchSummarizedRun {
  /**
   * The model's name.
   */
  model: string;
  /**
   * Questions the run set out to answer.
   */
  total: number;
  /**
   * The run's wall time in seconds, earlier runs of a resumed one included.
   */
  wall: number;
  workers: number;
  /**
   * Whether the run stopped before every question had a record.
   */
  interrupted: boolean;
  maxAttempts: number;
  kernelStateTokens: number;
  dataDir: string;
  /**
   * The thorough effort's sampling; omitted for `fast`.
   */
  thorough?: { candidates: number; temperature: number; seed: number };
}

/**
 * The summary of a DABench run, as `summary.json` holds it: the three accuracies, the sub-answers
 * right, the questions with errors, without code or unverified, the tokens and the times.
 *
 * @param records - the questions' records.
 * @param run - what was run, and how long and how far it went.
 * @returns the summary.
 */
export function summarizeDabench(records: readonly IDabenchRecord[], run: IDabenchSummarizedRun): IDabenchSummary {
  const verdicts = records.map(record => record.sub_answers);
  return {
    dataset: 'dabench',
    model: run.model,
    n: records.length,
    total: run.total,
    accuracy: dabenchAccuracy(verdicts),
    sub_answers: {
      correct: verdicts.flat().filter(verdict => verdict.correct).length,
      total: verdicts.flat().length
    },
    errors: records.filter(record => record.error).length,
    no_code: records.filter(record => record.executions === 0).length,
    unverified: records.filter(record => record.outcome === 'unverified').length,
    tokens: records.reduce(
      (sum, record) => ({
        prompt: sum.prompt + record.tokens.prompt,
        completion: sum.completion + record.tokens.completion
      }),
      { prompt: 0, completion: 0 }
    ),
    wall_time_s: Math.round(run.wall * 100) / 100,
    workers: run.workers,
    interrupted: run.interrupted,
    max_attempts: run.maxAttempts,
    kernel_state_tokens: run.kernelStateTokens,
    data_dir: run.dataDir,
    effort: run.thorough ? 'thorough' : 'fast',
    ...(run.thorough
      ? {
          candidates: run.thorough.candidates,
          candidate_temperature: run.thorough.temperature,
          seed: run.thorough.seed,
          ...Private.byCandidates(records, run.thorough.candidates)
        }
      : {}),
    task_wall_time_s: taskWallTime(records)
  };
}

namespace Private {
  /**
   * The table of k, when the records allow it.
   */
  export function byCandidates(
    records: readonly IDabenchRecord[],
    candidates: number
  ): { by_candidates?: IDabenchCandidatesRow[] } {
    const rows = dabenchCandidatesTable(records, candidates);
    return rows ? { by_candidates: rows } : {};
  }
}
