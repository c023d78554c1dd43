// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

import { ExitCode, UnreachableError, UsageError } from '../cli/commonOptions';
import { ModelError } from '../model/modelError';
import { datasetSourceHint, defaultDataFile, datasetFileName, isDatasetName, DATASET_NAMES } from './dataset';
import { ResultsFile } from './resultsFile';
import type { DatasetName } from './tokens';

export { ExitCode, UsageError };

/**
 * The options `eval` and `evaluate` share, as node's `util.parseArgs` takes them.
 */
export const SHARED_OPTIONS = {
  dataset: { type: 'string' },
  data: { type: 'string' },
  out: { type: 'string' },
  workers: { type: 'string' },
  limit: { type: 'string' },
  resume: { type: 'boolean' },
  'server-url': { type: 'string' },
  token: { type: 'string' },
  'cache-dir': { type: 'string' },
  'min-time-limit': { type: 'string' },
  'gt-time-limit-factor': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const;

/**
 * The help lines of the shared options.
 */
export const SHARED_HELP = `  --dataset NAME              ${DATASET_NAMES.join(' | ')} (required)
  --data FILE                 the EvalPlus data file (.jsonl or .jsonl.gz); default the copy in
                              ../shared/data next to this package, when there is one
  --out DIR                   where results.jsonl, samples.jsonl and summary.json go
  --resume                    continue the run whose results are in --out
  --workers N                 parallel kernels (default: half the CPUs, at least 1)
  --limit N                   only the first N tasks
  --server-url URL            a running Jupyter server (default: start a private one)
  --token TOKEN               its token
  --cache-dir DIR             where expected outputs are cached (default ~/.cache/jupyterlab-code-interpreter/eval)
  --min-time-limit SECONDS    the least time a test call gets (default 1, as EvalPlus)
  --gt-time-limit-factor X    a test call gets X times the reference solution's time (default 4, as EvalPlus)
  -h, --help                  show this help`;

/**
 * The dataset option, checked.
 *
 * @param value - `--dataset`.
 * @returns the dataset.
 * @throws {UsageError} when missing or unknown.
 */
export function parseDataset(value: string | undefined): DatasetName {
  if (!value) {
    throw new UsageError(`--dataset is required (${DATASET_NAMES.join(', ')}).`);
  }
  if (!isDatasetName(value)) {
    throw new UsageError(`Unknown dataset "${value}": use ${DATASET_NAMES.join(', ')}.`);
  }
  return value;
}

/**
 * The data file: `--data`, or the shared copy.
 *
 * @param dataset - the dataset.
 * @param value - `--data`.
 * @returns an existing file.
 * @throws {UsageError} when there is none, saying where to get it.
 */
export function resolveDataFile(dataset: DatasetName, value: string | undefined): string {
  if (value) {
    if (!existsSync(value)) {
      throw new UsageError(`The data file ${value} does not exist.`);
    }
    return value;
  }
  const found = defaultDataFile(dataset);
  if (!found) {
    throw new UsageError(
      `No data file for ${dataset}: download ${datasetFileName(dataset)} from ${datasetSourceHint(dataset)} and pass it with --data FILE.`
    );
  }
  return found;
}

/**
 * A positive integer option.
 *
 * @param name - the option's name, for the message.
 * @param value - its text.
 * @param fallback - the value when omitted.
 * @returns the number.
 * @throws {UsageError} when it is not a positive integer.
 */
export function parsePositiveInt(name: string, value: string | undefined, fallback: number): number;
export function parsePositiveInt(name: string, value: string | undefined, fallback?: undefined): number | undefined;
export function parsePositiveInt(name: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) {
    return fallback;
  }
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new UsageError(`${name} must be a positive integer, not "${value}".`);
  }
  return parsed;
}

/**
 * A positive number option.
 *
 * @param name - the option's name, for the message.
 * @param value - its text.
 * @returns the number, or `undefined` when omitted.
 * @throws {UsageError} when it is not a positive number.
 */
export function parsePositiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new UsageError(`${name} must be a positive number, not "${value}".`);
  }
  return parsed;
}

/**
 * The default number of workers: half the CPUs, as EvalPlus.
 *
 * @returns at least 1.
 */
export function defaultWorkers(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/**
 * Run a command's work with Ctrl-C wired to an AbortSignal: the first SIGINT stops the run
 * cleanly (finished tasks are kept), a second one exits at once.
 *
 * @param work - the work, given the signal.
 * @returns what the work returns.
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      process.exit(130);
    }
    process.stderr.write('\nStopping: finishing the tasks under way is skipped, finished ones are kept (Ctrl-C again to quit now).\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * The exit code and message of an error that ended a command.
 *
 * @param error - what was thrown.
 * @returns the code, and the one-line message to print on stderr.
 */
export function exitCodeOf(error: unknown): { code: number; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError || error instanceof ResultsFile.ExistsError) {
    return { code: ExitCode.Usage, message };
  }
  if (error instanceof UnreachableError) {
    return { code: ExitCode.Unreachable, message };
  }
  if (error instanceof ModelError && error.kind === 'unreachable') {
    return { code: ExitCode.Unreachable, message };
  }
  return { code: ExitCode.Failed, message };
}
