// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * Remove terminal escape sequences (colours, cursor moves, hyperlinks) from text.
 *
 * ipykernel colours every traceback; the codes mean nothing to a model and cost tokens.
 * Covered: CSI sequences (`ESC [ … final`, which include SGR colours), OSC sequences
 * (`ESC ] … BEL` or `ESC ] … ESC \`, e.g. hyperlinks) and two-character escapes.
 *
 * @param text - text that may hold escape sequences.
 * @returns the text without them; the same string when it holds no ESC character.
 */
export function stripAnsi(text: string): string {
  // The common case costs one scan and no allocation.
  if (!text.includes('\x1b') && !text.includes('\x9b')) {
    return text;
  }
  return text.replace(Private.ESCAPE, '');
}

namespace Private {
  /**
   * CSI (also its one-byte form U+009B), OSC, then any other two-character escape.
   */
  export const ESCAPE =
    // eslint-disable-next-line no-control-regex
    /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;
}
