// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type * as nbformat from '@jupyterlab/nbformat';

import type { IExecutionResult } from '../kernel/executionResult';
import { joinMultiline } from './outputText';

/**
 * What to tell the model when a cell ran without an error but a library warned that part of it
 * changed nothing, so that the printed result is computed without that part.
 *
 * The one warning recognised is pandas' `ChainedAssignmentError` (pandas 3, Copy-on-Write): an
 * inplace method called on a column (`df[col].fillna(value, inplace=True)`), or an assignment
 * through a chain (`df[col][mask] = value`), works on a copy and never updates `df`. Models
 * trained on older pandas write both, read the warning as noise, and report the unchanged
 * result (the real-model suite's `missing-fill-median`: the mean without the filled values).
 *
 * When the warning names a line of the cell (`<file>:<line>: ChainedAssignmentError`) whose form is
 * one of those two, the note also gives that line rewritten: the 1.5B model, told only the rule,
 * sent the same code back until the turn gave up (DABench question 178).
 *
 * @param result - the cell's execution.
 * @param source - the code that ran, to quote the lines the warning names.
 * @returns the note for the model, or `undefined` when no such warning was printed.
 */
export function noEffectWarningNote(result: IExecutionResult, source = ''): string | undefined {
  const printed = result.outputs
    .filter(output => output.output_type === 'stream')
    .map(output => joinMultiline((output as nbformat.IStream).text))
    .join('');
  if (!printed.includes('ChainedAssignmentError')) {
    return undefined;
  }
  const lines = source.split('\n');
  const rewrites = new Map<number, string>();
  for (const match of printed.matchAll(Private.WARNED_LINE)) {
    const number = Number(match[1]);
    // The warning quotes the line it names: a line of another file (a function an earlier cell
    // defined) has another text, and is not taken for this cell's.
    const line = lines[number - 1]?.trim();
    const rewritten = line && printed.includes(line) ? Private.assignedForm(line) : undefined;
    if (rewritten) {
      rewrites.set(number, `line ${number}, \`${line}\`, as \`${rewritten}\``);
    }
  }
  const note =
    'Note: pandas warned (ChainedAssignmentError) that a change made through a column, such as ' +
    '`df[col].fillna(value, inplace=True)` or `df[col][mask] = value`, changed nothing: under ' +
    'Copy-on-Write it works on a copy. The output above was computed without that change, so it ' +
    'is wrong. Assign the result to the column instead, e.g. `df[col] = df[col].fillna(value)` or ' +
    '`df.loc[mask, col] = value`, and run the cell again.';
  return rewrites.size ? `${note} Write ${[...rewrites.values()].join('; and ')}.` : note;
}

/*
 * The rewrites are done by hand: they are two fixed forms of one line each, which is what pandas'
 * own warning describes in words; no library rewrites pandas code to its Copy-on-Write form.
 */
namespace Private {
  /**
   * Where a warning names the line of the cell it was raised on (Python's warning format).
   */
  export const WARNED_LINE = /:(\d+): ChainedAssignmentError/g;

  /**
   * An inplace method called on a column: `df['a'].fillna(0, inplace=True)`, `df.a.fillna(...)`.
   */
  const INPLACE_ON_COLUMN = /^(\w+(?:\[[^\]]+\]|\.\w+)+)\.(\w+)\((.*)\)$/;

  /**
   * An assignment through a column, then a row selection: `df['a'][mask] = value`.
   */
  const CHAINED_ASSIGNMENT = /^(\w+)\[([^[\]]+)\]\[(.+)\]\s*=(?!=)\s*(.+)$/;

  /**
   * The line (without its indentation) with its change assigned, or `undefined` when it has
   * neither form.
   */
  export function assignedForm(line: string): string | undefined {
    const inplace = INPLACE_ON_COLUMN.exec(line);
    if (inplace) {
      const [, column, method, args] = inplace;
      const kept = args.replace(/(^|,)\s*inplace\s*=\s*True\s*(?=,|$)/, '').replace(/^\s*,\s*/, '');
      return kept === args ? undefined : `${column} = ${column}.${method}(${kept.trim()})`;
    }
    const chained = CHAINED_ASSIGNMENT.exec(line);
    if (chained) {
      const [, frame, column, rows, value] = chained;
      return `${frame}.loc[${rows}, ${column}] = ${value}`;
    }
    return undefined;
  }
}
