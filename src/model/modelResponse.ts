// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatCompletionTool } from 'openai/resources/chat/completions';

import type { ChatMessage } from '../conversation/conversationRecord';

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
