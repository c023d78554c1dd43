// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type * as nbformat from '@jupyterlab/nbformat';

import type { IExecutionResult } from '../kernel/executionResult';
import { joinMultiline } from './outputText';

/**
 * What to tell the model when a cell ran and every value its output shows is NaN: pandas' and
 * NumPy's statistics of no values (a filter that matched no rows, a column of text or of missing
 * values) are NaN, not an error, and a small model reads "nan" as an answer to round (DABench
 * question 214: a filter on `source == 'ABC News'` matched nothing, three correlations printed
 * `nan`, and the model answered 0.00 for each).
 *
 * @param result - the cell's execution.
 * @returns the note, or `undefined` when the output shows a number, or no NaN.
 */
export function allMissingValuesNote(result: IExecutionResult): string | undefined {
  if (result.status !== 'ok') {
    return undefined;
  }
  const shown = result.outputs.map(Private.shownText).join('\n');
  if (!Private.NAN.test(shown) || Private.NUMBER.test(shown)) {
    return undefined;
  }
  return (
    'Note: every value the output shows is NaN. A statistic of no values is NaN, not an error: check ' +
    'that each selection has rows (print its len(), and the values a filter compares with, e.g. ' +
    'df[col].unique()[:20]) and that the columns hold numbers (df.dtypes), then compute it again.'
  );
}

namespace Private {
  /**
   * NaN as Python, NumPy and pandas print it.
   */
  export const NAN = /(?<![\w.])(nan|NaN)(?![\w.])/;

  /**
   * A number that is not part of a name (`text_length2`) or of NaN.
   */
  export const NUMBER = /(?<![\w.])[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?(?![\w])/;

  /**
   * The text an output shows: a stream's, or the plain text of a result or display.
   */
  export function shownText(output: nbformat.IOutput): string {
    if (output.output_type === 'stream') {
      return (output as nbformat.IStream).name === 'stdout' ? joinMultiline((output as nbformat.IStream).text) : '';
    }
    const data = (output as nbformat.IExecuteResult).data;
    const plain = data?.['text/plain'];
    return plain === undefined ? '' : joinMultiline(plain as nbformat.MultilineString);
  }
}
