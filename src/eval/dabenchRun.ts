// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { resolve } from 'node:path';

import { AGENT_BUDGET_DEFINITIONS, SETTING_DEFINITIONS } from '../agent/settingDefinitions';
import { JupyterConnection } from '../node/jupyterConnection';
import { runDabenchQuestion, type IDabenchQuestionOptions } from './dabenchQuestionRun';
import { loadDabench } from './dabench';
import { summarizeDabench, type IDabenchRecord, type IDabenchSummary } from './dabenchSummary';
import { ProgressBar } from './progressBar';
import { ResultsFile } from './resultsFile';

/**
 * What a DABench run needs.
 */
export interface IDabenchRunOptions extends IDabenchQuestionOptions {
  outDir: string;
  workers: number;
  /**
   * Only the first N questions.
   */
  limit?: number;
  resume: boolean;
  jupyter: { serverUrl?: string; token?: string; python?: string };
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
          const record = await runDabenchQuestion(question, connection, options, inside.signal, rootDir, showProgress);
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
  const summary = summarizeDabench(records, {
    model: options.model.client.model,
    total: questions.length,
    wall: previousWall + (Date.now() - started) / 1000,
    workers: options.workers,
    interrupted: !!options.signal?.aborted || records.length < questions.length,
    maxAttempts,
    kernelStateTokens,
    dataDir: options.dataDir,
    ...(options.thorough ? { thorough: options.thorough } : {})
  });
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
}
