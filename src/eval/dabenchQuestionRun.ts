// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { candidateSampling } from '../agent/candidateSampling';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Agent } from '../agent/agent';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ModelClient } from '../model/modelClient';
import type { JupyterConnection } from '../node/jupyterConnection';
import { voteIsSettled, voteOnAnswers } from '../agent/answerVote';
import { runDabenchCandidate, type IDabenchCandidateRun } from './dabenchCandidate';
import { scoreDabench, type IDabenchQuestion } from './dabench';
import type { IDabenchRecord } from './dabenchSummary';

/**
 * What running one DABench question needs.
 */
export interface IDabenchQuestionOptions {
  /**
   * The folder with questions.jsonl, labels.jsonl and tables/.
   */
  dataDir: string;
  model: { client: ModelClient; contextWindow?: number; temperature?: number };
  /**
   * The agent's settings, as a session's: default those of `code-interpreter run`.
   */
  agent?: Pick<Agent.IOptions, 'maxAttempts' | 'cellTimeoutMs' | 'kernelStateTokens' | 'protocol'>;
  tokenCounter?: ITokenCounter;
  /**
   * The thorough effort: K runs of the agent per question, the first greedy, the others sampled, with seeds seed + i, their
   * answers put to a vote; omitted for `fast` (one greedy run).
   */
  thorough?: { candidates: number; temperature: number; seed: number };
}

/**
 * Run one question: once in `notebooks/<id>/` (fast), or K times each in
 * `notebooks/<id>/candidate-<i>/` with its own kernel and copy of the table (thorough), the
 * candidates' answers then put to a vote; and score the answer.
 *
 * @param question - the question.
 * @param jupyter - the Jupyter server the notebooks and kernels are made on.
 * @param options - the data folder, the model, the agent's settings and the effort.
 * @param signal - stops the question's runs.
 * @param rootDir - the private server's root, to give the notebooks' local paths; `undefined`
 *   with a server of the user's.
 * @param onProgress - shown as each candidate starts.
 * @returns the question's record (a missing table or a failed run recorded as its error).
 */
export async function runDabenchQuestion(
  question: IDabenchQuestion,
  jupyter: JupyterConnection,
  options: IDabenchQuestionOptions,
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
  const runs: { run: IDabenchCandidateRun; seed: number; temperature: number; duration_ms: number }[] = [];
  const names = question.answers.map(([name]) => name);
  const voters = (done: typeof runs) =>
    done.map(({ run: candidate }) => ({ answers: candidate.answers, completed: candidate.outcome === 'completed' }));
  for (let index = 0; index < thorough.candidates; index++) {
    if (signal.aborted) {
      break;
    }
    onProgress(`question ${question.id} candidate ${index + 1}/${thorough.candidates}`);
    const sampling = candidateSampling(index, thorough);
    const candidateStarted = Date.now();
    const candidate = await run(`notebooks/${id}/candidate-${index + 1}/dabench-${id}.ipynb`, sampling);
    runs.push({ run: candidate, ...sampling, duration_ms: Date.now() - candidateStarted });
    if (voteIsSettled(names, voters(runs), thorough.candidates - runs.length)) {
      // The candidates to come could not change the vote: they need not run.
      break;
    }
  }
  const vote = voteOnAnswers(names, voters(runs));
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
    candidates: runs.map(({ run: candidate, seed, temperature, duration_ms }, index) => ({
      index,
      seed,
      temperature,
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
