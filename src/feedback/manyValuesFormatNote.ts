// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type * as nbformat from '@jupyterlab/nbformat';

import type { IExecutionResult } from '../kernel/executionResult';

/**
 * What to tell the model when a cell failed formatting many values as one number
 * (`f"{means:.2f}"` on a Series, a DataFrame or an array): a group-by's `mean()` is one value per
 * group. The traceback alone did not move the embedded 1.5B, which added `.astype(float)` (still a
 * Series) and sent that code back until the turn gave up (DABench question 247).
 *
 * @param result - the cell's execution.
 * @returns the note, or `undefined` for any other outcome.
 */
export function manyValuesFormatNote(result: IExecutionResult): string | undefined {
  const error = result.outputs.find((output): output is nbformat.IError => output.output_type === 'error');
  const kind = error?.ename === 'TypeError' ? Private.FORMATTED.exec(error.evalue)?.[1] : undefined;
  if (!kind) {
    return undefined;
  }
  return (
    `Note: a ${kind} holds many values (one per group after a groupby), and a format such as :.2f ` +
    'takes one number. Print it whole (print(values.round(2))), or take one value by its label ' +
    '(values.loc[label]) or with .iloc[0] or .item() and format that.'
  );
}

namespace Private {
  /**
   * The error a format spec raises on a pandas or NumPy container.
   */
  export const FORMATTED =
    /unsupported format string passed to (?:pandas\.)?(Series|DataFrame|numpy\.ndarray)\.__format__/;
}
