// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatCompletionChunk } from 'openai/resources/chat/completions';

import type { IModelResponse, IModelUsage, IToolCall } from './modelResponse';
import { SpecialTokenFilter, removeSpecialTokens } from './specialTokens';

/**
 * An answer as its stream's chunks arrive: text with special tokens removed as it comes, tool-call
 * arguments reassembled from their pieces, the finish reason and the usage the endpoint reports,
 * and the cut that ends the answer early (`IStreamOptions.cutAt`).
 */
export class StreamedAnswer {
  /**
   * Start an answer.
   *
   * @param options - where text goes as it arrives and where to cut it.
   */
  constructor(options: StreamedAnswer.IOptions = {}) {
    this._options = options;
  }

  /**
   * Whether the answer was cut short; the rest of the stream is not wanted.
   */
  get cut(): boolean {
    return this._cut;
  }

  /**
   * Whether the endpoint said why the model stopped; an answer without a reason was cut off.
   */
  get finished(): boolean {
    return this._finishReason !== null;
  }

  /**
   * Take one chunk of the stream.
   *
   * @param chunk - the chunk as the SDK parsed it.
   */
  push(chunk: ChatCompletionChunk): void {
    if (chunk.usage) {
      this._usage = {
        ...this._usage,
        promptTokens: chunk.usage.prompt_tokens ?? 0,
        completionTokens: chunk.usage.completion_tokens ?? 0,
        cachedPromptTokens: chunk.usage.prompt_tokens_details?.cached_tokens ?? this._usage.cachedPromptTokens
      };
    }
    const timings = (chunk as Private.IChunkWithTimings).timings;
    if (timings && typeof timings.prompt_n === 'number') {
      this._usage = {
        ...this._usage,
        processedPromptTokens: timings.prompt_n,
        cachedPromptTokens: timings.cache_n ?? 0
      };
    }
    const choice = chunk.choices?.[0];
    if (!choice) {
      return;
    }
    if (choice.delta?.content) {
      this._emit(this._filter.push(choice.delta.content));
    }
    Private.mergeToolCallDeltas(this._calls, choice.delta?.tool_calls);
    if (choice.finish_reason) {
      this._finishReason = choice.finish_reason;
    }
    if (this._cut) {
      // What follows the cut is never read: the answer ends here as if the model had stopped.
      this._finishReason = 'stop';
    }
  }

  /**
   * End the answer: the text the special-token filter still held is let through.
   *
   * @returns the complete answer.
   */
  finish(): IModelResponse {
    this._emit(this._filter.flush());
    this._usage.timeToFirstTokenMs = this._firstTokenAt !== undefined ? this._firstTokenAt - this._sentAt : undefined;
    return {
      content: removeSpecialTokens(this._content),
      toolCalls: [...this._calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
      finishReason: this._finishReason,
      usage: this._usage,
      ...(this._cut ? { cut: this._cut } : {})
    };
  }

  private _emit(text: string): void {
    if (!text || this._cut) {
      return;
    }
    this._firstTokenAt ??= Date.now();
    const cutAt = this._options.cutAt?.(this._content + text);
    if (cutAt !== undefined) {
      this._cut = true;
      text = (this._content + text).slice(this._content.length, Math.max(cutAt, this._content.length));
    }
    if (text) {
      this._content += text;
      this._options.onDelta?.(text);
    }
  }

  private _options: StreamedAnswer.IOptions;
  private _filter = new SpecialTokenFilter();
  private _content = '';
  private _calls = new Map<number, IToolCall>();
  private _finishReason: string | null = null;
  private _usage: IModelUsage = { promptTokens: 0, completionTokens: 0 };
  private _cut = false;
  private _sentAt = Date.now();
  private _firstTokenAt: number | undefined;
}

/**
 * The namespace for `StreamedAnswer` statics.
 */
export namespace StreamedAnswer {
  /**
   * What an answer does with its text as it arrives.
   */
  export interface IOptions {
    /**
     * Called with each piece of text as it arrives.
     */
    onDelta?: (text: string) => void;

    /**
     * Called with the answer so far; a number cuts the answer to that length.
     */
    cutAt?: (content: string) => number | undefined;
  }
}

namespace Private {
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
