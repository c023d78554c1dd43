// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError
} from 'openai';

/**
 * What kind of failure a model request met.
 *
 * - `auth`: the key was refused (401/403).
 * - `not-found`: the endpoint or the model does not exist (404).
 * - `unreachable`: no connection to the endpoint.
 * - `rate-limit`: 429 after retries.
 * - `server`: 5xx after retries.
 * - `bad-request`: the endpoint refused the request (400, 422).
 * - `tools-unsupported`: the endpoint refused the request because of its tools.
 * - `stream-interrupted`: the answer stopped midway (connection dropped, no finish reason).
 * - `aborted`: the caller stopped the request.
 */
export type ModelErrorKind =
  | 'auth'
  | 'not-found'
  | 'unreachable'
  | 'rate-limit'
  | 'server'
  | 'bad-request'
  | 'tools-unsupported'
  | 'stream-interrupted'
  | 'aborted';

/**
 * A failed model request, with a one-line message a person can act on.
 */
export class ModelError extends Error {
  /**
   * @param kind - what kind of failure.
   * @param message - one line saying what happened and what to do.
   * @param status - the HTTP status, when there was one.
   */
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    readonly status?: number
  ) {
    super(message);
    this.name = 'ModelError';
  }

  /**
   * Whether trying the same request again may succeed.
   */
  get isTransient(): boolean {
    return this.kind === 'stream-interrupted';
  }

  /**
   * Translate an error of the openai SDK (or the network) into a ModelError.
   *
   * @param error - what the SDK threw.
   * @param context - the endpoint and model, to name them in the message.
   * @param hadTools - whether the request offered tools (a 400 about them means no tool support).
   * @returns the ModelError.
   */
  static from(error: unknown, context: { baseURL: string; model: string }, hadTools = false): ModelError {
    if (error instanceof ModelError) {
      return error;
    }
    const detail = Private.firstLine(Private.apiMessage(error));
    if (error instanceof APIUserAbortError || Private.isAbort(error)) {
      return new ModelError('aborted', 'The model request was stopped.');
    }
    if (error instanceof APIConnectionError) {
      return new ModelError(
        'unreachable',
        `Cannot reach the model endpoint ${context.baseURL}: ${detail || 'connection failed'}.`
      );
    }
    if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
      return new ModelError(
        'auth',
        `The model endpoint ${context.baseURL} refused the API key (${error.status}): ${detail}. Set OPENAI_API_KEY or --api-key.`,
        error.status
      );
    }
    if (error instanceof NotFoundError) {
      return new ModelError(
        'not-found',
        `Not found at ${context.baseURL} (404) for model "${context.model}": ${detail}. Check the base URL (it usually ends in /v1) and the model name.`,
        404
      );
    }
    if (error instanceof RateLimitError) {
      return new ModelError('rate-limit', `The model endpoint is rate-limiting requests (429): ${detail}.`, 429);
    }
    if (error instanceof BadRequestError || (error instanceof APIError && error.status === 422)) {
      const status = (error as APIError).status;
      if (hadTools && Private.mentionsTools(detail)) {
        return new ModelError('tools-unsupported', `The endpoint does not accept tools: ${detail}.`, status);
      }
      return new ModelError('bad-request', `The model endpoint refused the request (${status}): ${detail}.`, status);
    }
    if (error instanceof APIError && typeof error.status === 'number') {
      return new ModelError(
        'server',
        `The model endpoint failed (${error.status}) after retries: ${detail}.`,
        error.status
      );
    }
    return new ModelError('stream-interrupted', `The model's answer was cut off: ${detail || String(error)}.`);
  }
}

namespace Private {
  /**
   * The most useful message an SDK error carries.
   */
  export function apiMessage(error: unknown): string {
    if (error instanceof APIError) {
      const body = error.error as { message?: unknown } | undefined;
      if (body && typeof body.message === 'string') {
        return body.message;
      }
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof Error && cause.message) {
        return cause.message;
      }
      return error.message;
    }
    return error instanceof Error ? error.message : String(error);
  }

  /**
   * The first line of a message, trimmed, without a trailing period.
   */
  export function firstLine(text: string): string {
    return (text.split('\n')[0] ?? '').trim().replace(/\.$/, '');
  }

  /**
   * Whether an error is an abort from an AbortSignal.
   */
  export function isAbort(error: unknown): boolean {
    return error instanceof Error && (error.name === 'AbortError' || error.name === 'APIUserAbortError');
  }

  /**
   * Whether a 400 message is about tools or function calling (vLLM, Ollama, llama.cpp word it differently).
   */
  export function mentionsTools(message: string): boolean {
    if (/tool_call_id|tool_calls' must be followed/i.test(message)) {
      // A conversation the endpoint finds malformed, not a refusal of tools.
      return false;
    }
    // vLLM: '"auto" tool choice requires --enable-auto-tool-choice'; Ollama: 'does not support
    // tools'; llama.cpp: 'tools param requires --jinja flag'.
    return /tool choice|tools? (are|is) not supported|does not support (tools|function)|tools param|function[ _]call|unknown (field|parameter|argument).*\btools\b/i.test(
      message
    );
  }
}
