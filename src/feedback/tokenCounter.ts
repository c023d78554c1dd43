// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * Counts tokens the way the model's tokenizer does (or close to it), and finds where a text's
 * first and last tokens fall, so that a long text can keep its head and tail.
 */
export interface ITokenCounter {
  /**
   * Count a text's tokens.
   *
   * @param text - any text.
   * @returns its number of tokens.
   */
  count(text: string): number;

  /**
   * Where a text's first tokens end.
   *
   * @param text - any text.
   * @param tokens - how many tokens to keep from its start.
   * @returns the length of a start of the text that holds at most `tokens` tokens, as long as
   * the tokenizer allows (the whole length when the text has no more tokens); never inside a
   * surrogate pair.
   */
  headEnd(text: string, tokens: number): number;

  /**
   * Where a text's last tokens start.
   *
   * @param text - any text.
   * @param tokens - how many tokens to keep from its end.
   * @returns the index from which the rest of the text holds at most `tokens` tokens, as early
   * as the tokenizer allows (0 when the text has no more tokens); never inside a surrogate pair.
   */
  tailStart(text: string, tokens: number): number;
}
