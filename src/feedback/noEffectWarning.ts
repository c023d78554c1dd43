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
 * @param result - the cell's execution.
 * @returns the note for the model, or `undefined` when no such warning was printed.
 */
export function noEffectWarningNote(result: IExecutionResult): string | undefined {
  const warned = result.outputs.some(
    output =>
      output.output_type === 'stream' &&
      joinMultiline((output as nbformat.IStream).text).includes('ChainedAssignmentError')
  );
  if (!warned) {
    return undefined;
  }
  return (
    'Note: pandas warned (ChainedAssignmentError) that a change made through a column, such as ' +
    '`df[col].fillna(value, inplace=True)` or `df[col][mask] = value`, changed nothing: under ' +
    'Copy-on-Write it works on a copy. The output above was computed without that change, so it ' +
    'is wrong. Assign the result to the column instead, e.g. `df[col] = df[col].fillna(value)` or ' +
    '`df.loc[mask, col] = value`, and run the cell again.'
  );
}
