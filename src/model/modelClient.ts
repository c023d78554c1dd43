// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';

import type { ChatMessage } from '../conversation/conversationRecord';
import { ModelError } from './modelError';
import { SpecialTokenFilter, neutralizeMessages, removeSpecialTokens } from './specialTokens';

/**
 * A tool call the model made, its arguments as the raw JSON text it wrote.
 */
export interface IToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * A complete answer of the model.
 */
export interface IModelResponse {
  /**
   * The text, special tokens removed.
   */
  content: string;

  /**
   * The tool calls, arguments reassembled from the stream.
   */
  toolCalls: IToolCall[];

  /**
   * Why the model stopped (`stop`, `tool_calls`, `length`...).
   */
  finishReason: string | null;

  /**
   * Token counts as the endpoint reported them (0 when it did not).
   */
  usage: IModelUsage;

  /**
   * Whether the client cut the answer short (`IStreamOptions.cutAt`); the rest was never read.
   */
  cut?: boolean;
}

/**
 * What a request cost, as the endpoint reported it.
 */
export interface IModelUsage {
  /**
   * Prompt tokens sent (`usage.prompt_tokens`).
   */
  promptTokens: number;

  /**
   * Tokens generated.
   */
  completionTokens: number;

  /**
   * Prompt tokens the server had to process, where it says (llama.cpp's `timings.prompt_n`): the
   * rest came from its prompt cache.
   */
  processedPromptTokens?: number;

  /**
   * Prompt tokens taken from the server's cache (llama.cpp's `timings.cache_n`, OpenAI's
   * `prompt_tokens_details.cached_tokens`).
   */
  cachedPromptTokens?: number;

  /**
   * Milliseconds from sending the request to the first token of the answer, measured here.
   */
  timeToFirstTokenMs?: number;
}

/**
 * A request to the model.
 */
export interface IModelRequest {
  messages: ChatMessage[];
  tools?: ChatCompletionTool[];
  temperature?: number;
  maxTokens?: number;
  /**
   * Fields the endpoint understands beyond OpenAI's (llama.cpp's `cache_prompt`, say).
   */
  extraBody?: Record<string, unknown>;
}

/**
 * Streams chat completions from any OpenAI-compatible endpoint through the openai SDK.
 *
 * The SDK retries 408/409/429/5xx and connection failures with backoff before a stream starts;
 * this class adds what streaming needs on top: tool-call arguments reassembled from deltas,
 * special tokens removed as text arrives, and an answer cut off midway detected (no finish
 * reason) so the caller can retry it.
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
    const filter = new SpecialTokenFilter();
    let content = '';
    const calls = new Map<number, IToolCall>();
    let finishReason: string | null = null;
    let usage: IModelUsage = { promptTokens: 0, completionTokens: 0 };
    let cut = false;
    const sentAt = Date.now();
    let firstTokenAt: number | undefined;
    const emit = (text: string) => {
      if (!text || cut) {
        return;
      }
      firstTokenAt ??= Date.now();
      const cutAt = options.cutAt?.(content + text);
      if (cutAt !== undefined) {
        cut = true;
        text = (content + text).slice(content.length, Math.max(cutAt, content.length));
      }
      if (text) {
        content += text;
        options.onDelta?.(text);
      }
    };
    const onChunk = (chunk: ChatCompletionChunk): void => {
      if (chunk.usage) {
        usage = {
          ...usage,
          promptTokens: chunk.usage.prompt_tokens ?? 0,
          completionTokens: chunk.usage.completion_tokens ?? 0,
          cachedPromptTokens: chunk.usage.prompt_tokens_details?.cached_tokens ?? usage.cachedPromptTokens
        };
      }
      const timings = (chunk as Private.IChunkWithTimings).timings;
      if (timings && typeof timings.prompt_n === 'number') {
        usage = { ...usage, processedPromptTokens: timings.prompt_n, cachedPromptTokens: timings.cache_n ?? 0 };
      }
      const choice = chunk.choices?.[0];
      if (!choice) {
        return;
      }
      if (choice.delta?.content) {
        emit(filter.push(choice.delta.content));
      }
      Private.mergeToolCallDeltas(calls, choice.delta?.tool_calls);
      if (choice.finish_reason) {
        finishReason = choice.finish_reason;
      }
    };
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
          onChunk(chunk);
          if (cut) {
            // Leaving the loop closes the stream: the server stops generating what would be dropped.
            finishReason = 'stop';
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
    emit(filter.flush());
    usage.timeToFirstTokenMs = firstTokenAt !== undefined ? firstTokenAt - sentAt : undefined;
    if (finishReason === null) {
      throw new ModelError('stream-interrupted', "The model's answer was cut off before it finished.");
    }
    return {
      content: removeSpecialTokens(content),
      toolCalls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
      finishReason,
      usage,
      ...(cut ? { cut } : {})
    };
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
   * The model's context window in tokens, where the endpoint says: llama.cpp's `/props` (beside
   * `/v1`; the JupyterLab proxy answers there too, as `context_window`), or vLLM's
   * `max_model_len` in `/v1/models`. Ollama reports only the trained length, not the runtime
   * `num_ctx`, so it is not taken: set the window by hand there.
   *
   * @param signal - stops the look-up.
   * @returns the window, or `undefined` when the endpoint does not say.
   */
  async contextWindow(signal?: AbortSignal): Promise<number | undefined> {
    const base = this.baseURL.replace(/\/+$/, '');
    const headers = { Authorization: `Bearer ${this._apiKey || 'no-key'}` };
    const read = async (url: string): Promise<unknown> => {
      try {
        const response = await (this._fetch ?? fetch)(url, { headers, signal });
        return response.ok ? await response.json() : undefined;
      } catch {
        return undefined;
      }
    };
    const props = (await read(`${base.replace(/\/v1$/, '')}/props`)) as Private.IProps | undefined;
    const fromProps = props?.context_window ?? props?.default_generation_settings?.n_ctx ?? props?.n_ctx;
    if (typeof fromProps === 'number' && fromProps > 0) {
      return fromProps;
    }
    const models = (await read(`${base}/models`)) as { data?: { id?: string; max_model_len?: number }[] } | undefined;
    const entry = models?.data?.find(model => model.id === this.model) ?? models?.data?.[0];
    return typeof entry?.max_model_len === 'number' && entry.max_model_len > 0 ? entry.max_model_len : undefined;
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

namespace Private {
  /**
   * What `/props` says of the context: llama.cpp's shape, or the JupyterLab proxy's.
   */
  export interface IProps {
    context_window?: number | null;
    n_ctx?: number;
    default_generation_settings?: { n_ctx?: number };
  }

  /**
   * llama.cpp's server adds `timings` to the last chunk of a stream.
   */
  export interface IChunkWithTimings {
    timings?: { prompt_n?: number; cache_n?: number };
  }

  type ToolCallDelta = NonNullable<ChatCompletionChunk.Choice.Delta['tool_calls']>[number];

  /**
   * Add streamed tool-call pieces to the calls so far: the first piece of a call carries its id
   * and name, later pieces (same index) carry more of its arguments.
   */
  export function mergeToolCallDeltas(calls: Map<number, IToolCall>, deltas: ToolCallDelta[] | undefined): void {
    for (const delta of deltas ?? []) {
      const index = delta.index ?? calls.size;
      const call = calls.get(index) ?? { id: '', name: '', arguments: '' };
      if (delta.id) {
        call.id = delta.id;
      }
      if (delta.function?.name) {
        call.name += delta.function.name;
      }
      if (delta.function?.arguments) {
        call.arguments += delta.function.arguments;
      }
      calls.set(index, call);
    }
    for (const [index, call] of calls) {
      if (!call.id) {
        // Some servers (older llama.cpp, Ollama) send no id; the tool result still needs one.
        call.id = `call_${index}`;
      }
    }
  }
}
