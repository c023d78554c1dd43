// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { Kernel, KernelManager } from '@jupyterlab/services';
import type { JSONObject, JSONValue } from '@lumino/coreutils';

import { KernelExecutor } from '../kernel/kernelExecutor';
import type { IExecutionResult } from '../kernel/executionResult';
import { DRIVER_COMM_TARGET, DRIVER_NAME, DRIVER_INSTALL_CODE, DRIVER_RESULT_MIME } from './pythonDriver';

/**
 * What one driver call produced.
 */
export interface IDriverCallResult {
  /**
   * The answers the driver published, in order (partial verdicts, then the final answer).
   */
  answers: JSONObject[];

  /**
   * The final answer's `result`, when the call finished.
   */
  result?: JSONValue;

  /**
   * The error the driver reported, or the kernel's error, when the call failed.
   */
  error?: string;

  /**
   * How the execution ended (`ok`, `timeout`, `dead-kernel`...).
   */
  status: IExecutionResult['status'];

  /**
   * Whether the kernel was replaced after this call (it timed out, died or stopped answering).
   */
  restarted: boolean;
}

/**
 * One kernel with the harness's Python driver installed: a payload goes over a comm, one short
 * execution runs it, the answers come back as display_data. After a timeout or a crash the
 * kernel is replaced by a fresh one, so that no state of a broken run survives.
 */
export class EvalKernel {
  private constructor(
    private _manager: KernelManager,
    private _kernelName: string,
    private _kernel: Kernel.IKernelConnection,
    private _comm: Kernel.IComm
  ) {}

  /**
   * Start a kernel and install the driver.
   *
   * @param manager - the kernel manager of the Jupyter server.
   * @param options - the kernel's name.
   * @returns the ready kernel.
   * @throws when the kernel cannot be started or the driver fails to install.
   */
  static async start(manager: KernelManager, options: EvalKernel.IOptions = {}): Promise<EvalKernel> {
    const kernelName = options.kernelName ?? 'python3';
    const { kernel, comm } = await Private.launch(manager, kernelName);
    return new EvalKernel(manager, kernelName, kernel, comm);
  }

  /**
   * How many times the kernel was replaced.
   */
  get restarts(): number {
    return this._restarts;
  }

  /**
   * Run one driver operation.
   *
   * @param payload - the operation (`op`) and its data.
   * @param options - the time limit of the whole call and a stop signal.
   * @returns the driver's answers and how the execution ended.
   * @throws when the kernel cannot be replaced after a fault.
   */
  async call(payload: JSONObject, options: EvalKernel.ICallOptions): Promise<IDriverCallResult> {
    if (this._disposed) {
      throw new Error('The evaluation kernel is disposed.');
    }
    const callId = `c${++this._calls}`;
    // Wait until the kernel has taken the payload (its idle status): a fresh kernel was seen
    // to run the execution before the comm message that preceded it.
    await this._comm.send({ id: callId, payload }).done;
    const execution = await Private.executor.execute(this._kernel, `${DRIVER_NAME}.run('${callId}')`, {
      timeoutMs: options.timeoutMs,
      signal: options.signal
    });
    const answers: JSONObject[] = [];
    for (const output of execution.outputs) {
      if (output.output_type === 'display_data') {
        const data = (output.data as JSONObject | undefined)?.[DRIVER_RESULT_MIME];
        if (data && typeof data === 'object' && !Array.isArray(data)) {
          answers.push(data as JSONObject);
        }
      }
    }
    const final = answers.find(answer => 'result' in answer || 'error' in answer);
    let error = typeof final?.error === 'string' ? final.error : undefined;
    if (!final && execution.status === 'error') {
      error = `${execution.error?.ename ?? 'Error'}: ${execution.error?.evalue ?? ''}`;
    }
    const faulted =
      execution.status === 'timeout' ||
      execution.status === 'dead-kernel' ||
      execution.kernelUnresponsive ||
      (execution.status === 'interrupted' && !options.signal?.aborted);
    if (faulted) {
      await this.replace();
    }
    return {
      answers: answers.filter(answer => answer !== final),
      result: final && 'result' in final ? final.result : undefined,
      error,
      status: execution.status,
      restarted: faulted
    };
  }

  /**
   * Replace the kernel with a fresh one and install the driver again.
   *
   * @returns when the new kernel is ready.
   * @throws when no new kernel can be started.
   */
  async replace(): Promise<void> {
    const old = this._kernel;
    this._restarts++;
    // Shut the old one down in the background: a kernel stuck in C code may take a while to die.
    void old
      .shutdown()
      .catch(() => undefined)
      .finally(() => old.dispose());
    const { kernel, comm } = await Private.launch(this._manager, this._kernelName);
    this._kernel = kernel;
    this._comm = comm;
  }

  /**
   * Shut the kernel down. Safe to call more than once.
   *
   * @returns when the server has been asked to shut it down.
   */
  async dispose(): Promise<void> {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    try {
      await this._kernel.shutdown();
    } catch {
      // The server may already be gone (Ctrl-C stops it too); nothing is left to clean.
    }
    this._kernel.dispose();
  }

  private _calls = 0;
  private _restarts = 0;
  private _disposed = false;
}

/**
 * The namespace for `EvalKernel` statics.
 */
export namespace EvalKernel {
  /**
   * How to start a kernel.
   */
  export interface IOptions {
    /**
     * The kernel spec; default `python3`.
     */
    kernelName?: string;
  }

  /**
   * Options of one call.
   */
  export interface ICallOptions {
    /**
     * Time limit of the whole call in milliseconds; the kernel is replaced when it runs out.
     */
    timeoutMs: number;

    /**
     * Aborting it interrupts the call (Ctrl-C).
     */
    signal?: AbortSignal;
  }
}

namespace Private {
  /**
   * The executor all evaluation kernels share (it holds no per-kernel state). A kernel that
   * ignores an interrupt for 2 s is replaced: it is stuck in C code or swallowing the signal.
   */
  export const executor = new KernelExecutor({ interruptGraceMs: 2000 });

  /**
   * Start a kernel, install the driver and open the comm its payloads travel on.
   */
  export async function launch(
    manager: KernelManager,
    kernelName: string
  ): Promise<{ kernel: Kernel.IKernelConnection; comm: Kernel.IComm }> {
    const kernel = await manager.startNew({ name: kernelName });
    try {
      await kernel.info;
      const installed = await executor.execute(kernel, DRIVER_INSTALL_CODE, { timeoutMs: 60000 });
      if (installed.status !== 'ok') {
        const detail = installed.error ? `${installed.error.ename}: ${installed.error.evalue}` : installed.status;
        throw new Error(`The evaluation driver did not install in the kernel: ${detail}`);
      }
      const comm = kernel.createComm(DRIVER_COMM_TARGET);
      await comm.open({}).done;
      return { kernel, comm };
    } catch (error) {
      void kernel.shutdown().catch(() => undefined);
      throw error;
    }
  }
}
