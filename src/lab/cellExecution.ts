// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ICodeCellModel } from '@jupyterlab/cells';
import type { Kernel } from '@jupyterlab/services';

import type { KernelExecutor } from '../kernel/kernelExecutor';
import type { ExecutionStatus, IExecuteOptions, IExecutionResult } from '../kernel/executionResult';
import { CellOutputWriter } from './cellOutputWriter';

/**
 * Run a code cell's source on a kernel as the agent's run of that cell: its outputs and execution
 * count are written into the cell as they arrive, as when the user runs it, and every run is
 * reported once it is over, whatever its outcome (also when no kernel could be had).
 *
 * @param cell - the code cell to run.
 * @param options - the kernel, the executor, the execution's options and where to report.
 * @returns the execution's result.
 * @throws what getting the kernel or the executor throws, after reporting it.
 */
export async function executeInCell(cell: ICodeCellModel, options: CellExecution.IOptions): Promise<IExecutionResult> {
  const execute = options.execute ?? {};
  let kernel: Kernel.IKernelConnection;
  try {
    kernel = await options.kernel();
  } catch (error) {
    Private.report(cell, undefined, error, options.onExecuted);
    throw error;
  }
  const code = cell.sharedModel.getSource();
  Private.distrust(cell);
  cell.outputs.clear();
  cell.executionCount = null;
  cell.executionState = 'running';
  const writer = new CellOutputWriter(cell);
  let result: IExecutionResult | undefined;
  let failure: unknown;
  try {
    result = await options.executor.execute(kernel, code, {
      ...execute,
      onOutput: outputs => {
        writer.write(outputs);
        execute.onOutput?.(outputs);
      }
    });
    writer.write(result.outputs);
    if (!cell.isDisposed) {
      cell.executionCount = result.executionCount;
    }
    return result;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    if (!cell.isDisposed) {
      cell.executionState = 'idle';
    }
    // After the cell is idle and its outputs are in, as listeners of a finished run expect.
    Private.report(cell, result, failure, options.onExecuted);
  }
}

/**
 * The namespace for `executeInCell`'s types.
 */
export namespace CellExecution {
  /**
   * What running a cell needs.
   */
  export interface IOptions {
    /**
     * The kernel to run on, asked for once the cell is known to be a code cell.
     */
    kernel: () => Promise<Kernel.IKernelConnection>;

    /**
     * The executor that runs the code and handles the kernel's faults.
     */
    executor: KernelExecutor;

    /**
     * Time limit, stop signal, progress.
     */
    execute?: IExecuteOptions;

    /**
     * Called once the run is over (not for a cell disposed meanwhile).
     */
    onExecuted: (executed: IExecuted) => void;
  }

  /**
   * One execution of a cell.
   */
  export interface IExecuted {
    /**
     * The cell that ran.
     */
    cell: ICodeCellModel;

    /**
     * Whether the code ran to its end without an error.
     */
    success: boolean;

    /**
     * How the execution ended; `undefined` when it could not start.
     */
    status?: ExecutionStatus;

    /**
     * Why it did not succeed: the exception's name and message, or the reason it stopped.
     */
    error?: { ename: string; evalue: string };
  }
}

namespace Private {
  /**
   * Mark a cell's outputs untrusted before the agent runs it: the model wrote the code, so what
   * it displays is rendered as untrusted (sanitized HTML, no JavaScript) until the person trusts
   * the notebook. The `trusted` metadata is what the server's notary reads on save; JupyterLab
   * only ever writes `true` there, so a cell the person had run keeps `true` unless it is reset
   * here, and the notebook would be signed with the model's outputs in it.
   */
  export function distrust(cell: ICodeCellModel): void {
    cell.trusted = false;
    cell.setMetadata('trusted', false);
  }

  /**
   * Report a finished (or failed) run of a cell that still exists.
   */
  export function report(
    cell: ICodeCellModel,
    result: IExecutionResult | undefined,
    failure: unknown,
    onExecuted: (executed: CellExecution.IExecuted) => void
  ): void {
    if (cell.isDisposed) {
      return;
    }
    const status = result?.status;
    const error = result ? executionError(result) : thrownError(failure);
    onExecuted({ cell, success: status === 'ok', status, ...(error ? { error } : {}) });
  }

  /**
   * The error of a finished execution that did not succeed, in the kernel's terms.
   */
  export function executionError(result: IExecutionResult): { ename: string; evalue: string } | undefined {
    switch (result.status) {
      case 'ok':
        return undefined;
      case 'error':
        return result.error ?? { ename: 'Error', evalue: 'The code raised an error.' };
      case 'timeout':
        return { ename: 'Timeout', evalue: 'The time limit ran out and the cell was interrupted.' };
      case 'interrupted':
        return { ename: 'Interrupted', evalue: 'The run was stopped and the cell interrupted.' };
      case 'dead-kernel':
        return { ename: 'DeadKernel', evalue: 'The kernel died while the cell ran.' };
    }
  }

  /**
   * An exception that kept an execution from finishing, in the same shape.
   */
  export function thrownError(failure: unknown): { ename: string; evalue: string } {
    return failure instanceof Error
      ? { ename: failure.name, evalue: failure.message }
      : { ename: 'Error', evalue: String(failure) };
  }
}
