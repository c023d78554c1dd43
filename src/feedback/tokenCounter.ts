// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * Counts tokens the way the model's tokenizer does (or close to it).
 */
export interface ITokenCounter {
  /**
   * @param text - any text.
   * @returns its number of tokens.
   */
  count(text: string): number;
}
