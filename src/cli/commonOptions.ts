// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { ModelClient } from '../model/modelClient';

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
  Unreachable = 3
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
 * Help lines for MODEL_OPTIONS.
 */
export const MODEL_OPTIONS_HELP = `Model:
  --base-url URL       OpenAI-compatible endpoint (env OPENAI_BASE_URL; default https://api.openai.com/v1)
  --api-key KEY        API key (env OPENAI_API_KEY; may be empty for local servers)
  --model NAME         model name (env CODE_INTERPRETER_MODEL)`;

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
 * Build the model client from the options and the environment.
 *
 * @param values - parsed MODEL_OPTIONS.
 * @param env - the environment.
 * @returns the client.
 * @throws {UsageError} when no model is named.
 */
export function modelClientFrom(
  values: { 'base-url'?: string; 'api-key'?: string; model?: string },
  env: NodeJS.ProcessEnv = process.env
): ModelClient {
  const model = values.model ?? env.CODE_INTERPRETER_MODEL;
  if (!model) {
    throw new UsageError('No model given: pass --model NAME or set CODE_INTERPRETER_MODEL.');
  }
  const baseURL = values['base-url'] ?? env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  try {
    new URL(baseURL);
  } catch {
    throw new UsageError(`--base-url is not a URL: ${baseURL}`);
  }
  return new ModelClient({ baseURL, apiKey: values['api-key'] ?? env.OPENAI_API_KEY ?? '', model });
}
