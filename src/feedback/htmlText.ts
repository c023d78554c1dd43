// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { Parser } from 'htmlparser2';

/**
 * HTML longer than this (in characters) is cut before it is parsed: what the model reads of an
 * output is a few thousand tokens, and parsing more would only cost time on the browser's main
 * thread.
 */
export const HTML_PARSE_LIMIT = 2_000_000;

/**
 * Turn HTML into rough plain text without a DOM (feedback runs in Node as well as the browser).
 *
 * Used only when an output has no text/plain, text/markdown or JSON form; the result is meant to
 * be read, not rendered: scripts and styles go, block ends and table rows become line breaks,
 * table cells are separated by ` | `, tags go and entities are decoded. The HTML is read by
 * htmlparser2's tokenizer in one pass, so the time is linear in its length; past
 * `HTML_PARSE_LIMIT` characters the rest is left out, and the text says so.
 *
 * @param html - an HTML fragment.
 * @returns its text.
 */
export function htmlToText(html: string): string {
  const cut = html.length > HTML_PARSE_LIMIT ? html.length - HTML_PARSE_LIMIT : 0;
  const pieces: string[] = [];
  let hidden = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (Private.HIDDEN.has(name)) {
          hidden++;
        } else if (hidden === 0 && (name === 'br' || name === 'hr')) {
          pieces.push('\n');
        }
      },
      onclosetag(name) {
        if (Private.HIDDEN.has(name)) {
          hidden = Math.max(0, hidden - 1);
        } else if (hidden === 0) {
          if (name === 'td' || name === 'th') {
            pieces.push(' | ');
          } else if (Private.LINE_BREAK.has(name)) {
            pieces.push('\n');
          }
        }
      },
      ontext(text) {
        if (hidden === 0) {
          pieces.push(text);
        }
      }
    },
    { decodeEntities: true }
  );
  parser.end(cut ? html.slice(0, HTML_PARSE_LIMIT) : html);
  const text = Private.tidy(pieces.join(''));
  return cut ? `${text}\n[${cut} more characters of HTML not read]` : text;
}

namespace Private {
  /**
   * Elements whose content is not text to read.
   */
  export const HIDDEN = new Set(['script', 'style', 'head', 'template']);

  /**
   * Elements whose end breaks the line.
   */
  export const LINE_BREAK = new Set([
    'p',
    'div',
    'tr',
    'li',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'pre',
    'table',
    'ul',
    'ol',
    'dl',
    'dt',
    'dd',
    'blockquote',
    'caption'
  ]);

  const BLANKS = /[ \t\u00a0]+/g;

  /**
   * Blanks collapsed, lines trimmed, a row's trailing ` | ` removed, runs of empty lines made one.
   */
  export function tidy(text: string): string {
    const lines: string[] = [];
    for (const raw of text.split('\n')) {
      const line = withoutTrailingBar(raw.replace(BLANKS, ' ').trim());
      if (line !== '' || (lines.length > 0 && lines[lines.length - 1] !== '')) {
        lines.push(line);
      }
    }
    return lines.join('\n').trim();
  }

  /**
   * A row's last cell leaves a ` | ` behind; removed without a regex anchored at the end,
   * which would be quadratic on long blank lines.
   */
  function withoutTrailingBar(line: string): string {
    return line.endsWith('|') ? line.slice(0, -1).trimEnd() : line;
  }
}
