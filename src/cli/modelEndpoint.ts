// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { readFileSync } from 'node:fs';

import { ModelClient } from '../model/modelClient';
import { LocalModelProcess } from '../node/localModelProcess';
import { UsageError } from './commonOptions';

/**
 * Which model a command talks to, decided from its options and the environment before anything
 * starts: an endpoint that is named (`--base-url`, `OPENAI_BASE_URL`) wins; a key with no
 * endpoint means OpenAI; with neither, the embedded local model (the one a `--server-url`
 * server's extension serves, through its proxy, else one started for this command).
 */
export type ModelChoice =
  | { kind: 'endpoint'; baseURL: string; apiKey: string; model: string; contextSize?: number }
  | { kind: 'local'; model?: string; gguf?: string; contextSize?: number };

/**
 * The options that choose the model (for node's util.parseArgs).
 */
export const LOCAL_MODEL_OPTIONS = {
  'local-model': { type: 'string' },
  gguf: { type: 'string' },
  'context-size': { type: 'string' },
  'api-key-file': { type: 'string' }
} as const;

/**
 * The parsed options that choose the model.
 */
export interface IModelChoiceValues {
  'base-url'?: string;
  'api-key'?: string;
  'api-key-file'?: string;
  model?: string;
  'local-model'?: string;
  gguf?: string;
  'context-size'?: string;
}

/**
 * Help lines for the model options.
 */
export const MODEL_CHOICE_HELP = `Model (with no endpoint and no key, the embedded local model is used):
  --base-url URL       an OpenAI-compatible endpoint (env OPENAI_BASE_URL)
  --api-key KEY        its key (a key alone means OpenAI); a key on the command line is
                       readable by every user of the machine in \`ps\`: prefer the environment
                       (OPENAI_API_KEY) or --api-key-file
  --api-key-file PATH  read the key from this file (its first line)
  --model NAME         the model (env CODE_INTERPRETER_MODEL; required with an endpoint)
  --local-model NAME   the embedded model: 1.5b or 0.5b (default: the installed one; 1.5b when both
                       are); with --server-url, the one that server's extension serves is used,
                       through its proxy (never a second model)
  --gguf PATH          serve this GGUF file as the local model instead
  --context-size N     the context window in tokens: the local model's (default 8192), or an
                       endpoint's where it does not say itself (Ollama's num_ctx, say)`;

/**
 * The key in a key file: its first line, blanks around it removed.
 *
 * @param path - the file, if one was named.
 * @returns the key, or undefined when no file was named.
 * @throws {UsageError} when the file cannot be read or holds no key.
 */
function readKeyFile(path: string | undefined): string | undefined {
  if (path === undefined) {
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--api-key-file: cannot read ${path}: ${(error as Error).message}`);
  }
  const key = text.split(/\r?\n/)[0].trim();
  if (!key) {
    throw new UsageError(`--api-key-file: ${path} holds no key on its first line`);
  }
  return key;
}

/**
 * Choose the model from the options and the environment.
 *
 * @param values - the parsed options.
 * @param env - the environment.
 * @returns the choice.
 * @throws {UsageError} when an endpoint is named without a model, or an option is malformed.
 */
export function chooseModel(values: IModelChoiceValues, env: NodeJS.ProcessEnv = process.env): ModelChoice {
  const localModel = values['local-model'];
  if (localModel !== undefined && localModel !== '1.5b' && localModel !== '0.5b') {
    throw new UsageError(`--local-model must be 1.5b or 0.5b, not "${localModel}"`);
  }
  let contextSize: number | undefined;
  if (values['context-size'] !== undefined) {
    contextSize = Number(values['context-size']);
    if (!Number.isInteger(contextSize) || contextSize < 512) {
      throw new UsageError(`--context-size must be a whole number of at least 512, not "${values['context-size']}"`);
    }
  }
  const apiKey = values['api-key'] ?? readKeyFile(values['api-key-file']) ?? env.OPENAI_API_KEY ?? '';
  const named = values['base-url'] ?? env.OPENAI_BASE_URL;
  const wantsLocal = localModel !== undefined || values.gguf !== undefined;
  if (!wantsLocal && (named || apiKey)) {
    const baseURL = named || 'https://api.openai.com/v1';
    try {
      new URL(baseURL);
    } catch {
      throw new UsageError(`--base-url is not a URL: ${baseURL}`);
    }
    const model = values.model ?? env.CODE_INTERPRETER_MODEL;
    if (!model) {
      throw new UsageError(`No model given for ${baseURL}: pass --model NAME or set CODE_INTERPRETER_MODEL.`);
    }
    return { kind: 'endpoint', baseURL, apiKey, model, contextSize };
  }
  return { kind: 'local', model: localModel, gguf: values.gguf, contextSize };
}

/**
 * A model ready to be asked, and what must be stopped with the command.
 */
export interface IOpenModel {
  /**
   * The client.
   */
  client: ModelClient;

  /**
   * The model's context window, where it is known.
   */
  contextWindow?: number;

  /**
   * Stop what was started for this command (the local model server). Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Open the chosen model: a client for an endpoint, the proxy of a Jupyter server's extension, or
 * a local model server started for this command.
 *
 * @param choice - the choice.
 * @param options - the Jupyter server the command uses, a progress callback and a stop signal.
 * @returns the model.
 * @throws {LocalModelError} when the local model cannot start.
 */
export async function openModel(
  choice: ModelChoice,
  options: {
    server?: { url: string; token: string };
    python?: string;
    onProgress?: (progress: LocalModelProcess.IProgress) => void;
    signal?: AbortSignal;
  } = {}
): Promise<IOpenModel> {
  if (choice.kind === 'endpoint') {
    const client = new ModelClient({ baseURL: choice.baseURL, apiKey: choice.apiKey, model: choice.model });
    // What the endpoint says wins; the option covers endpoints that do not say.
    const contextWindow = (await client.contextWindow(options.signal)) ?? choice.contextSize;
    return { client, contextWindow, close: async () => undefined };
  }
  if (options.server) {
    // The server's own model, through its extension's proxy: one model on the machine.
    const client = new ModelClient({
      baseURL: `${options.server.url.replace(/\/?$/, '/')}code-interpreter/v1`,
      apiKey: options.server.token,
      model: choice.model ?? 'local'
    });
    return { client, contextWindow: await client.contextWindow(options.signal), close: async () => undefined };
  }
  const server = await LocalModelProcess.start({
    model: choice.model,
    gguf: choice.gguf,
    contextSize: choice.contextSize,
    python: options.python,
    onProgress: options.onProgress,
    signal: options.signal
  });
  const { endpoint } = server;
  return {
    client: new ModelClient({ baseURL: endpoint.baseURL, apiKey: endpoint.apiKey, model: endpoint.model }),
    contextWindow: endpoint.contextSize,
    close: () => server.stop()
  };
}

/**
 * A progress line for the local model's start, for a terminal.
 *
 * @param progress - the launcher's progress.
 * @returns the line.
 */
export function describeLocalModelProgress(progress: LocalModelProcess.IProgress): string {
  const percent = progress.total > 0 ? ` ${Math.floor((100 * progress.done) / progress.total)}%` : '';
  const stage = { assembling: 'assembling the weights', verifying: 'verifying the weights', loading: 'loading' }[
    progress.stage
  ];
  return `● local model: ${stage}${percent}`;
}
