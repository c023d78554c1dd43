// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { ApproximateTokenCounter } from './approximateTokenCounter';
import { createTiktokenCounter, type TiktokenEncodingName } from './tiktokenCounter';
import type { ITokenCounter } from './tokenCounter';

/**
 * A counter usable at once: it estimates until the tokenizer's ranks have loaded, then counts
 * exactly. Rendering is synchronous, and the first execution should not wait for a download.
 */
export class LazyTokenCounter implements ITokenCounter {
  /**
   * Construct a counter and start loading the tokenizer.
   *
   * @param options - which encoding.
   */
  constructor(options: LazyTokenCounter.IOptions = {}) {
    this.ready = createTiktokenCounter({ encoding: options.encoding }).then(counter => {
      this._exact = counter;
    });
    // The estimate stays in use when the load fails; `ready` reports the failure to whoever waits.
    this.ready.catch(() => undefined);
  }

  /**
   * Settles when the exact tokenizer is in use; rejects when it could not be loaded.
   */
  readonly ready: Promise<void>;

  /**
   * Whether counts are exact (the tokenizer has loaded).
   */
  get isExact(): boolean {
    return this._exact !== null;
  }

  /**
   * Count the tokens of a text.
   *
   * @param text - any text.
   * @returns its tokens, or an estimate slightly above them until the tokenizer has loaded.
   */
  count(text: string): number {
    return (this._exact ?? this._approximate).count(text);
  }

  /**
   * Where a text's first tokens end.
   *
   * @param text - any text.
   * @param tokens - how many tokens to keep from its start.
   * @returns the end of the start that holds them, by the estimate until the tokenizer has loaded.
   */
  headEnd(text: string, tokens: number): number {
    return (this._exact ?? this._approximate).headEnd(text, tokens);
  }

  /**
   * Where a text's last tokens start.
   *
   * @param text - any text.
   * @param tokens - how many tokens to keep from its end.
   * @returns the start of the end that holds them, by the estimate until the tokenizer has loaded.
   */
  tailStart(text: string, tokens: number): number {
    return (this._exact ?? this._approximate).tailStart(text, tokens);
  }

  private _exact: ITokenCounter | null = null;
  private _approximate = new ApproximateTokenCounter();
}

/**
 * The namespace for `LazyTokenCounter` statics.
 */
export namespace LazyTokenCounter {
  /**
   * Options of a lazy counter.
   */
  export interface IOptions {
    /**
     * The encoding. Default `cl100k_base`.
     */
    encoding?: TiktokenEncodingName;
  }
}
