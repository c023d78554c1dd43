// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ITokenCounter } from './tokenCounter';

/**
 * A stretch already taken out of a text before it was cleaned and truncated (see `clipText`).
 */
export interface ITextGap {
  /**
   * Where in the (clipped) text the stretch was.
   */
  at: number;

  /**
   * Its length in characters once cleaned, exact or estimated.
   */
  characters: number;

  /**
   * Whether `characters` is exact (cleaning changed nothing in the windows kept around it) or
   * estimated from how much cleaning shortened them.
   */
  charactersExact: boolean;

  /**
   * Its line breaks, exact or estimated.
   */
  lines: number;

  /**
   * Whether `lines` was counted rather than estimated.
   */
  linesExact: boolean;
}

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
 * it is short enough to possibly fit; otherwise head and tail are sized in characters from the
 * budget, counted, and resized a few times until the result fits. Cuts fall on line breaks when
 * one is near.
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
  let charsPerToken = Private.ASSUMED_CHARS_PER_TOKEN;
  if (!gap && text.length <= budget * Private.MAX_CHARS_PER_TOKEN) {
    const tokens = counter.count(text);
    if (tokens <= budget) {
      return { text, tokens, cut: null };
    }
    charsPerToken = text.length / tokens;
  }
  if (!gap && text.length === 0) {
    return { text, tokens: 0, cut: null };
  }
  const cutter = new Private.Cutter(text, gap, counter, options.headShare ?? 0.5);
  return cutter.fit(budget, charsPerToken);
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
 * Keep only a window of characters from each end of a very long raw text, before cleaning it.
 *
 * Cleaning (escape codes, HTML) and counting lines cost time in proportion to the text; a 10 MB
 * output clipped to windows of a few tens of KB is then cleaned and truncated in well under a
 * millisecond per window. The gap's line breaks are counted when it is at most 2 MB, otherwise
 * estimated from the windows.
 *
 * @param raw - the raw text.
 * @param windowChars - characters to keep from each end.
 * @param clean - applied to each window.
 * @returns the cleaned windows joined, and the gap between them (`null` when nothing was clipped).
 */
export function clipText(
  raw: string,
  windowChars: number,
  clean: (text: string) => string = text => text
): { text: string; gap: ITextGap | null } {
  const window = Math.max(0, Math.floor(windowChars));
  if (raw.length <= 2 * window + Private.MIN_GAP) {
    return { text: clean(raw), gap: null };
  }
  const headRaw = raw.slice(0, window);
  const tailRaw = raw.slice(raw.length - window);
  const gapStart = window;
  const gapEnd = raw.length - window;
  let lines: number;
  let linesExact: boolean;
  if (gapEnd - gapStart <= Private.EXACT_LINES_LIMIT) {
    lines = Private.countLineBreaks(raw, gapStart, gapEnd);
    linesExact = true;
  } else {
    const sampled =
      Private.countLineBreaks(headRaw, 0, headRaw.length) + Private.countLineBreaks(tailRaw, 0, tailRaw.length);
    lines = Math.round((sampled / (2 * window)) * (gapEnd - gapStart));
    linesExact = false;
  }
  const head = clean(headRaw);
  const tail = clean(tailRaw);
  // Escape codes in the gap are not characters the model would have read.
  const shrink = (head.length + tail.length) / (2 * window);
  const charactersExact = shrink === 1;
  const characters = charactersExact ? gapEnd - gapStart : Math.round((gapEnd - gapStart) * shrink);
  return {
    text: head + tail,
    gap: { at: head.length, characters, charactersExact, lines, linesExact }
  };
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
   * The first guess when the text was not counted: tracebacks, code and tables run at 3 to 4.
   */
  export const ASSUMED_CHARS_PER_TOKEN = 4;

  /**
   * The cut's tokens are counted when the cut is at most this long, else estimated.
   */
  export const EXACT_TOKENS_LIMIT = 16384;

  export const EXACT_LINES_LIMIT = 2_000_000;

  /**
   * The tokens of a longer cut are estimated from this many samples of this many characters.
   */
  export const SAMPLES = 4;
  export const SAMPLE_CHARS = 2048;

  /**
   * `clipText` leaves texts alone that it would shorten by less than this.
   */
  export const MIN_GAP = 1024;

  /**
   * A cut moves to a line break when that keeps at least this share of the planned characters.
   */
  const SNAP_SHARE = 0.7;

  export function formatNumber(value: number): string {
    return value.toLocaleString('en-US');
  }

  export function countLineBreaks(text: string, start: number, end: number): number {
    let count = 0;
    let at = text.indexOf('\n', start);
    while (at !== -1 && at < end) {
      count++;
      at = text.indexOf('\n', at + 1);
    }
    return count;
  }

  function isHighSurrogate(code: number): boolean {
    return code >= 0xd800 && code <= 0xdbff;
  }

  function isLowSurrogate(code: number): boolean {
    return code >= 0xdc00 && code <= 0xdfff;
  }

  interface IAttempt {
    text: string;
    tokens: number;
    cut: ITextCut;
    cutLength: number;
    keptChars: number;
  }

  /**
   * Sizes head and tail to a budget.
   */
  export class Cutter {
    constructor(
      private readonly _text: string,
      private readonly _gap: ITextGap | null,
      private readonly _counter: ITokenCounter,
      private readonly _headShare: number
    ) {}

    fit(budget: number, charsPerToken: number): ITruncatedText {
      const text = this._text;
      // Without a gap at least one character must go, or there is nothing to mark.
      const maxKept = this._gap ? text.length : text.length - 1;
      const markerTokens = this._counter.count(
        formatCutMarker({
          characters: text.length,
          charactersExact: false,
          lines: text.length,
          linesExact: false,
          tokens: text.length,
          tokensExact: false
        })
      );
      let low = 0; // the most characters known to fit
      let high = maxKept + 1; // the fewest characters known not to fit
      let best: IAttempt | null = null;
      let chars = Math.min(maxKept, Math.floor(Math.max(0, budget - markerTokens - 2) * charsPerToken));
      for (let round = 0; round < 12 && chars > low && chars < high; round++) {
        const attempt = this._attempt(chars);
        if (attempt.tokens <= budget) {
          low = chars;
          best = attempt;
          if (chars >= maxKept || attempt.tokens >= budget * 0.95) {
            break;
          }
        } else {
          high = chars;
        }
        const content = Math.max(1, attempt.tokens - markerTokens);
        let next = Math.floor(chars * ((budget - markerTokens) / content) * (attempt.tokens <= budget ? 0.99 : 0.97));
        if (next <= low || next >= high) {
          next = Math.floor((low + Math.min(high, maxKept + 1)) / 2);
        }
        if (high - low <= Math.max(8, low * 0.02)) {
          break;
        }
        chars = Math.min(next, maxKept);
      }
      if (!best) {
        best = this._attempt(0);
        if (best.tokens > budget) {
          return { text: '', tokens: 0, cut: { ...best.cut, characters: text.length + (this._gap?.characters ?? 0) } };
        }
      }
      // The search estimated the cut's tokens; count them for the result when that is cheap,
      // unless the exact number makes the marker a token too long.
      if (!this._gap && best.cutLength <= EXACT_TOKENS_LIMIT) {
        const exact = this._attempt(best.keptChars, true);
        if (exact.tokens <= budget) {
          best = exact;
        }
      }
      return { text: best.text, tokens: best.tokens, cut: best.cut };
    }

    private _attempt(chars: number, exactTokens = false): IAttempt {
      const text = this._text;
      const gap = this._gap;
      let headChars = Math.floor(chars * this._headShare);
      let tailChars = chars - headChars;
      if (gap) {
        headChars = Math.min(headChars, gap.at);
        tailChars = Math.min(tailChars, text.length - gap.at);
      }
      const headEnd = this._snapHead(headChars);
      const tailStart = this._snapTail(text.length - tailChars, headEnd);
      const head = text.slice(0, headEnd);
      const tail = text.slice(tailStart);
      const cutLength = tailStart - headEnd;
      let lines = countLineBreaks(text, headEnd, tailStart);
      let linesExact = true;
      if (gap) {
        lines += gap.lines;
        linesExact = gap.linesExact;
      }
      const characters = cutLength + (gap?.characters ?? 0);
      let tokens: number;
      let tokensExact: boolean;
      if (exactTokens) {
        tokens = this._counter.count(text.slice(headEnd, tailStart));
        tokensExact = true;
      } else {
        this._ratio ??= this._charsPerToken(headEnd, tailStart, head, tail);
        tokens = Math.round(characters / this._ratio);
        tokensExact = false;
      }
      const charactersExact = gap?.charactersExact ?? true;
      const cut: ITextCut = { characters, charactersExact, lines, linesExact, tokens, tokensExact };
      const marker = formatCutMarker(cut);
      const joined = (head ? (head.endsWith('\n') ? head : `${head}\n`) : '') + marker + (tail ? `\n${tail}` : '');
      return { text: joined, tokens: this._counter.count(joined), cut, cutLength, keptChars: chars };
    }

    /**
     * Characters per token of the cut, measured on the first attempt: the cut of any later
     * attempt overlaps it.
     */
    private _ratio: number | undefined;

    /**
     * Characters per token of the cut, from samples of it (what is left of it once clipped),
     * or of the kept text when nothing of the cut is left.
     */
    private _charsPerToken(start: number, end: number, head: string, tail: string): number {
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
      return tokens > 0 ? characters / tokens : ASSUMED_CHARS_PER_TOKEN;
    }

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
     * pair, never before the head's end.
     */
    private _snapTail(planned: number, headEnd: number): number {
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
      return Math.max(start, headEnd);
    }
  }
}
