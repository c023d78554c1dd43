// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import OpenAI from 'openai';

import { lookUpContextWindow } from './contextWindowLookup';
import { ModelError } from './modelError';
import type { IModelRequest, IModelResponse } from './modelResponse';
import { neutralizeMessages } from './specialTokens';
import { StreamedAnswer } from './streamedAnswer';

// The request and answer types live in modelResponse.ts; they are exported from here too, where
// the agent, the harness and the sidebar have always imported them.
export type { IModelRequest, IModelResponse, IModelUsage, IToolCall } from './modelResponse';

/**
 * Streams chat completions from any OpenAI-compatible endpoint through the openai SDK.
 *
 * The SDK retries 408/409/429/5xx and connection failures with backoff before a stream starts;
 * this class adds what streaming needs on top: the answer assembled as it arrives
 * (`StreamedAnswer`: tool-call arguments reassembled from deltas, special tokens removed), a
 * stream that goes quiet ended, and an answer cut off midway detected (no finish reason) so the
 * caller can retry it.
 */
export class ModelClient {
  /**
   * Construct a client.
   *
   * @param options - the endpoint, key and model.
   */
  constructor(options: ModelClient.IOptions) {
    this.model = options.model;
    this.baseURL = options.baseURL;
    this._apiKey = options.apiKey;
    this._clientOptions = options;
    this._fetch = options.fetch;
    this._maxOutputTokens = options.maxOutputTokens ?? ModelClient.DEFAULT_MAX_OUTPUT_TOKENS;
    this._idleTimeoutMs = options.idleTimeoutMs ?? ModelClient.DEFAULT_IDLE_TIMEOUT_MS;
    this._outputTokensField = options.outputTokensField ?? ModelClient.outputTokensFieldFor(options.baseURL);
    this._openai = new OpenAI({
      baseURL: options.baseURL,
      // Local servers (Ollama, llama.cpp) need no key, but the SDK wants one.
      apiKey: options.apiKey || 'no-key',
      maxRetries: options.maxRetries ?? 3,
      timeout: options.timeoutMs ?? 600_000,
      fetch: options.fetch,
      dangerouslyAllowBrowser: true,
      defaultHeaders: options.headers
    });
  }

  /**
   * The model name sent with each request.
   */
  readonly model: string;

  /**
   * The endpoint's base URL.
   */
  readonly baseURL: string;

  /**
   * Ask the model and stream its answer.
   *
   * @param request - messages and tools.
   * @param options - a callback for text as it arrives, and a stop signal.
   * @returns the complete answer.
   * @throws {ModelError} when the endpoint fails, refuses, or the answer is cut off.
   */
  async stream(request: IModelRequest, options: ModelClient.IStreamOptions = {}): Promise<IModelResponse> {
    const hadTools = !!request.tools?.length;
    const answer = new StreamedAnswer({ onDelta: options.onDelta, cutAt: options.cutAt });
    let idle = false;
    const idleMs = this._idleTimeoutMs;
    // A signal of this request's own: the SDK leaves a listener on the signal it is given, and a
    // turn's signal lives through many requests.
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    if (options.signal?.aborted) {
      controller.abort();
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Every request caps its answer: a model that never stops must not stream for ever.
      const maxTokens = request.maxTokens ?? this._maxOutputTokens;
      const stream = await this._openai.chat.completions.create(
        {
          model: this.model,
          // The one place every request passes: data, outputs, file heads, cell text and the
          // user's prompt reach the model with their special tokens broken (docs/security.md).
          messages: neutralizeMessages(request.messages),
          ...(hadTools ? { tools: request.tools } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(maxTokens > 0 ? { [this._outputTokensField]: maxTokens } : {}),
          ...request.extraBody,
          stream: true,
          stream_options: { include_usage: true }
        },
        { signal: controller.signal }
      );
      // The SDK's timeout ends once the headers arrive; a stream that then sends nothing for
      // idleTimeoutMs is ended here.
      let idleTimer: ReturnType<typeof setTimeout> | undefined;
      const armIdle = () => {
        if (idleMs > 0) {
          clearTimeout(idleTimer);
          idleTimer = setTimeout(() => {
            idle = true;
            controller.abort();
          }, idleMs);
        }
      };
      armIdle();
      try {
        for await (const chunk of stream) {
          armIdle();
          answer.push(chunk);
          if (answer.cut) {
            // Leaving the loop closes the stream: the server stops generating what would be dropped.
            break;
          }
        }
      } finally {
        clearTimeout(idleTimer);
      }
      if (idle) {
        // The SDK may end the iteration quietly when its signal aborts.
        throw new Error('idle');
      }
    } catch (error) {
      if (idle && !options.signal?.aborted) {
        throw new ModelError(
          'stream-interrupted',
          `The model sent nothing for ${Math.round(idleMs / 1000)} s; the request was ended.`
        );
      }
      throw ModelError.from(error, this, hadTools);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    const response = answer.finish();
    if (response.finishReason === null) {
      throw new ModelError('stream-interrupted', "The model's answer was cut off before it finished.");
    }
    return response;
  }

  /**
   * A client of the same endpoint, with the same key, for another model.
   *
   * @param model - the other model's name.
   * @returns the client.
   */
  withModel(model: string): ModelClient {
    return new ModelClient({ ...this._clientOptions, model });
  }

  /**
   * The model's context window in tokens, where the endpoint says (`lookUpContextWindow`:
   * llama.cpp's or the JupyterLab proxy's `/props`, vLLM's `/v1/models`; not Ollama).
   *
   * @param signal - stops the look-up.
   * @returns the window, or `undefined` when the endpoint does not say.
   */
  async contextWindow(signal?: AbortSignal): Promise<number | undefined> {
    return lookUpContextWindow(
      { baseURL: this.baseURL, apiKey: this._apiKey, model: this.model, fetch: this._fetch },
      signal
    );
  }

  private _openai: OpenAI;
  private _maxOutputTokens: number;
  private _idleTimeoutMs: number;
  private _outputTokensField: 'max_tokens' | 'max_completion_tokens';
  private _apiKey: string;
  private _clientOptions: ModelClient.IOptions;
  private _fetch: typeof fetch | undefined;
}

/**
 * The namespace for `ModelClient` statics.
 */
export namespace ModelClient {
  /**
   * The longest answer a request asks for when its caller names no limit, in tokens.
   */
  export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

  /**
   * How long a stream may send nothing before it is ended, in milliseconds (a local model on a
   * slow CPU reading a long prompt sends its first token after a minute or two).
   */
  export const DEFAULT_IDLE_TIMEOUT_MS = 180_000;

  /**
   * The field an endpoint reads the answer's length limit from: OpenAI's own API wants
   * `max_completion_tokens` (its reasoning models refuse `max_tokens`); other servers read
   * `max_tokens`.
   *
   * @param baseURL - the endpoint.
   * @returns the field's name.
   */
  export function outputTokensFieldFor(baseURL: string): 'max_tokens' | 'max_completion_tokens' {
    try {
      const host = new URL(baseURL).hostname;
      return host === 'api.openai.com' || host.endsWith('.openai.azure.com') ? 'max_completion_tokens' : 'max_tokens';
    } catch {
      return 'max_tokens';
    }
  }

  /**
   * The options of a client.
   */
  export interface IOptions {
    /**
     * The endpoint, such as `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`.
     */
    baseURL: string;

    /**
     * The API key; may be empty for local servers.
     */
    apiKey: string;

    /**
     * The model name.
     */
    model: string;

    /**
     * Retries of a failed request (429, 5xx, connection), with backoff. Default 3.
     */
    maxRetries?: number;

    /**
     * Time limit of one request in milliseconds. Default 10 minutes.
     */
    timeoutMs?: number;

    /**
     * The fetch to use (JupyterLab passes one that adds its token and XSRF headers).
     */
    fetch?: typeof fetch;

    /**
     * Headers sent with every request.
     */
    headers?: Record<string, string>;

    /**
     * The answer's length limit when a request names none (`IModelRequest.maxTokens`); 0 sends
     * none. Default `DEFAULT_MAX_OUTPUT_TOKENS`.
     */
    maxOutputTokens?: number;

    /**
     * The field the limit goes in; default `outputTokensFieldFor(baseURL)`.
     */
    outputTokensField?: 'max_tokens' | 'max_completion_tokens';

    /**
     * How long a stream may send nothing (before its first chunk or between two) before it is
     * ended with a `stream-interrupted` error, in milliseconds; 0: no limit. Default
     * `DEFAULT_IDLE_TIMEOUT_MS`.
     */
    idleTimeoutMs?: number;
  }

  /**
   * Options of one streamed request.
   */
  export interface IStreamOptions {
    /**
     * Called with each piece of text as it arrives.
     */
    onDelta?: (text: string) => void;

    /**
     * Aborting it stops the request.
     */
    signal?: AbortSignal;

    /**
     * Called with the answer so far; a number cuts the answer to that length and ends the
     * request there (the text protocol stops after the first code block this way).
     */
    cutAt?: (content: string) => number | undefined;
  }
}
