// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { ANSWER_LINE } from '../model/textProtocol';
import type { IExecutionResult } from '../kernel/executionResult';

/**
 * What to tell the model when its code failed to compile because it holds an answer line such as
 * `@mean_fare[mean_fare]`: a format a prompt asked for in the reply (InfiAgent-DABench's
 * `@name[value]`), which a small model writes as the last line of its code. Python reads it as a
 * decorator with nothing to decorate. The traceback alone ("SyntaxError: incomplete input") did
 * not move the embedded 1.5B: it sent the same code back until the turn's limit in 10 of the
 * first 31 DABench questions (02ff105).
 *
 * A line counts when it is only `@name[...]`, and the next line that is neither blank nor another
 * such line is not one a decorator could apply to (`def`, `class`, another decorator), so real
 * decorators are never named.
 *
 * @param code - the cell's source.
 * @param result - its execution.
 * @returns the note for the model, or `undefined` when the code did not fail on such a line.
 */
export function answerLineInCodeNote(code: string, result: IExecutionResult): string | undefined {
  if (result.error?.ename !== 'SyntaxError' && result.error?.ename !== 'IndentationError') {
    return undefined;
  }
  const lines = code.split('\n');
  const answerLines = lines.filter((line, index) => {
    if (!ANSWER_LINE.test(line)) {
      return false;
    }
    const next = lines.slice(index + 1).find(candidate => candidate.trim() !== '' && !ANSWER_LINE.test(candidate));
    return next === undefined || !Private.DECORATED.test(next);
  });
  if (answerLines.length === 0) {
    return undefined;
  }
  const shown = answerLines.map(line => `\`${line.trim()}\``).join(', ');
  return (
    `Note: ${shown} ${answerLines.length === 1 ? 'is an answer line' : 'are answer lines'}, not Python, so ` +
    'the cell could not run. Remove such lines from the code and print the values instead (for ' +
    'example `print(value)`). Once an output shows them, write the `@name[value]` lines in your ' +
    'reply, outside any code.'
  );
}

/**
 * Code without the answer lines it ends with (`@mean_fare[mean_fare]`, see
 * {@link answerLineInCodeNote}): what the model means is the code above them, then an answer. Run
 * as written, the cell would fail to compile and compute nothing; without them it prints the
 * values, and the model is told where the lines go. Code that is only answer lines is left as it
 * is (there is nothing to run; its error and note say why).
 *
 * @param code - the code the model sent.
 * @returns the code to run and the answer lines taken off its end (none when it does not end
 * with any).
 */
export function withoutTrailingAnswerLines(code: string): { code: string; answerLines: string[] } {
  const lines = code.split('\n');
  let end = lines.length;
  const answerLines: string[] = [];
  // An indented one is inside a block (`if ...:` then `@x[normal]`, `else:` then `@x[not_normal]`):
  // taking it off would leave the block empty, so the code stays as written and its SyntaxError
  // gets the note ({@link answerLineInCodeNote}).
  const trailing = (line: string) => line.trim() === '' || (ANSWER_LINE.test(line) && !/^\s/.test(line));
  while (end > 0 && trailing(lines[end - 1])) {
    end--;
    if (lines[end].trim()) {
      answerLines.unshift(lines[end].trim());
    }
  }
  const kept = lines.slice(0, end).join('\n');
  if (!answerLines.length || !kept.trim()) {
    return { code, answerLines: [] };
  }
  return { code: kept, answerLines };
}

/**
 * What the model is told after code whose answer lines were taken off. A value that is a name the
 * code assigns (`@fare_outliers[outliers]`) is the model's variable, not its value: the 1.5B then
 * copied the note as its answer, having printed nothing (DABench question 352), so the note says
 * to print it.
 *
 * @param answerLines - the lines taken off.
 * @param code - the code that ran, to tell its variables.
 * @returns the note.
 */
export function answerLinesNotRunNote(answerLines: string[], code = ''): string {
  const shown = answerLines.map(line => `\`${line}\``).join(', ');
  const names = new Set<string>();
  for (const line of answerLines) {
    for (const [, value] of line.matchAll(Private.VALUE)) {
      const name = value.trim();
      if (/^[A-Za-z_]\w*$/.test(name) && new RegExp(`^\\s*${name}\\s*=[^=]`, 'm').test(code)) {
        names.add(name);
      }
    }
  }
  const variables = [...names].join(', ');
  const printThem = variables
    ? ` Names your code assigns are not values (${variables}): print them (print(${variables})), then ` +
      'write the answer lines with what is printed.'
    : '';
  return (
    `Note: the code ran without its last ${answerLines.length === 1 ? 'line' : 'lines'}, ${shown}: ` +
    'answer lines are not Python. Write them in your reply, outside any code, with the values the ' +
    `output above shows.${printThem}`
  );
}

namespace Private {
  /**
   * The value of each `@name[value]` of an answer line.
   */
  export const VALUE = /@\w+\s*\[([^\]\n]*)\]/g;

  /**
   * A line a decorator above it would apply to.
   */
  export const DECORATED = /^\s*(?:@|def\s|async\s+def\s|class\s)/;
}
