// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { AGENT_BUDGET_DEFINITIONS, SETTING_DEFINITIONS } from '../agent/settingDefinitions';
import type { Agent } from '../agent/agent';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ModelClient } from '../model/modelClient';
import { JupyterConnection } from '../node/jupyterConnection';
import { voteOnAnswers, type ISubAnswerVote } from './answerVote';
import { runDabenchCandidate, type IDabenchCandidateRun } from './dabenchCandidate';
import {
  dabenchAccuracy,
  loadDabench,
  scoreDabench,
  type IDabenchAccuracy,
  type IDabenchQuestion,
  type ISubAnswerVerdict
} from './dabench';
import { taskWallTime, type Effort, type IRunSummaryBase } from './evalSummary';
import { ProgressBar } from './progressBar';
import { ResultsFile } from './resultsFile';

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
}

/**
 * What a DABench run needs.
 */
export interface IDabenchRunOptions {
  /**
   * The folder with questions.jsonl, labels.jsonl and tables/.
   */
  dataDir: string;
  outDir: string;
  workers: number;
  /**
   * Only the first N questions.
   */
  limit?: number;
  resume: boolean;
  jupyter: { serverUrl?: string; token?: string; python?: string };
  model: { client: ModelClient; contextWindow?: number; temperature?: number };
  /**
   * The agent's settings, as a session's: default those of `code-interpreter run`.
   */
  agent?: Pick<Agent.IOptions, 'maxAttempts' | 'cellTimeoutMs' | 'kernelStateTokens' | 'protocol'>;
  tokenCounter?: ITokenCounter;
  /**
   * The thorough effort: K runs of the agent per question, sampled with seeds seed + i, their
   * answers put to a vote; omitted for `fast` (one greedy run).
   */
  thorough?: { candidates: number; temperature: number; seed: number };
  progress?: ProgressBar.IStream;
  signal?: AbortSignal;
}

/**
 * Run DABench through the product's agent: one Jupyter server, and for each question a headless
 * notebook with its own kernel in a folder of its own (`notebooks/<id>/`) holding the question's
 * CSV; the agent runs one turn on the question's prompt, as a user's session would, and its
 * answer is scored. Finished questions are kept when the run stops early or fails.
 *
 * @param options - the run.
 * @returns the summary (also in `summary.json`).
 * @throws {ResultsFile.ExistsError} when the folder holds results and `resume` is false.
 * @throws {UnreachableError} when the Jupyter server cannot be reached or started.
 * @throws {ModelError} when the model endpoint cannot be reached.
 */
export async function runDabench(options: IDabenchRunOptions): Promise<IDabenchSummary> {
  const started = Date.now();
  let questions = loadDabench(options.dataDir);
  if (options.limit !== undefined) {
    questions = questions.slice(0, Math.max(0, options.limit));
  }
  const results = new ResultsFile<IDabenchRecord>(options.outDir, options.resume);
  const pending = questions.filter(question => !results.has(question.id));
  const previous = options.resume ? results.previousSummary() : undefined;
  const previousWall = typeof previous?.wall_time_s === 'number' ? previous.wall_time_s : 0;
  const bar = options.progress
    ? new ProgressBar({ stream: options.progress, total: questions.length, label: 'dabench', metric: 'accuracy' })
    : undefined;
  const showProgress = (note?: string) =>
    bar?.update(results.records.length, results.records.filter(record => record.correct).length, undefined, note);
  const maxAttempts = options.agent?.maxAttempts ?? Private.SESSION.maxAttempts;
  const kernelStateTokens = options.agent?.kernelStateTokens ?? Private.SESSION.kernelStateTokens;
  const inside = new AbortController();
  const onAbort = () => inside.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) {
    inside.abort();
  }
  let jupyter: JupyterConnection | undefined;
  let failure: unknown;
  try {
    if (pending.length) {
      showProgress();
      // A private server serves the output folder, so the notebooks are local files there.
      const rootDir = options.jupyter.serverUrl ? undefined : resolve(options.outDir);
      jupyter = await JupyterConnection.open({
        'server-url': options.jupyter.serverUrl,
        token: options.jupyter.token,
        python: options.jupyter.python,
        rootDir
      });
      const connection = jupyter;
      let next = 0;
      const worker = async () => {
        while (!inside.signal.aborted && next < pending.length) {
          const question = pending[next++];
          const record = await Private.solve(question, connection, options, inside.signal, rootDir, showProgress);
          if (inside.signal.aborted) {
            return;
          }
          results.append(record);
          showProgress();
        }
      };
      const workers = Array.from({ length: Math.max(1, Math.min(options.workers, pending.length)) }, () =>
        worker().catch((error: unknown) => {
          failure ??= error;
          inside.abort();
        })
      );
      await Promise.all(workers);
    }
  } catch (error) {
    failure = error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await jupyter?.close();
  }
  bar?.finish();
  const records = results.records;
  const verdicts = records.map(record => record.sub_answers);
  const summary: IDabenchSummary = {
    dataset: 'dabench',
    model: options.model.client.model,
    n: records.length,
    total: questions.length,
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
    wall_time_s: Math.round((previousWall + (Date.now() - started) / 1000) * 100) / 100,
    workers: options.workers,
    interrupted: !!options.signal?.aborted || records.length < questions.length,
    max_attempts: maxAttempts,
    kernel_state_tokens: kernelStateTokens,
    data_dir: options.dataDir,
    effort: options.thorough ? 'thorough' : 'fast',
    ...(options.thorough
      ? {
          candidates: options.thorough.candidates,
          candidate_temperature: options.thorough.temperature,
          seed: options.thorough.seed
        }
      : {}),
    task_wall_time_s: taskWallTime(records)
  };
  results.writeSummary(summary);
  if (failure !== undefined) {
    throw failure;
  }
  return summary;
}

namespace Private {
  /**
   * The settings of a session of `code-interpreter run` (and the sidebar's defaults).
   */
  export const SESSION = {
    maxAttempts: SETTING_DEFINITIONS.maxAttempts.default,
    cellTimeoutMs: SETTING_DEFINITIONS.executionTimeout.default * 1000,
    kernelStateTokens: AGENT_BUDGET_DEFINITIONS.kernelStateTokens.default
  };

  /**
   * Run one question: once in `notebooks/<id>/` (fast), or K times each in
   * `notebooks/<id>/candidate-<i>/` with its own kernel and copy of the table (thorough), the
   * candidates' answers then put to a vote; and score the answer.
   */
  export async function solve(
    question: IDabenchQuestion,
    jupyter: JupyterConnection,
    options: IDabenchRunOptions,
    signal: AbortSignal,
    rootDir: string | undefined,
    onProgress: (note: string) => void
  ): Promise<IDabenchRecord> {
    const started = Date.now();
    const id = question.id.replace(/[^\w.-]/g, '_');
    const base = {
      task_id: question.id,
      file_name: question.fileName,
      ...(question.level ? { level: question.level } : {})
    };
    const table = join(options.dataDir, 'tables', question.fileName);
    if (!existsSync(table)) {
      return {
        ...base,
        answer_source: 'none',
        response: '',
        sub_answers: scoreDabench(question, new Map()),
        correct: false,
        tokens: { prompt: 0, completion: 0 },
        error: `The table ${table} does not exist.`,
        duration_ms: Date.now() - started
      };
    }
    const local = (path: string) => (rootDir ? join(rootDir, path) : path);
    const run = (path: string, sampling?: { temperature: number; seed: number }) =>
      runDabenchCandidate(
        question,
        table,
        jupyter,
        {
          path,
          model: sampling ? { ...options.model, ...sampling } : options.model,
          agent: options.agent,
          tokenCounter: options.tokenCounter
        },
        signal
      );
    const thorough = options.thorough;
    if (!thorough) {
      const single = await run(`notebooks/${id}/dabench-${id}.ipynb`);
      const subAnswers = scoreDabench(question, single.answers);
      return {
        ...base,
        notebook: local(single.path),
        answer_source: single.answerSource,
        response: single.response,
        sub_answers: subAnswers,
        correct: subAnswers.every(verdict => verdict.correct),
        outcome: single.outcome,
        executions: single.executions,
        tokens: single.tokens,
        ...(single.error ? { error: single.error } : {}),
        duration_ms: Date.now() - started
      };
    }
    const runs: { run: IDabenchCandidateRun; seed: number; duration_ms: number }[] = [];
    for (let index = 0; index < thorough.candidates; index++) {
      if (signal.aborted) {
        break;
      }
      onProgress(`question ${question.id} candidate ${index + 1}/${thorough.candidates}`);
      const seed = thorough.seed + index;
      const candidateStarted = Date.now();
      const candidate = await run(`notebooks/${id}/candidate-${index + 1}/dabench-${id}.ipynb`, {
        temperature: thorough.temperature,
        seed
      });
      runs.push({ run: candidate, seed, duration_ms: Date.now() - candidateStarted });
    }
    const vote = voteOnAnswers(
      question.answers.map(([name]) => name),
      runs.map(({ run: candidate }) => ({ answers: candidate.answers, completed: candidate.outcome === 'completed' }))
    );
    const subAnswers = scoreDabench(question, vote.answers);
    const shown = runs[vote.voting[0] ?? 0]?.run;
    const completed = runs.some(({ run: candidate }) => candidate.outcome === 'completed');
    const failed = runs.every(({ run: candidate }) => candidate.error);
    return {
      ...base,
      ...(shown ? { notebook: local(shown.path) } : {}),
      answer_source: vote.answers.size ? 'vote' : 'none',
      response: shown?.response ?? '',
      sub_answers: subAnswers,
      correct: subAnswers.every(verdict => verdict.correct),
      outcome: completed ? 'completed' : (shown?.outcome ?? 'stopped'),
      executions: runs.reduce((sum, { run: candidate }) => sum + candidate.executions, 0),
      tokens: runs.reduce(
        (sum, { run: candidate }) => ({
          prompt: sum.prompt + candidate.tokens.prompt,
          completion: sum.completion + candidate.tokens.completion
        }),
        { prompt: 0, completion: 0 }
      ),
      ...(failed && shown?.error ? { error: shown.error } : {}),
      candidates: runs.map(({ run: candidate, seed, duration_ms }, index) => ({
        index,
        seed,
        temperature: thorough.temperature,
        notebook: local(candidate.path),
        outcome: candidate.outcome,
        executions: candidate.executions,
        answer_source: candidate.answerSource,
        answers: Object.fromEntries(candidate.answers),
        voted: vote.voting.includes(index),
        tokens: candidate.tokens,
        ...(candidate.error ? { error: candidate.error } : {}),
        duration_ms
      })),
      votes: vote.votes,
      duration_ms: Date.now() - started
    };
  }
}
