// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IExecutionResult } from '../kernel/executionResult';
import { allMissingValuesNote } from './allMissingNote';
import { manyValuesFormatNote } from './manyValuesFormatNote';
import { missingModuleNote } from './missingModuleNote';

/**
 * The notes that say what a cell's error or output means where small models misread it: a module
 * the kernel lacks, an output of NaN only, many values formatted as one number.
 *
 * @param result - the cell's execution.
 * @param installed - the kernel's importable data packages, when known.
 * @returns the notes that apply, in that order (possibly none).
 */
export function outputNotes(result: IExecutionResult, installed: readonly string[] | undefined): string[] {
  return [missingModuleNote(result, installed), allMissingValuesNote(result), manyValuesFormatNote(result)].filter(
    (note): note is string => note !== undefined
  );
}
