// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ITokenCounter } from '../feedback/tokenCounter';
import { EXECUTION_RESULT_PREFIX } from '../model/textProtocol';
import type { ChatMessage } from '../conversation/conversationRecord';

/**
 * What an elided output says in its place.
 */
export const ELIDED_OUTPUT = '[an earlier output, elided to fit the context window]';

/**
 * Fits a conversation into a token budget so that the tokens sent per turn stay bounded however
 * long the session grows: the outputs of earlier turns are elided first (oldest first), then the
 * earliest turns are dropped whole. The current turn is sent whole while it fits; a turn that
 * alone outgrows the budget (a model sending failing code back again and again, each time with
 * its output) has its older outputs elided too, never its prompt nor its latest output: on the
 * embedded model's 8,192 tokens such a turn had ended in the endpoint's refusal (DABench question
 * 28 at 4abaa57).
 *
 * What was elided or dropped stays so: the window only moves forward, in large steps (down to
 * `LOW_WATER` of the budget each time), so that consecutive requests share their history byte
 * for byte.
 */
export class ContextWindow {
  /**
   * When the history outgrows its budget, it is cut to this share of the budget.
   */
  static readonly LOW_WATER = 0.7;

  /**
   * @param counter - counts tokens.
   */
  constructor(private _counter: ITokenCounter) {}

  /**
   * The messages to send.
   *
   * @param messages - the whole conversation (system prompt excluded).
   * @param turnStarts - the index in `messages` of each turn's prompt, in order.
   * @param budget - the most tokens to send; 0 or less sends everything.
   * @returns the messages that fit (the same array when everything fits).
   */
  fit(messages: ChatMessage[], turnStarts: number[], budget: number): ChatMessage[] {
    if (budget <= 0) {
      return messages;
    }
    const currentStart = turnStarts.length ? turnStarts[turnStarts.length - 1] : messages.length;
    const fitted = messages.map((message, i) =>
      i < this._elidedBefore && i !== currentStart ? this._elided(message) : message
    );
    const tokens = fitted.map(message => this._tokens(message));
    const sum = (from: number) => tokens.slice(from).reduce((total, count) => total + count, 0);
    let firstKept = Math.min(this._droppedBefore, currentStart);
    let total = sum(firstKept);
    if (total > budget) {
      // Over the budget: cut down to well below it, so that the next requests send the same
      // history again (only their new messages differ) and a server's prompt cache is hit.
      const target = Math.floor(budget * ContextWindow.LOW_WATER);
      // Elide the outputs of messages from..end-1, oldest first, until the history is down to
      // the target; what was passed over stays elided in later requests.
      const elideUntilTarget = (from: number, end: number) => {
        for (let i = from; i < end && total > target; i++) {
          const elided = this._elided(fitted[i]);
          if (elided !== fitted[i]) {
            const count = this._tokens(elided);
            total += count - tokens[i];
            tokens[i] = count;
            fitted[i] = elided;
          }
          this._elidedBefore = i + 1;
        }
      };
      elideUntilTarget(this._elidedBefore, currentStart);
      for (const start of [...turnStarts.slice(1), currentStart]) {
        if (total <= target || start > currentStart) {
          break;
        }
        if (start <= firstKept) {
          continue;
        }
        for (let i = firstKept; i < start; i++) {
          total -= tokens[i];
        }
        firstKept = start;
      }
      this._droppedBefore = firstKept;
      // Still over: the current turn's older outputs, never its prompt nor its latest output.
      elideUntilTarget(Math.max(this._elidedBefore, currentStart + 1), this._latestOutputIndex(fitted, currentStart));
    }
    const unchanged = firstKept === 0 && fitted.every((message, i) => message === messages[i]);
    return unchanged ? messages : fitted.slice(firstKept);
  }

  /**
   * Forget what was elided and dropped (a new conversation).
   */
  reset(): void {
    this._elidedBefore = 0;
    this._droppedBefore = 0;
  }

  /**
   * The index of the last message after `from` that holds an output (one that eliding changes),
   * or the end when there is none. Through the cache of elided forms, as the loop that elides.
   */
  private _latestOutputIndex(messages: ChatMessage[], from: number): number {
    for (let i = messages.length - 1; i > from; i--) {
      if (this._elided(messages[i]) !== messages[i]) {
        return i;
      }
    }
    return messages.length;
  }

  private _tokens(message: ChatMessage): number {
    let count = this._cache.get(message);
    if (count === undefined) {
      const { text, images } = Private.contentOf(message);
      count = Private.MESSAGE_OVERHEAD + this._counter.count(text) + images * Private.IMAGE_TOKENS;
      this._cache.set(message, count);
    }
    return count;
  }

  /**
   * The elided form of a message, made once: a new object each request would defeat the cache
   * of token counts, and the history would be counted again on every request.
   */
  private _elided(message: ChatMessage): ChatMessage {
    let elided = this._elidedCache.get(message);
    if (elided === undefined) {
      elided = Private.elideOutput(message);
      this._elidedCache.set(message, elided);
    }
    return elided;
  }

  private _elidedBefore = 0;
  private _droppedBefore = 0;
  private _cache = new WeakMap<ChatMessage, number>();
  private _elidedCache = new WeakMap<ChatMessage, ChatMessage>();
}

namespace Private {
  /**
   * Tokens a message costs beyond its text (role, separators), as OpenAI counts them.
   */
  export const MESSAGE_OVERHEAD = 4;

  /**
   * Tokens an image costs at most in a request (a high-detail 512 px tile and the base cost).
   */
  export const IMAGE_TOKENS = 765;

  /**
   * The text of a message and how many images it holds.
   */
  export function contentOf(message: ChatMessage): { text: string; images: number } {
    const parts: string[] = [];
    let images = 0;
    const content = (message as { content?: unknown }).content;
    if (typeof content === 'string') {
      parts.push(content);
    } else if (Array.isArray(content)) {
      for (const part of content as { type: string; text?: string }[]) {
        if (part.type === 'text') {
          parts.push(part.text ?? '');
        } else {
          images++;
        }
      }
    }
    const calls = (message as { tool_calls?: { function?: { name: string; arguments: string } }[] }).tool_calls;
    for (const call of calls ?? []) {
      parts.push(call.function?.name ?? '', call.function?.arguments ?? '');
    }
    return { text: parts.join('\n'), images };
  }

  /**
   * A feedback message (tool result, execution result, image message) with its output elided;
   * other messages unchanged.
   */
  export function elideOutput(message: ChatMessage): ChatMessage {
    if (message.role === 'tool') {
      const text = typeof message.content === 'string' ? message.content : '';
      // Keep the header (cell_id, status) that tells what happened.
      const header = text.split('\noutput:\n')[0];
      return header === text && text.length < 200 ? message : { ...message, content: `${header}\n${ELIDED_OUTPUT}` };
    }
    if (message.role === 'user') {
      const content = message.content;
      if (Array.isArray(content)) {
        return { ...message, content: ELIDED_OUTPUT };
      }
      if (typeof content === 'string' && content.startsWith(EXECUTION_RESULT_PREFIX)) {
        return { ...message, content: `${EXECUTION_RESULT_PREFIX}${ELIDED_OUTPUT}` };
      }
    }
    return message;
  }
}
