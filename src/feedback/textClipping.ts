// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

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
    lines = countLineBreaks(raw, gapStart, gapEnd);
    linesExact = true;
  } else {
    const sampled = countLineBreaks(headRaw, 0, headRaw.length) + countLineBreaks(tailRaw, 0, tailRaw.length);
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
 * The line breaks of a stretch of a text.
 *
 * @param text - the text.
 * @param start - where the stretch starts.
 * @param end - where it ends (exclusive).
 * @returns how many `\n` it holds.
 */
export function countLineBreaks(text: string, start: number, end: number): number {
  let count = 0;
  let at = text.indexOf('\n', start);
  while (at !== -1 && at < end) {
    count++;
    at = text.indexOf('\n', at + 1);
  }
  return count;
}

namespace Private {
  /**
   * The gap's line breaks are counted up to this length, estimated beyond it.
   */
  export const EXACT_LINES_LIMIT = 2_000_000;

  /**
   * `clipText` leaves texts alone that it would shorten by less than this.
   */
  export const MIN_GAP = 1024;
}
