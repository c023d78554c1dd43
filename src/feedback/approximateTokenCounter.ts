// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ITokenCounter } from './tokenCounter';

/**
 * Estimates tokens without a vocabulary, in one pass over the characters.
 *
 * It is meant for the moments before the real tokenizer has loaded (its ranks are a large lazy
 * download), so it errs on the side of counting too many: on tracebacks, code, tables, JSON,
 * numbers and prose it counts between 1.0 and 1.5 times what cl100k_base and o200k_base count.
 * The weights mirror how those tokenizers split text: letters merge into words of about five
 * characters, capitals and camelCase split more, digits go in groups of at most three, a blank
 * before a digit stands alone, punctuation merges in pairs, and a character outside ASCII costs
 * a token and a half. Random strings (base64, hashes) are the exception: it counts about two
 * thirds of their tokens.
 */
export class ApproximateTokenCounter implements ITokenCounter {
  /**
   * Estimate the tokens of a text.
   *
   * @param text - any text.
   * @returns an estimate that is usually a little above the real count.
   */
  count(text: string): number {
    let tokens = 0;
    let runClass = Private.CharClass.None;
    let runLength = 0;
    const length = text.length;
    for (let i = 0; i <= length; i++) {
      const charClass = i < length ? Private.classify(text.charCodeAt(i)) : Private.CharClass.None;
      // An upper-case letter after lower-case ones starts a new piece (camelCase, base64):
      // byte-pair vocabularies rarely hold tokens across such a change.
      const continues =
        charClass === runClass || (charClass === Private.CharClass.Lower && runClass === Private.CharClass.Upper);
      if (continues) {
        runLength++;
        if (charClass === Private.CharClass.Lower) {
          runClass = Private.CharClass.Lower;
        }
        continue;
      }
      tokens += Private.runCost(runClass, runLength);
      // A blank before a digit is a token of its own; before a letter or a sign it merges.
      if (runClass === Private.CharClass.Blank && charClass === Private.CharClass.Digit) {
        tokens++;
      }
      runClass = charClass;
      runLength = 1;
    }
    return tokens;
  }

  /**
   * Where a text's first tokens end, by a binary search over the estimates of its starts: the
   * estimate has no tokens to decode. It looks at most 16 characters per token into the text,
   * so a long text costs no more than a short one.
   *
   * @param text - any text.
   * @param tokens - how many tokens to keep from its start.
   * @returns the length of a start of the text estimated at most `tokens` tokens.
   */
  headEnd(text: string, tokens: number): number {
    const end = Private.longestWithin(Math.min(text.length, Private.reach(tokens)), tokens, length =>
      this.count(text.slice(0, length))
    );
    return end > 0 && Private.isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end;
  }

  /**
   * Where a text's last tokens start, by a binary search over the estimates of its ends.
   *
   * @param text - any text.
   * @param tokens - how many tokens to keep from its end.
   * @returns the index from which the rest of the text is estimated at most `tokens` tokens.
   */
  tailStart(text: string, tokens: number): number {
    const kept = Private.longestWithin(Math.min(text.length, Private.reach(tokens)), tokens, length =>
      this.count(text.slice(text.length - length))
    );
    const start = text.length - kept;
    return Private.isLowSurrogate(text.charCodeAt(start)) ? start + 1 : start;
  }
}

namespace Private {
  /**
   * The most characters a head or tail of `tokens` tokens is looked for in: no text but long
   * runs of blanks has more characters per token.
   */
  export function reach(tokens: number): number {
    return (Math.max(0, tokens) + 1) * 16;
  }

  /**
   * The greatest length up to `limit` whose count is at most `tokens`, found by bisection (the
   * estimate grows with the length, give or take a token where a run changes class).
   */
  export function longestWithin(limit: number, tokens: number, countOf: (length: number) => number): number {
    if (countOf(limit) <= tokens) {
      return limit;
    }
    let fits = 0;
    let over = limit;
    while (over - fits > 1) {
      const middle = Math.floor((fits + over) / 2);
      if (countOf(middle) <= tokens) {
        fits = middle;
      } else {
        over = middle;
      }
    }
    return fits;
  }

  export function isHighSurrogate(code: number): boolean {
    return code >= 0xd800 && code <= 0xdbff;
  }

  export function isLowSurrogate(code: number): boolean {
    return code >= 0xdc00 && code <= 0xdfff;
  }

  export const enum CharClass {
    None,
    Lower,
    Upper,
    Digit,
    Blank,
    Newline,
    Punctuation,
    Other
  }

  /**
   * The class of one UTF-16 code unit.
   */
  export function classify(code: number): CharClass {
    if (code >= 97 && code <= 122) {
      return CharClass.Lower;
    }
    if (code >= 65 && code <= 90) {
      return CharClass.Upper;
    }
    if (code >= 48 && code <= 57) {
      return CharClass.Digit;
    }
    if (code === 32 || code === 9) {
      return CharClass.Blank;
    }
    if (code === 10 || code === 13) {
      return CharClass.Newline;
    }
    if (code < 128) {
      return CharClass.Punctuation;
    }
    return CharClass.Other;
  }

  const LETTERS = 5;
  const BLANKS = 8;
  const PUNCT = 2;
  const CAPITALS = 3;
  const OTHER = 1.5;

  /**
   * The estimated tokens of a run of `length` code units of one class.
   */
  export function runCost(charClass: CharClass, length: number): number {
    switch (charClass) {
      case CharClass.None:
        return 0;
      case CharClass.Lower:
        return Math.ceil(length / LETTERS);
      case CharClass.Upper:
        return Math.ceil(length / CAPITALS);
      case CharClass.Digit:
        return Math.ceil(length / 3);
      case CharClass.Blank:
        return length === 1 ? 0 : Math.ceil(length / BLANKS);
      case CharClass.Newline:
        return Math.ceil(length / 2);
      case CharClass.Punctuation:
        return Math.ceil(length / PUNCT);
      case CharClass.Other:
        return Math.ceil(length * OTHER);
    }
  }
}
