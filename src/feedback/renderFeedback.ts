// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IExecutionResult } from '../kernel/executionResult';
import { EMPTY_OUTPUT_NOTE, executionNotes } from './feedbackNotes';
import { formatByteSize } from './imageInfo';
import { describeOutput, type IOutputImage } from './outputText';
import type { IDataTable } from './dataFrameHtml';
import { renderDataTable } from './tableText';
import { clipText, type ITextGap } from './textClipping';
import { truncateText } from './textTruncation';
import type { IFeedbackImage, IFeedbackOptions, IRenderedFeedback } from './renderedFeedback';
import type { ITokenCounter } from './tokenCounter';

/**
 * Turn an execution's result into what the model reads, within a token budget.
 *
 * - Streams and rich results become text (text/plain first; HTML only when nothing else),
 *   escape codes removed; consecutive ones are read as one text.
 * - Tracebacks keep the user's frames, the frame that raised and the error line; library frames
 *   are collapsed (see `condenseTraceback`).
 * - Images become a one-line note; with `vision`, up to `maxImages` of them are also returned
 *   to be sent as images.
 * - Faults (timeout, stop, dead kernel, refused input, output dropped by the server, a kernel
 *   that ignores interrupts) add notes at the end; a successful cell with no output gets a
 *   request to print something.
 * - When the whole does not fit `budgetTokens` (as counted by `counter`), long texts keep their
 *   head and tail around a marker that says how much was cut. Notes and error lines are kept
 *   first; the rest of the budget is shared between the texts and tracebacks, the short ones
 *   whole. A 10 MB output is clipped by characters before anything is cleaned or counted, so
 *   rendering costs time in proportion to the budget, not to the output.
 *
 * @param result - the execution's result.
 * @param options - budget, vision, counter, time limit and image limit.
 * @returns the text (within the budget), the images to send, the text's tokens and whether
 * anything was cut.
 */
export function renderFeedback(result: IExecutionResult, options: IFeedbackOptions): IRenderedFeedback {
  const counter = Private.memoize(options.counter);
  const budget = Math.max(0, Math.floor(options.budgetTokens));
  const maxImages = Math.max(0, options.maxImages ?? 2);
  const windowChars = Private.WINDOW_BASE + budget * Private.WINDOW_CHARS_PER_TOKEN;

  const segments: Private.Segment[] = [];
  const images: IFeedbackImage[] = [];
  let imageCount = 0;
  const appendText = (text: string, gap: ITextGap | null) => {
    const last = segments[segments.length - 1];
    if (last?.kind === 'text' && !last.gap && !gap) {
      last.text = Private.joinText(last.text, text);
    } else {
      segments.push({ kind: 'text', text, gap });
    }
  };

  for (const output of result.outputs) {
    const part = describeOutput(output);
    if (!part) {
      continue;
    }
    switch (part.kind) {
      case 'text': {
        const raw = result.outputDroppedByServer && part.stream ? Private.removeRateLimitNotice(part.raw) : part.raw;
        const clipped = clipText(raw, windowChars, part.clean);
        appendText(clipped.text, clipped.gap);
        break;
      }
      case 'image': {
        imageCount++;
        const send = options.vision && part.sendable && images.length < maxImages;
        if (send) {
          images.push({ mimeType: part.mimeType, data: part.data });
        }
        appendText(Private.imageNote(part, send, options.vision, maxImages), null);
        break;
      }
      case 'error':
        segments.push({ kind: 'traceback', body: part.traceback.body, error: part.traceback.error });
        break;
      case 'table':
        segments.push({ kind: 'table', table: part.table });
        break;
    }
  }
  if (result.status === 'error' && result.error && !segments.some(segment => segment.kind === 'traceback')) {
    const { ename, evalue } = result.error;
    segments.push({ kind: 'traceback', body: '', error: evalue ? `${ename}: ${evalue}` : ename });
  }

  const notes = executionNotes(result, { timeoutMs: options.timeoutMs });
  const silent =
    imageCount === 0 &&
    segments.every(segment => segment.kind === 'text' && !segment.gap && segment.text.trim() === '');
  // Output the server dropped or input refused already explain the silence.
  if (result.status === 'ok' && silent && !result.outputDroppedByServer && !result.stdinRequested) {
    notes.push(EMPTY_OUTPUT_NOTE);
  }
  const visible = silent ? [] : segments;
  return { ...Private.fit(visible, notes, budget, counter), images };
}

namespace Private {
  /**
   * Characters kept from each end of a long output before cleaning: enough for any head or
   * tail the budget can hold, at up to this many characters per token, plus a base.
   */
  export const WINDOW_CHARS_PER_TOKEN = 16;
  export const WINDOW_BASE = 4096;

  /**
   * Text segments read as text (consecutive outputs joined); traceback segments keep their
   * error line apart so that it always survives; a table is shortened by rows and columns in
   * its middle, never by characters.
   */
  export type Segment =
    | { kind: 'text'; text: string; gap: ITextGap | null }
    | { kind: 'traceback'; body: string; error: string }
    | { kind: 'table'; table: IDataTable };

  /**
   * A counter that remembers the texts it counted during one render: head and tail candidates
   * and the final assembly are often counted more than once.
   */
  export function memoize(counter: ITokenCounter): ITokenCounter {
    const counts = new Map<string, number>();
    return {
      count(text: string): number {
        let tokens = counts.get(text);
        if (tokens === undefined) {
          tokens = counter.count(text);
          counts.set(text, tokens);
        }
        return tokens;
      },
      headEnd: (text, tokens) => counter.headEnd(text, tokens),
      tailStart: (text, tokens) => counter.tailStart(text, tokens)
    };
  }

  export function joinText(first: string, second: string): string {
    if (!first || first.endsWith('\n') || !second) {
      return first + second;
    }
    return `${first}\n${second}`;
  }

  /**
   * Remove the notice the server writes to stderr when it drops output: the feedback says so
   * in a note the model can act on, and the notice's advice (change the server's config) is
   * not for the model.
   */
  export function removeRateLimitNotice(text: string): string {
    let result = text;
    for (const prefix of ['IOPub data rate exceeded.', 'IOPub message rate exceeded.']) {
      let start = result.indexOf(prefix);
      while (start !== -1) {
        const windowAt = result.indexOf('rate_limit_window=', start);
        if (windowAt === -1 || windowAt - start > 1000) {
          break;
        }
        const lineEnd = result.indexOf('\n', windowAt);
        result = result.slice(0, start) + (lineEnd === -1 ? '' : result.slice(lineEnd + 1));
        start = result.indexOf(prefix, start);
      }
    }
    return result;
  }

  export function imageNote(image: IOutputImage, sent: boolean, vision: boolean, maxImages: number): string {
    const { width, height, bytes } = image.info;
    const dimensions = width !== undefined && height !== undefined ? ` ${width}x${height}` : '';
    const what = `${image.mimeType}${dimensions}, ${formatByteSize(bytes)}`;
    let fate: string;
    if (sent) {
      fate = 'sent as an image';
    } else if (!vision) {
      fate = 'the model cannot see images; describe the data with print() instead';
    } else if (!image.sendable) {
      fate = 'this format cannot be sent as an image; save or show it as PNG, or describe the data with print()';
    } else {
      fate = `not sent, only the first ${maxImages} image${maxImages === 1 ? ' is' : 's are'} sent`;
    }
    return `[${what}: ${fate}]`;
  }

  interface IPiece {
    segment: number;
    text: string;
    gap: ITextGap | null;
    headShare: number;
    /**
     * Fits the piece to a budget its own way (tables), instead of cutting its text.
     */
    fit?: (tokens: number) => { text: string; cut: boolean };
  }

  /**
   * Share the budget and assemble the text.
   */
  export function fit(
    segments: Segment[],
    notes: string[],
    budget: number,
    counter: ITokenCounter
  ): Omit<IRenderedFeedback, 'images'> {
    const notesText = notes.join('\n');
    let reserved = counter.count(notesText);
    let truncated = false;

    // Error lines are kept, each within a quarter of the budget (a KeyError's message can hold
    // a whole repr).
    const errorLines = new Map<number, string>();
    segments.forEach((segment, index) => {
      if (segment.kind === 'traceback') {
        const cap = Math.max(32, Math.floor(budget / 4));
        const line = truncateText(segment.error, cap, counter, { headShare: 0.7 });
        truncated ||= line.cut !== null;
        errorLines.set(index, line.text);
        reserved += line.tokens;
      }
    });

    const pieces: IPiece[] = [];
    segments.forEach((segment, index) => {
      if (segment.kind === 'text') {
        pieces.push({ segment: index, text: segment.text, gap: segment.gap, headShare: 0.5 });
      } else if (segment.kind === 'table') {
        const table = segment.table;
        pieces.push({
          segment: index,
          text: renderDataTable(table, Number.POSITIVE_INFINITY, counter).text,
          gap: null,
          headShare: 0.5,
          fit: tokens => renderDataTable(table, tokens, counter)
        });
      } else if (segment.body) {
        pieces.push({ segment: index, text: segment.body, gap: null, headShare: 0.5 });
      }
    });

    // Line breaks between segments and before the notes cost a token or two each.
    const separators = segments.length + (notes.length > 0 ? 2 : 0);
    const available = Math.max(0, budget - reserved - separators);
    const allocations = share(pieces, available, counter);
    const assemble = () => {
      const rendered = new Map<number, string>();
      let anyCut = false;
      pieces.forEach((piece, i) => {
        const fitted = piece.fit
          ? piece.fit(allocations[i])
          : truncateText(piece.text, allocations[i], counter, {
              headShare: piece.headShare,
              gap: piece.gap ?? undefined
            });
        anyCut ||= fitted.cut !== null && fitted.cut !== false;
        rendered.set(piece.segment, fitted.text);
      });
      const blocks: string[] = [];
      segments.forEach((segment, index) => {
        // trimEnd, not a regex: /\n+$/ is quadratic on a text made of line breaks.
        const body = (rendered.get(index) ?? '').trimEnd();
        if (segment.kind !== 'traceback') {
          if (body) {
            blocks.push(body);
          }
        } else {
          blocks.push(body ? `${body}\n${errorLines.get(index)}` : (errorLines.get(index) ?? ''));
        }
      });
      const outputs = blocks.join('\n');
      const text = outputs && notesText ? `${outputs}\n\n${notesText}` : outputs || notesText;
      return { text, anyCut };
    };

    let { text, anyCut } = assemble();
    let tokens = counter.count(text);
    // Joining can merge or split a token at each seam; take any excess from the largest piece.
    for (let round = 0; round < 4 && tokens > budget && pieces.length > 0; round++) {
      let largest = 0;
      allocations.forEach((allocation, i) => {
        if (allocation > allocations[largest]) {
          largest = i;
        }
      });
      allocations[largest] = Math.max(0, allocations[largest] - (tokens - budget) - 2);
      ({ text, anyCut } = assemble());
      tokens = counter.count(text);
    }
    truncated ||= anyCut;
    if (tokens > budget) {
      // Only a budget smaller than the notes themselves gets here.
      const fitted = truncateText(text, budget, counter, { headShare: 0.5 });
      return { text: fitted.text, tokens: fitted.tokens, truncated: true };
    }
    return { text, tokens, truncated };
  }

  /**
   * Share tokens between pieces: pieces smaller than an equal share get what they need, the
   * rest split what remains equally. Pieces too long to fit are not counted at all.
   */
  function share(pieces: IPiece[], available: number, counter: ITokenCounter): number[] {
    const needs = pieces.map(piece =>
      piece.gap || piece.text.length > available * 8 ? Number.POSITIVE_INFINITY : counter.count(piece.text)
    );
    const order = needs.map((_, i) => i).sort((a, b) => needs[a] - needs[b]);
    const allocations = new Array<number>(pieces.length).fill(0);
    let remaining = available;
    order.forEach((pieceIndex, rank) => {
      const equalShare = Math.floor(remaining / (order.length - rank));
      const allocation = Math.min(needs[pieceIndex], equalShare);
      allocations[pieceIndex] = allocation;
      remaining -= allocation;
    });
    return allocations;
  }
}
