// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { countLineBreaks, type ITextGap } from './textClipping';
import type { ITokenCounter } from './tokenCounter';

/**
 * What truncation took out of a text.
 */
export interface ITextCut {
  /**
   * Characters taken out.
   */
  characters: number;

  /**
   * Whether `characters` was counted rather than estimated.
   */
  charactersExact: boolean;

  /**
   * Line breaks taken out.
   */
  lines: number;

  /**
   * Whether `lines` was counted rather than estimated.
   */
  linesExact: boolean;

  /**
   * Tokens taken out.
   */
  tokens: number;

  /**
   * Whether `tokens` was counted rather than estimated from the kept text.
   */
  tokensExact: boolean;
}

/**
 * A text made to fit a token budget.
 */
export interface ITruncatedText {
  /**
   * The text, or its head and tail around a marker that says what was cut.
   */
  text: string;

  /**
   * Tokens of `text`.
   */
  tokens: number;

  /**
   * What was cut, or `null` when the text was kept whole.
   */
  cut: ITextCut | null;
}

/**
 * Keep a text's head and tail within a token budget, with a marker in place of the middle:
 * `... [321 lines / 12,345 characters / 3,210 tokens cut] ...` (counts that were estimated, not
 * counted, carry a `~`: tokens of cuts longer than 16 KB, and lines and characters of stretches
 * `clipText` took out of huge or escape-coded texts).
 *
 * Cost stays proportional to the budget, not to the text: the text is only counted whole when
 * it is short enough to possibly fit; otherwise the budget left by the marker is shared between
 * head and tail, and the counter finds where the first and last tokens of each end fall, in a
 * window of characters that is all the tokens can span. The result is counted; in the rare
 * case that the marker and the joins make it a little too long, the ends are shortened by the
 * excess and found again. Cuts fall on line breaks when one is near.
 *
 * @param text - the text (already cleaned of escape codes).
 * @param budgetTokens - at most this many tokens for the result, marker included.
 * @param counter - the tokenizer.
 * @param options - head share and an earlier gap.
 * @returns the text that fits and what was cut. When even the marker does not fit, the text is
 * empty.
 */
export function truncateText(
  text: string,
  budgetTokens: number,
  counter: ITokenCounter,
  options: truncateText.IOptions = {}
): ITruncatedText {
  const gap = options.gap ?? null;
  const budget = Math.max(0, Math.floor(budgetTokens));
  if (!gap && text.length <= budget * Private.MAX_CHARS_PER_TOKEN) {
    const tokens = counter.count(text);
    if (tokens <= budget) {
      return { text, tokens, cut: null };
    }
  }
  if (!gap && text.length === 0) {
    return { text, tokens: 0, cut: null };
  }
  return new Private.Cutter(text, gap, counter).fit(budget, options.headShare ?? 0.5);
}

/**
 * The namespace for `truncateText` statics.
 */
export namespace truncateText {
  /**
   * Options of `truncateText`.
   */
  export interface IOptions {
    /**
     * The share of the kept characters that comes from the head (the rest from the tail).
     * Default 0.5.
     */
    headShare?: number;

    /**
     * A stretch `clipText` already took out; the cut always covers it.
     */
    gap?: ITextGap;
  }
}

/**
 * The marker that stands for a cut.
 *
 * @param cut - what was cut.
 * @returns e.g. `... [321 lines / 12,345 characters / ~3,210 tokens cut] ...`.
 */
export function formatCutMarker(cut: ITextCut): string {
  const parts: string[] = [];
  if (cut.lines > 0) {
    parts.push(`${cut.linesExact ? '' : '~'}${Private.formatNumber(cut.lines)} lines`);
  }
  parts.push(`${cut.charactersExact ? '' : '~'}${Private.formatNumber(cut.characters)} characters`);
  parts.push(`${cut.tokensExact ? '' : '~'}${Private.formatNumber(cut.tokens)} tokens`);
  return `... [${parts.join(' / ')} cut] ...`;
}

namespace Private {
  /**
   * No realistic output has more characters per token than this (runs of blanks aside), so a
   * text longer than this many times the budget is not counted whole.
   */
  export const MAX_CHARS_PER_TOKEN = 8;

  /**
   * The ends of `n` tokens are looked for in at most `n` times this many characters: output of
   * blank lines or padding runs at up to 16 (as many as renderFeedback's clipped windows hold).
   */
  const SPARSE_CHARS_PER_TOKEN = 16;

  /**
   * The tokens of a cut are estimated when nothing was counted: tracebacks, code and tables run
   * at 3 to 4 characters per token.
   */
  const ASSUMED_CHARS_PER_TOKEN = 4;

  /**
   * The cut's tokens are counted when the cut is at most this long, else estimated.
   */
  const EXACT_TOKENS_LIMIT = 16384;

  /**
   * The tokens of a longer cut are estimated from this many samples of this many characters.
   */
  const SAMPLES = 4;
  const SAMPLE_CHARS = 2048;

  /**
   * A cut moves to a line break when that keeps at least this share of the planned characters.
   */
  const SNAP_SHARE = 0.7;

  /**
   * Tries of `Cutter.fit`: the first one nearly always fits; each further one is shorter by the
   * excess of the last.
   */
  const MAX_TRIES = 4;

  export function formatNumber(value: number): string {
    return value.toLocaleString('en-US');
  }

  function isHighSurrogate(code: number): boolean {
    return code >= 0xd800 && code <= 0xdbff;
  }

  function isLowSurrogate(code: number): boolean {
    return code >= 0xdc00 && code <= 0xdfff;
  }

  /**
   * Keeps a text's first and last tokens around a marker.
   */
  export class Cutter {
    constructor(
      private readonly _text: string,
      private readonly _gap: ITextGap | null,
      private readonly _counter: ITokenCounter
    ) {}

    /**
     * The text cut to the budget, `headShare` of what the marker leaves going to the head.
     */
    fit(budget: number, headShare: number): ITruncatedText {
      const text = this._text;
      const whole = text.length + (this._gap?.characters ?? 0);
      // The longest marker this text can have, and the line breaks around it.
      const markerTokens =
        this._counter.count(
          formatCutMarker({
            characters: whole,
            charactersExact: false,
            lines: whole,
            linesExact: false,
            tokens: whole,
            tokensExact: false
          })
        ) + 2;
      let content = budget - markerTokens;
      for (let attempt = 0; attempt < MAX_TRIES && content > 0; attempt++) {
        const headTokens = Math.floor(content * headShare);
        const result = this._keep(headTokens, content - headTokens);
        if (result.tokens <= budget) {
          return result;
        }
        content -= result.tokens - budget;
      }
      const marker = this._keep(0, 0);
      if (marker.tokens <= budget) {
        return marker;
      }
      return { text: '', tokens: 0, cut: marker.cut };
    }

    /**
     * The text's first `headTokens` and last `tailTokens` tokens (about), on line breaks when
     * near, around the marker of what lies between them.
     */
    private _keep(headTokens: number, tailTokens: number): ITruncatedText {
      const text = this._text;
      const gap = this._gap;
      const counter = this._counter;
      let headEnd = headTokens > 0 ? this._snapHead(this._headEnd(gap ? gap.at : text.length, headTokens)) : 0;
      const tailFrom = gap ? gap.at : headEnd;
      const tailStart = tailTokens > 0 ? this._snapTail(this._tailStart(tailFrom, tailTokens), tailFrom) : text.length;
      if (!gap && tailStart <= headEnd) {
        // Without a gap at least one character must go, or there is nothing to mark.
        headEnd = Math.max(0, tailStart - 1);
        if (headEnd > 0 && isHighSurrogate(text.charCodeAt(headEnd - 1))) {
          headEnd--;
        }
      }
      const head = text.slice(0, headEnd);
      const tail = text.slice(tailStart);
      const cutLength = tailStart - headEnd;
      const characters = cutLength + (gap?.characters ?? 0);
      const exactTokens = !gap && cutLength <= EXACT_TOKENS_LIMIT;
      const cut: ITextCut = {
        characters,
        charactersExact: gap?.charactersExact ?? true,
        lines: countLineBreaks(text, headEnd, tailStart) + (gap?.lines ?? 0),
        linesExact: gap?.linesExact ?? true,
        tokens: exactTokens
          ? counter.count(text.slice(headEnd, tailStart))
          : Math.round(characters / this._charsPerToken(headEnd, tailStart, head, tail)),
        tokensExact: exactTokens
      };
      const marker = formatCutMarker(cut);
      const joined = (head ? (head.endsWith('\n') ? head : `${head}\n`) : '') + marker + (tail ? `\n${tail}` : '');
      return { text: joined, tokens: counter.count(joined), cut };
    }

    /**
     * Where the first `tokens` tokens of the text end, at most at `limit`: looked for in as many
     * characters as such tokens usually span, and in as many as they can span when those were
     * all kept.
     */
    private _headEnd(limit: number, tokens: number): number {
      let window = Math.min(limit, Math.ceil(tokens * ASSUMED_CHARS_PER_TOKEN * 1.25));
      let end = this._counter.headEnd(this._text.slice(0, window), tokens);
      if (end >= window - 1 && window < limit) {
        window = Math.min(limit, Math.ceil(tokens * SPARSE_CHARS_PER_TOKEN));
        end = this._counter.headEnd(this._text.slice(0, window), tokens);
      }
      return end;
    }

    /**
     * Where the last `tokens` tokens of the text start, not before `earliest`; looked for as
     * `_headEnd` looks for the head's end.
     */
    private _tailStart(earliest: number, tokens: number): number {
      const text = this._text;
      let from = Math.max(earliest, text.length - Math.ceil(tokens * ASSUMED_CHARS_PER_TOKEN * 1.25));
      let start = from + this._counter.tailStart(text.slice(from), tokens);
      if (start <= from + 1 && from > earliest) {
        from = Math.max(earliest, text.length - Math.ceil(tokens * SPARSE_CHARS_PER_TOKEN));
        start = from + this._counter.tailStart(text.slice(from), tokens);
      }
      return start;
    }

    /**
     * Characters per token of the cut, from samples of it (what is left of it once clipped),
     * or of the kept text when nothing of the cut is left; measured once, as the cut of any later
     * try overlaps the first.
     */
    private _charsPerToken(start: number, end: number, head: string, tail: string): number {
      if (this._ratio !== undefined) {
        return this._ratio;
      }
      const text = this._text;
      let characters = 0;
      let tokens = 0;
      if (end - start <= SAMPLE_CHARS * SAMPLES) {
        characters = end - start;
        tokens = this._counter.count(text.slice(start, end));
      } else {
        const step = (end - start - SAMPLE_CHARS) / (SAMPLES - 1);
        for (let i = 0; i < SAMPLES; i++) {
          const at = start + Math.floor(i * step);
          characters += SAMPLE_CHARS;
          tokens += this._counter.count(text.slice(at, at + SAMPLE_CHARS));
        }
      }
      if (characters < SAMPLE_CHARS) {
        characters += head.length + tail.length;
        tokens += this._counter.count(head) + this._counter.count(tail);
      }
      this._ratio = tokens > 0 ? characters / tokens : ASSUMED_CHARS_PER_TOKEN;
      return this._ratio;
    }

    private _ratio: number | undefined;

    /**
     * Where the head ends: at a line break near the planned end, never inside a surrogate pair.
     */
    private _snapHead(planned: number): number {
      const text = this._text;
      if (planned <= 0) {
        return 0;
      }
      const lineBreak = text.lastIndexOf('\n', planned - 1);
      let end = lineBreak + 1 >= planned * SNAP_SHARE && lineBreak !== -1 ? lineBreak + 1 : planned;
      if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) {
        end--;
      }
      return end;
    }

    /**
     * Where the tail starts: after a line break near the planned start, never inside a surrogate
     * pair, never before `earliest`.
     */
    private _snapTail(planned: number, earliest: number): number {
      const text = this._text;
      if (planned >= text.length) {
        return text.length;
      }
      const lineBreak = text.indexOf('\n', Math.max(planned - 1, 0));
      let start =
        lineBreak !== -1 && lineBreak + 1 - planned <= (text.length - planned) * (1 - SNAP_SHARE)
          ? lineBreak + 1
          : planned;
      if (start < text.length && isLowSurrogate(text.charCodeAt(start))) {
        start++;
      }
      return Math.max(start, earliest);
    }
  }
}
