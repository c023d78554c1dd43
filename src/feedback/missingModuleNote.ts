// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type * as nbformat from '@jupyterlab/nbformat';

import type { IExecutionResult } from '../kernel/executionResult';

/**
 * What to tell the model when a cell failed importing a module the kernel lacks: not to import
 * it, and which data packages the kernel has (a model that imported an unneeded `sklearn` sent the
 * same import back, then invented its answer).
 *
 * @param result - the cell's execution.
 * @param installed - the kernel's importable data packages, when known.
 * @returns the note, or `undefined` for any other outcome.
 */
export function missingModuleNote(
  result: IExecutionResult,
  installed: readonly string[] | undefined
): string | undefined {
  const error = result.outputs.find((output): output is nbformat.IError => output.output_type === 'error');
  if (error?.ename !== 'ModuleNotFoundError') {
    return undefined;
  }
  const module = /'([^']+)'/.exec(error.evalue)?.[1] ?? 'that module';
  const have = installed?.length ? ` Installed data packages: ${installed.join(', ')}.` : '';
  return `Note: ${module} is not installed in this kernel; do not import it, do the job with what is installed.${have}`;
}
