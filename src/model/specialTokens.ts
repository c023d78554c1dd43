// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * End-of-turn and unknown-token markers that some servers let through as text (DeepSeek-based
 * models such as OpenCodeInterpreter-DS print `<|EOT|>`; llama.cpp may print `<unk>`).
 */
export const SPECIAL_TOKENS: readonly string[] = [
  '<|EOT|>',
  '<|endoftext|>',
  '<|im_end|>',
  '<|im_start|>',
  '<|eot_id|>',
  '<|end|>',
  '<｜end▁of▁sentence｜>',
  '<｜begin▁of▁sentence｜>',
  '<unk>',
  '<s>',
  '</s>'
];

/**
 * Removes special tokens from text that arrives in pieces. A token split across two pieces is
 * held back until it is complete or proven not to be a token.
 */
export class SpecialTokenFilter {
  /**
   * Filter the next piece of text.
   *
   * @param piece - the text that arrived.
   * @returns the text that can be shown now.
   */
  push(piece: string): string {
    const text = removeSpecialTokens(this._pending + piece);
    const keep = Private.heldBackLength(text);
    this._pending = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /**
   * End of the stream: the text held back, if any.
   *
   * @returns the rest.
   */
  flush(): string {
    const rest = this._pending;
    this._pending = '';
    return rest;
  }

  private _pending = '';
}

/**
 * Remove every special token from a complete text.
 *
 * @param text - the text.
 * @returns the text without special tokens.
 */
export function removeSpecialTokens(text: string): string {
  let result = text;
  for (const token of SPECIAL_TOKENS) {
    if (result.includes(token)) {
      result = result.split(token).join('');
    }
  }
  return result;
}

namespace Private {
  /**
   * How many characters at the end of `text` could be the start of a special token.
   */
  export function heldBackLength(text: string): number {
    const lastOpen = text.lastIndexOf('<');
    if (lastOpen < 0) {
      return 0;
    }
    const tail = text.slice(lastOpen);
    return SPECIAL_TOKENS.some(token => token.startsWith(tail) && token !== tail) ? tail.length : 0;
  }
}
