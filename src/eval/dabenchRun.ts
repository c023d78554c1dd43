// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { AGENT_BUDGET_DEFINITIONS, SETTING_DEFINITIONS } from '../agent/settingDefinitions';
import { Agent } from '../agent/agent';
import type { AgentEvent } from '../agent/events';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ModelClient } from '../model/modelClient';
import { ModelError } from '../model/modelError';
import { HeadlessNotebook } from '../notebook/headlessNotebook';
import { JupyterConnection } from '../node/jupyterConnection';
import {
  dabenchAccuracy,
  dabenchPrompt,
  loadDabench,
  parseDabenchAnswers,
  scoreDabench,
  type IDabenchAccuracy,
  type IDabenchQuestion,
  type ISubAnswerVerdict
} from './dabench';
import type { IRunSummaryBase } from './evalSummary';
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
   * labelled names (`cell-output`), or `none`.
   */
  answer_source: 'response' | 'cell-output' | 'none';
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
  const showProgress = () =>
    bar?.update(results.records.length, results.records.filter(record => record.correct).length, undefined);
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
          const record = await Private.solve(question, connection, options, inside.signal, rootDir);
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
    data_dir: options.dataDir
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
   * Run one question in its own notebook and score the answer.
   */
  export async function solve(
    question: IDabenchQuestion,
    jupyter: JupyterConnection,
    options: IDabenchRunOptions,
    signal: AbortSignal,
    rootDir: string | undefined
  ): Promise<IDabenchRecord> {
    const started = Date.now();
    const folder = `notebooks/${question.id.replace(/[^\w.-]/g, '_')}`;
    const path = `${folder}/dabench-${question.id.replace(/[^\w.-]/g, '_')}.ipynb`;
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
    // A notebook left by a stopped run would be continued (its conversation is in it): start afresh.
    await jupyter.contents.delete(path).catch(() => undefined);
    const notebook = await HeadlessNotebook.open({ contents: jupyter.contents, sessions: jupyter.sessions, path });
    const tokens = { prompt: 0, completion: 0 };
    let response = '';
    try {
      await jupyter.contents.save(`${folder}/${question.fileName}`, {
        type: 'file',
        format: 'base64',
        content: readFileSync(table).toString('base64')
      });
      const agent = new Agent({
        model: options.model.client,
        target: notebook,
        tokenCounter: options.tokenCounter,
        contextWindowTokens: options.model.contextWindow,
        temperature: options.model.temperature ?? 0,
        protocol: options.agent?.protocol ?? SETTING_DEFINITIONS.protocol.default,
        maxAttempts: options.agent?.maxAttempts ?? SESSION.maxAttempts,
        cellTimeoutMs: options.agent?.cellTimeoutMs ?? SESSION.cellTimeoutMs,
        kernelStateTokens: options.agent?.kernelStateTokens ?? SESSION.kernelStateTokens
      });
      agent.events.connect((_: Agent, event: AgentEvent) => {
        if (event.type === 'model-response') {
          response = event.content;
          tokens.prompt += event.usage.promptTokens;
          tokens.completion += event.usage.completionTokens;
        }
      });
      let result: Agent.ITurnResult;
      try {
        result = await agent.run(dabenchPrompt(question), { signal });
      } finally {
        agent.dispose();
      }
      if (result.outcome === 'model-error' && result.modelErrorKind === 'unreachable') {
        // Not the question's fault: nothing is recorded, and --resume runs it again.
        throw new ModelError('unreachable', result.reason ?? 'The model endpoint cannot be reached.');
      }
      const fromResponse = parseDabenchAnswers(response);
      const named = (answers: Map<string, string>) =>
        question.answers.some(([name]) => [...answers.keys()].some(key => key.toLowerCase() === name.toLowerCase()));
      let source: IDabenchRecord['answer_source'] = 'none';
      let answers = new Map<string, string>();
      if (named(fromResponse)) {
        source = 'response';
        answers = fromResponse;
      } else {
        const fromOutput = parseDabenchAnswers(lastCellOutput(notebook));
        if (named(fromOutput)) {
          source = 'cell-output';
          answers = fromOutput;
        }
      }
      const subAnswers = scoreDabench(question, answers);
      const error =
        result.outcome === 'model-error'
          ? `The model failed: ${result.reason ?? result.modelErrorKind ?? 'unknown error'}`
          : undefined;
      return {
        ...base,
        notebook: rootDir ? join(rootDir, path) : path,
        answer_source: source,
        response,
        sub_answers: subAnswers,
        correct: subAnswers.every(verdict => verdict.correct),
        outcome: result.outcome,
        executions: result.executions,
        tokens,
        ...(error ? { error } : {}),
        duration_ms: Date.now() - started
      };
    } finally {
      await notebook.close(true);
    }
  }

  /**
   * The text the last code cell showed: its streams and the plain text of its results.
   */
  export function lastCellOutput(notebook: HeadlessNotebook): string {
    const cells = notebook.document.cells.filter(cell => cell.cell_type === 'code');
    const last = cells[cells.length - 1];
    if (!last || !Array.isArray(last.outputs)) {
      return '';
    }
    const join = (value: unknown) => (Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '');
    return (last.outputs as Record<string, unknown>[])
      .map(output =>
        output.output_type === 'stream'
          ? join(output.text)
          : join((output.data as Record<string, unknown> | undefined)?.['text/plain'])
      )
      .join('\n');
  }
}
