// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { Tiktoken } from 'js-tiktoken/lite';

import type { ITokenCounter } from './tokenCounter';

/**
 * The encodings the counter can load.
 *
 * `cl100k_base` is the default: its ranks are 1.1 MB (505 KB gzipped), take about 150 ms and
 * 70 MB of heap to load, where `o200k_base` needs twice as much of each, and on code, tracebacks
 * and tables the two count within a few percent of each other. The budget only has to be close
 * to the count of whatever tokenizer the endpoint uses (the paper's own models have their own),
 * so the cheaper vocabulary wins; `o200k_base` is there for those who want GPT-4o's exact count.
 */
export type TiktokenEncodingName = 'cl100k_base' | 'o200k_base';

/**
 * Counts, encodes and decodes tokens with a js-tiktoken byte-pair encoder.
 *
 * js-tiktoken merges byte pairs in time quadratic in the length of a pre-token, so a long run
 * of letters, blanks or punctuation (a 10,000-character `xxxx…`, a wide padding) would take
 * seconds. Such runs are encoded in chunks of 64 characters, memoized, which changes the count
 * by at most a token per chunk (upwards, in practice) and keeps every count linear. `count`,
 * `encode` and the cuts agree: `count(text)` is `encode(text).length`, and
 * `decode(encode(text))` is `text`.
 */
export class TiktokenCounter implements ITokenCounter {
  /**
   * Construct a counter over a loaded encoder.
   *
   * @param encoder - the js-tiktoken encoder.
   */
  constructor(encoder: Tiktoken) {
    this._encoder = encoder;
  }

  /**
   * Count the tokens of a text.
   *
   * @param text - any text; special tokens such as `<|endoftext|>` count as plain text.
   * @returns its number of tokens.
   */
  count(text: string): number {
    let tokens = 0;
    this._forEachPiece(text, piece => (tokens += piece.length));
    return tokens;
  }

  /**
   * Encode a text.
   *
   * @param text - any text; special tokens such as `<|endoftext|>` are encoded as plain text.
   * @returns its tokens (long runs in chunks, see the class).
   */
  encode(text: string): number[] {
    const tokens: number[] = [];
    this._forEachPiece(text, piece => {
      for (const token of piece) {
        tokens.push(token);
      }
    });
    return tokens;
  }

  /**
   * Decode tokens.
   *
   * @param tokens - tokens of this encoding.
   * @returns their text; a character whose bytes the tokens hold only in part becomes U+FFFD.
   */
  decode(tokens: number[]): string {
    return this._encoder.decode(tokens);
  }

  /**
   * Where a text's first tokens end.
   *
   * @param text - any text.
   * @param tokens - how many tokens to keep from its start.
   * @returns the length of the text of its first `tokens` tokens, less a character they hold
   * only some bytes of.
   */
  headEnd(text: string, tokens: number): number {
    const encoded = this.encode(text);
    if (encoded.length <= tokens) {
      return text.length;
    }
    const head = this.decode(encoded.slice(0, Math.max(0, tokens)));
    let end = 0;
    while (end < head.length && head.charCodeAt(end) === text.charCodeAt(end)) {
      end++;
    }
    return Private.isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end;
  }

  /**
   * Where a text's last tokens start.
   *
   * @param text - any text.
   * @param tokens - how many tokens to keep from its end.
   * @returns where the text of its last `tokens` tokens starts, after a character they hold
   * only some bytes of.
   */
  tailStart(text: string, tokens: number): number {
    const encoded = this.encode(text);
    if (encoded.length <= tokens) {
      return 0;
    }
    const tail = tokens > 0 ? this.decode(encoded.slice(encoded.length - tokens)) : '';
    let kept = 0;
    while (kept < tail.length && tail.charCodeAt(tail.length - 1 - kept) === text.charCodeAt(text.length - 1 - kept)) {
      kept++;
    }
    const start = text.length - kept;
    return Private.isLowSurrogate(text.charCodeAt(start)) ? start + 1 : start;
  }

  /**
   * Hand the tokens of a text to `use` piece by piece: the stretches between long runs whole,
   * the long runs chunk by chunk.
   */
  private _forEachPiece(text: string, use: (tokens: number[]) => void): void {
    if (!text) {
      return;
    }
    let start = 0;
    for (const match of text.matchAll(Private.LONG_RUN)) {
      const index = match.index ?? 0;
      use(this._encode(text.slice(start, index)));
      const run = match[0];
      for (let i = 0; i < run.length; i += Private.CHUNK) {
        use(this._encodeChunk(run.slice(i, i + Private.CHUNK)));
      }
      start = index + run.length;
    }
    use(this._encode(start === 0 ? text : text.slice(start)));
  }

  private _encode(text: string): number[] {
    return text ? this._encoder.encode(text, [], []) : [];
  }

  private _encodeChunk(chunk: string): number[] {
    let tokens = this._chunkTokens.get(chunk);
    if (tokens === undefined) {
      tokens = this._encode(chunk);
      if (this._chunkTokens.size >= Private.MAX_MEMO) {
        this._chunkTokens.clear();
      }
      this._chunkTokens.set(chunk, tokens);
    }
    return tokens;
  }

  private _encoder: Tiktoken;
  private _chunkTokens = new Map<string, number[]>();
}

/**
 * Load a tokenizer's ranks and make a counter of it.
 *
 * The ranks are imported dynamically, so a bundler puts them in a chunk of their own that is
 * fetched on first use, not in the extension's main bundle. Loads are shared: every call for one
 * encoding gets the same counter.
 *
 * @param options - which encoding.
 * @returns the counter, once the ranks have loaded.
 * @throws when the ranks cannot be loaded (for example a chunk that failed to download).
 */
export function createTiktokenCounter(options: createTiktokenCounter.IOptions = {}): Promise<TiktokenCounter> {
  const encoding = options.encoding ?? 'cl100k_base';
  let loading = Private.loading.get(encoding);
  if (!loading) {
    loading = Private.load(encoding);
    Private.loading.set(encoding, loading);
    // A failed download may succeed later: do not keep the rejection.
    loading.catch(() => Private.loading.delete(encoding));
  }
  return loading;
}

/**
 * The namespace for `createTiktokenCounter` statics.
 */
export namespace createTiktokenCounter {
  /**
   * Options of `createTiktokenCounter`.
   */
  export interface IOptions {
    /**
     * The encoding. Default `cl100k_base`.
     */
    encoding?: TiktokenEncodingName;
  }
}

namespace Private {
  /**
   * Runs longer than this go through the chunked count.
   */
  export const LONG_RUN = /\p{L}{65,}|[^\s\p{L}\p{N}]{65,}|\s{65,}/gu;

  /**
   * The chunk length of long runs.
   */
  export const CHUNK = 64;

  /**
   * At most this many memoized chunks.
   */
  export const MAX_MEMO = 4096;

  export function isHighSurrogate(code: number): boolean {
    return code >= 0xd800 && code <= 0xdbff;
  }

  export function isLowSurrogate(code: number): boolean {
    return code >= 0xdc00 && code <= 0xdfff;
  }

  export const loading = new Map<TiktokenEncodingName, Promise<TiktokenCounter>>();

  export async function load(encoding: TiktokenEncodingName): Promise<TiktokenCounter> {
    // Literal specifiers, one per encoding, so that bundlers can split each into its own chunk.
    const ranks =
      encoding === 'o200k_base'
        ? (await import('js-tiktoken/ranks/o200k_base')).default
        : (await import('js-tiktoken/ranks/cl100k_base')).default;
    return new TiktokenCounter(new Tiktoken(ranks));
  }
}
