// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { Agent } from '../agent/agent';

/**
 * A command-line usage error (exit code 2).
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The exit codes of every command.
 */
export enum ExitCode {
  Ok = 0,
  Failed = 1,
  Usage = 2,
  Unreachable = 3,
  /**
   * The model answered, but its answer states figures no cell's output shows, or it ran no code
   * for a question about data.
   */
  Unverified = 4
}

/**
 * The options every command that talks to a model takes (for node's util.parseArgs).
 */
export const MODEL_OPTIONS = {
  'base-url': { type: 'string' },
  'api-key': { type: 'string' },
  model: { type: 'string' }
} as const;

/**
 * The options every command that runs code takes.
 */
export const JUPYTER_OPTIONS = {
  'server-url': { type: 'string' },
  token: { type: 'string' },
  kernel: { type: 'string' },
  python: { type: 'string' }
} as const;

/**
 * Help lines for JUPYTER_OPTIONS.
 */
export const JUPYTER_OPTIONS_HELP = `Jupyter:
  --server-url URL     use this running Jupyter server (default: start a private one on loopback)
  --token TOKEN        its token (env JUPYTER_TOKEN)
  --kernel NAME        kernel to start (default python3)
  --python PATH        the Python with jupyter_server for a private server
                       (env CODE_INTERPRETER_PYTHON; default python3)`;

/**
 * The exit code of a turn's outcome.
 *
 * @param result - how the turn ended.
 * @returns 0 grounded, 130 stopped, 4 unverified, 3 the model unreachable, else 1.
 */
export function exitCodeOfTurn(result: Agent.ITurnResult): number {
  if (result.outcome === 'completed') {
    return ExitCode.Ok;
  }
  if (result.outcome === 'stopped') {
    return 130;
  }
  if (result.outcome === 'unverified') {
    return ExitCode.Unverified;
  }
  if (result.outcome === 'model-error' && result.modelErrorKind === 'unreachable') {
    return ExitCode.Unreachable;
  }
  return ExitCode.Failed;
}
