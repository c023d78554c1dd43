// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { jsonrepair } from 'jsonrepair';

/**
 * How a JSON text was read: as it was, or after which repair.
 */
export type JsonRepair = 'none' | 'python-strings' | 'unclosed-string' | 'jsonrepair';

/**
 * A JSON value read from what a model wrote, and the repair it took.
 */
export interface ILenientJson {
  value: unknown;
  repair: JsonRepair;
}

/**
 * Read the JSON a model wrote for a tool call, repairing the faults small models make.
 *
 * Strict JSON first. Then, in order:
 * - Python string literals in place of JSON strings (`"code": """..."""`, `'''...'''`): no JSON
 *   repair library reads these, so they are turned into JSON strings here;
 * - a code string that runs to the end of the text without its closing quote (the model stopped,
 *   or forgot it): the string is closed and the braces balanced;
 * - everything else `jsonrepair` handles: raw newlines in strings, single quotes, trailing commas,
 *   missing closing braces, comments.
 * A repair is accepted only if every string key it yields was in the text, so that a repair which
 * cut a multi-line string into invented keys is refused.
 *
 * @param text - the JSON text.
 * @param stringKey - the key whose value is a long string (the cell's code), which the repair for
 *   an unclosed string may close.
 * @returns the value and the repair used.
 * @throws SyntaxError with the strict parser's message when no repair gives a plausible value.
 */
export function parseLenientJson(text: string, stringKey = 'code'): ILenientJson {
  const trimmed = text.trim();
  let strictError: Error;
  try {
    return { value: JSON.parse(trimmed), repair: 'none' };
  } catch (error) {
    strictError = error as Error;
  }
  const attempts: [JsonRepair, () => string | undefined][] = [
    ['python-strings', () => Private.withPythonStrings(trimmed)],
    ['unclosed-string', () => Private.withStringClosed(trimmed, stringKey)],
    ['jsonrepair', () => jsonrepair(trimmed)]
  ];
  for (const [repair, attempt] of attempts) {
    let repaired: string | undefined;
    try {
      repaired = attempt();
      if (repaired === undefined) {
        continue;
      }
      const value: unknown = JSON.parse(repaired);
      if (Private.keysWereWritten(value, trimmed)) {
        return { value, repair };
      }
    } catch {
      // The next repair may do.
    }
  }
  throw new SyntaxError(strictError.message);
}

namespace Private {
  /**
   * The text with its Python triple-quoted (and raw-newline single-quoted) string literals turned
   * into JSON strings, or `undefined` when it has none.
   */
  export function withPythonStrings(text: string): string | undefined {
    if (!/"""|'''/.test(text)) {
      return undefined;
    }
    const converted = text.replace(
      /([rRbBuU]?)("""|''')([\s\S]*?)\2/g,
      (_match, prefix: string, _quote, body: string) =>
        JSON.stringify(prefix.toLowerCase() === 'r' ? body : unescapePython(body))
    );
    // What is left may still need the usual repairs (a trailing comma after the string).
    try {
      JSON.parse(converted);
      return converted;
    } catch {
      return jsonrepair(converted);
    }
  }

  /**
   * Python's common string escapes, for the body of a non-raw literal.
   */
  function unescapePython(body: string): string {
    return body.replace(/\\(["'\\nt])/g, (_match, char: string) => (char === 'n' ? '\n' : char === 't' ? '\t' : char));
  }

  /**
   * The text with the string value of `key` closed when it runs to the end: whatever follows the
   * key's opening quote, less trailing quotes and closing braces, is the string; the braces are
   * then balanced.
   */
  export function withStringClosed(text: string, key: string): string | undefined {
    const opening = new RegExp(`"${key}"\\s*:\\s*"`).exec(text);
    if (!opening) {
      return undefined;
    }
    const head = text.slice(0, opening.index + opening[0].length);
    const rest = text.slice(head.length);
    if (Private.closingQuote(rest) !== -1) {
      // The string is closed; its fault lies elsewhere.
      return undefined;
    }
    const body = rest.replace(/["\s]*[}\]\s]*$/, '');
    // The body was written as JSON string contents: its escapes stay, its raw newlines and tabs
    // become escapes.
    const escaped = body.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
    let depth = 0;
    for (const char of head.replace(/"(?:[^"\\]|\\.)*"/g, '')) {
      depth += char === '{' ? 1 : char === '}' ? -1 : 0;
    }
    return `${head}${escaped}"${'}'.repeat(Math.max(0, depth))}`;
  }

  /**
   * Where the JSON string that starts at the beginning of `rest` ends (its closing quote, not
   * escaped, followed by the end of a value), or -1.
   */
  export function closingQuote(rest: string): number {
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '\\') {
        i++;
      } else if (rest[i] === '"' && /^"\s*[,}\]]/.test(rest.slice(i))) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Whether every object key in the value appears, quoted, in the original text.
   */
  export function keysWereWritten(value: unknown, text: string): boolean {
    if (Array.isArray(value)) {
      return value.every(item => keysWereWritten(item, text));
    }
    if (value && typeof value === 'object') {
      return Object.entries(value).every(
        ([key, item]) =>
          (text.includes(`"${key}"`) || text.includes(`'${key}'`) || new RegExp(`[{,]\\s*${key}\\s*:`).test(text)) &&
          keysWereWritten(item, text)
      );
    }
    return true;
  }
}
