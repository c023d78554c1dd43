// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

import { datasetSourceHint, defaultDataFile, datasetFileName, isDatasetName, DATASET_NAMES } from '../eval/dataset';
import { runEvaluation, type IEvalRunOptions } from '../eval/evalRun';
import { ResultsFile } from '../eval/resultsFile';
import { formatSummaryTable } from '../eval/summaryTable';
import type { DatasetName } from '../eval/evalTask';
import { ModelError } from '../model/modelError';
import { ExitCode, UsageError } from './commonOptions';
import { UnreachableError } from '../node/jupyterConnection';

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
  'server-url': { type: 'string', multiple: true },
  token: { type: 'string', multiple: true },
  'cache-dir': { type: 'string' },
  'min-time-limit': { type: 'string' },
  'gt-time-limit-factor': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const;

/**
 * The values of the shared options, as `util.parseArgs` gives them.
 */
export type SharedValues = {
  [name in keyof typeof SHARED_OPTIONS]?: (typeof SHARED_OPTIONS)[name]['type'] extends 'boolean'
    ? boolean
    : (typeof SHARED_OPTIONS)[name] extends { multiple: true }
      ? string[]
      : string;
};

/**
 * The help lines of the shared options.
 */
export const SHARED_HELP = `  --dataset NAME              ${DATASET_NAMES.join(' | ')} (required)
  --data FILE                 the EvalPlus data file (.jsonl or .jsonl.gz); required, except in a
                              source checkout with ../shared/data/<file> next to it (the default there)
  --out DIR                   where results.jsonl, samples.jsonl and summary.json go
  --resume                    continue the run whose results are in --out
  --workers N                 parallel kernels in all (default: half the CPUs, at least 1, per server)
  --limit N                   only the first N tasks
  --server-url URL            a running Jupyter server (default: start a private one); repeat it, or
                              give a comma list, for several: the workers are spread over them
  --token TOKEN               its token (env JUPYTER_TOKEN); one for every server, or one per
                              --server-url in the same order
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
      `--data FILE is required for ${dataset}: download ${datasetFileName(dataset)} from ${datasetSourceHint(dataset)} and pass its path.`
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
 * A running Jupyter server named on the command line.
 */
export interface IServerValue {
  url: string;
  token: string;
}

/**
 * The Jupyter servers of `--server-url` (repeated, or comma lists) with their tokens.
 *
 * @param values - the shared options.
 * @param env - the environment (`JUPYTER_TOKEN` when no `--token` is given).
 * @returns the servers in order; none when no `--server-url` is given.
 * @throws {UsageError} when a URL is not one, or the tokens do not match the servers.
 */
export function parseServers(values: SharedValues, env: NodeJS.ProcessEnv = process.env): IServerValue[] {
  const urls = (values['server-url'] ?? []).flatMap(text => text.split(',')).map(text => text.trim());
  for (const url of urls) {
    if (!URL.canParse(url)) {
      throw new UsageError(`--server-url is not a URL: "${url}"`);
    }
  }
  const tokens = values.token ?? [];
  if (tokens.length > 1 && tokens.length !== urls.length) {
    throw new UsageError(
      `--token is given ${tokens.length} times for ${urls.length} servers: give one for all, or one per --server-url.`
    );
  }
  return urls.map((url, index) => ({ url, token: tokens[tokens.length > 1 ? index : 0] ?? env.JUPYTER_TOKEN ?? '' }));
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
    process.stderr.write(
      '\nStopping: finishing the tasks under way is skipped, finished ones are kept (Ctrl-C again to quit now).\n'
    );
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

/**
 * Parse a command's arguments, or answer `--help` and usage errors.
 *
 * @param argv - the arguments after the command's name.
 * @param parse - the command's parser (`util.parseArgs` with its options).
 * @param help - the command's help text.
 * @returns the parsed values, or the exit code when the command is over (help shown, or a
 * usage error printed with the help).
 */
export function parseCommandLine<T extends { help?: boolean }>(
  argv: string[],
  parse: (argv: string[]) => T,
  help: string
): T | ExitCode {
  let values: T;
  try {
    values = parse(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${help}`);
    return ExitCode.Usage;
  }
  if (values.help) {
    process.stdout.write(help);
    return ExitCode.Ok;
  }
  return values;
}

/**
 * Run an evaluation from the shared options (Ctrl-C stops it cleanly), print its summary table,
 * and turn the outcome into an exit code.
 *
 * @param command - the command's name, for error messages.
 * @param values - the shared options.
 * @param prepare - the rest of the run's options, checked (it may throw a usage error).
 * @returns the exit code: 0 when the run finished, 1 when it was stopped or failed, 2 for usage
 * errors, 3 when Jupyter or the model cannot be reached.
 */
export async function runEvaluationCommand(
  command: string,
  values: SharedValues,
  prepare: () =>
    | Pick<IEvalRunOptions, 'dataset' | 'dataFile' | 'outDir' | 'solver' | 'samples'>
    | Promise<Pick<IEvalRunOptions, 'dataset' | 'dataFile' | 'outDir' | 'solver' | 'samples'>>
): Promise<number> {
  try {
    // The shared numbers first: a bad value is the mistake to report, not what prepare() finds.
    const servers = parseServers(values);
    const workers = parsePositiveInt('--workers', values.workers, defaultWorkers() * Math.max(1, servers.length));
    const limit = parsePositiveInt('--limit', values.limit);
    const timeLimits = parseTimeLimits(values);
    const specific = await prepare();
    const summary = await withInterrupt(signal =>
      runEvaluation({
        ...specific,
        workers,
        limit,
        resume: !!values.resume,
        jupyter: { servers },
        cacheDir: values['cache-dir'],
        timeLimits,
        progress: process.stderr,
        signal
      })
    );
    process.stdout.write(formatSummaryTable(summary));
    process.stderr.write(`Results in ${specific.outDir}\n`);
    return summary.interrupted ? ExitCode.Failed : ExitCode.Ok;
  } catch (error) {
    const { code, message } = exitCodeOf(error);
    process.stderr.write(`code-interpreter ${command}: ${message}\n`);
    return code;
  }
}

/**
 * The time limits of test calls, from the shared options.
 *
 * @param values - the shared options.
 * @returns the limits given; the defaults apply to the others.
 * @throws {UsageError} when one is not a positive number.
 */
export function parseTimeLimits(values: SharedValues): NonNullable<IEvalRunOptions['timeLimits']> {
  return {
    minTimeLimit: parsePositiveNumber('--min-time-limit', values['min-time-limit']),
    gtTimeLimitFactor: parsePositiveNumber('--gt-time-limit-factor', values['gt-time-limit-factor'])
  };
}
