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
 * Counts tokens with a js-tiktoken byte-pair encoder.
 *
 * js-tiktoken merges byte pairs in time quadratic in the length of a pre-token, so a long run
 * of letters, blanks or punctuation (a 10,000-character `xxxx…`, a wide padding) would take
 * seconds. Such runs are counted in chunks of 64 characters, memoized, which changes the count
 * by at most a token per chunk (upwards, in practice) and keeps every count linear.
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
    if (!text) {
      return 0;
    }
    let tokens = 0;
    let start = 0;
    for (const match of text.matchAll(Private.LONG_RUN)) {
      const index = match.index ?? 0;
      tokens += this._encode(text.slice(start, index));
      tokens += this._countLongRun(match[0]);
      start = index + match[0].length;
    }
    return tokens + this._encode(start === 0 ? text : text.slice(start));
  }

  private _encode(text: string): number {
    return text ? this._encoder.encode(text, [], []).length : 0;
  }

  private _countLongRun(run: string): number {
    let tokens = 0;
    for (let i = 0; i < run.length; i += Private.CHUNK) {
      const chunk = run.slice(i, i + Private.CHUNK);
      let chunkTokens = this._chunkTokens.get(chunk);
      if (chunkTokens === undefined) {
        chunkTokens = this._encode(chunk);
        if (this._chunkTokens.size >= Private.MAX_MEMO) {
          this._chunkTokens.clear();
        }
        this._chunkTokens.set(chunk, chunkTokens);
      }
      tokens += chunkTokens;
    }
    return tokens;
  }

  private _encoder: Tiktoken;
  private _chunkTokens = new Map<string, number>();
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
