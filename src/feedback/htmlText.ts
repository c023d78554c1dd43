// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * Turn HTML into rough plain text without a DOM (feedback runs in Node as well as the browser).
 *
 * Used only when an output has no text/plain, text/markdown or JSON form; the result is meant to
 * be read, not rendered: scripts and styles go, block ends and table rows become line breaks,
 * table cells are separated by ` | `, tags go and the common entities are decoded.
 *
 * @param html - an HTML fragment.
 * @returns its text.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(Private.HIDDEN, '')
    .replace(Private.COMMENT, '')
    .replace(Private.CELL_END, ' | ')
    .replace(Private.LINE_BREAK, '\n')
    .replace(Private.TAG, '')
    .replace(Private.ENTITY, Private.decodeEntity);
  return text
    .split('\n')
    .map(line => Private.withoutTrailingBar(line.replace(Private.BLANKS, ' ').trim()))
    .filter((line, index, lines) => line !== '' || (index > 0 && lines[index - 1] !== ''))
    .join('\n')
    .trim();
}

namespace Private {
  export const HIDDEN = /<(script|style|head|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
  export const COMMENT = /<!--[\s\S]*?-->/g;
  export const CELL_END = /<\/t[dh]\s*>/gi;
  export const LINE_BREAK =
    /<br\s*\/?>|<\/(?:p|div|tr|li|h[1-6]|pre|table|ul|ol|dl|dt|dd|blockquote|caption)\s*>|<hr\s*\/?>/gi;
  export const TAG = /<[^>]*>/g;
  export const ENTITY = /&(#x[0-9a-f]+|#\d+|[a-z]+);/gi;
  export const BLANKS = /[ \t\u00a0]+/g;

  /**
   * A row's last cell leaves a ` | ` behind; removed without a regex anchored at the end,
   * which would be quadratic on long blank lines.
   */
  export function withoutTrailingBar(line: string): string {
    return line.endsWith('|') ? line.slice(0, -1).trimEnd() : line;
  }

  const NAMED: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: ' ',
    hellip: '…',
    mdash: '—',
    ndash: '–',
    times: '×'
  };

  export function decodeEntity(entity: string, body: string): string {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED[body.toLowerCase()] ?? entity;
  }
}
