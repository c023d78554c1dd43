// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';

import { OutputCollector } from './outputCollector';
import type { ExecutionStatus, IExecuteOptions, IExecutionResult } from './executionResult';

/**
 * Runs code on a kernel connection and returns what a notebook cell would hold afterwards.
 *
 * Faults follow nbclient: a time limit interrupts the cell and leaves the kernel's state alone;
 * a kernel that dies ends the execution as `dead-kernel` at once; `input()` is refused so that it
 * never waits for a person who is not there.
 */
export class KernelExecutor {
  /**
   * Construct an executor.
   *
   * @param options - the executor's options.
   */
  constructor(options: KernelExecutor.IOptions = {}) {
    this._interruptGraceMs = options.interruptGraceMs ?? 5000;
  }

  /**
   * Execute code and collect its outputs.
   *
   * @param kernel - the kernel to run on.
   * @param code - the source of the cell.
   * @param options - time limit, stop signal and progress callback.
   * @returns the result; faults of the code or the kernel are statuses, not exceptions.
   * @throws when the kernel connection is already disposed or dead.
   */
  async execute(
    kernel: Kernel.IKernelConnection,
    code: string,
    options: IExecuteOptions = {}
  ): Promise<IExecutionResult> {
    if (kernel.isDisposed || kernel.status === 'dead') {
      throw new Error('The kernel is not running.');
    }
    const started = Date.now();
    const collector = new OutputCollector();
    const ended = new PromiseDelegate<ExecutionStatus>();
    let executionCount: number | null = null;
    let replyStatus: KernelMessage.IExecuteReplyMsg['content']['status'] | undefined;
    let stdinRequested = false;
    let kernelUnresponsive = false;

    // `allow_stdin: false` makes ipykernel raise StdinNotImplementedError at once, with a
    // traceback the model can act on; a kernel that asks anyway gets an empty answer.
    const future = kernel.requestExecute(
      { code, silent: false, store_history: true, allow_stdin: false, stop_on_error: true },
      true
    );
    future.onIOPub = msg => {
      if (collector.add(msg)) {
        options.onOutput?.(collector.outputs);
      }
    };
    future.onReply = reply => {
      replyStatus = reply.content.status;
      if ('execution_count' in reply.content) {
        executionCount = reply.content.execution_count;
      }
    };
    future.onStdin = msg => {
      stdinRequested = true;
      if (msg.header.msg_type === 'input_request') {
        kernel.sendInputReply({ status: 'ok', value: '' }, msg.header as KernelMessage.IHeader<'input_request'>);
      }
    };
    future.done.then(
      () => ended.resolve(replyStatus === 'ok' ? 'ok' : 'error'),
      () => {
        // A future is cancelled when the kernel restarts under it.
        ended.resolve('dead-kernel');
      }
    );

    const onStatus = (_: Kernel.IKernelConnection, status: KernelMessage.Status) => {
      if (status === 'dead' || status === 'autorestarting' || status === 'restarting') {
        ended.resolve('dead-kernel');
      }
    };
    kernel.statusChanged.connect(onStatus);

    let stoppedAs: 'timeout' | 'interrupted' | undefined;
    const stop = async (reason: 'timeout' | 'interrupted') => {
      if (stoppedAs) {
        return;
      }
      stoppedAs = reason;
      try {
        await kernel.interrupt();
      } catch {
        // The grace period below decides what happens to a kernel that cannot be interrupted.
      }
      const graceTimer = setTimeout(() => {
        kernelUnresponsive = true;
        ended.resolve(reason);
      }, this._interruptGraceMs);
      void ended.promise.then(() => clearTimeout(graceTimer));
    };
    const timeoutTimer =
      options.timeoutMs && options.timeoutMs > 0
        ? setTimeout(() => void stop('timeout'), options.timeoutMs)
        : undefined;
    const onAbort = () => void stop('interrupted');
    if (options.signal?.aborted) {
      onAbort();
    } else {
      options.signal?.addEventListener('abort', onAbort, { once: true });
    }

    let status: ExecutionStatus;
    try {
      const endedAs = await ended.promise;
      status = endedAs === 'dead-kernel' ? 'dead-kernel' : (stoppedAs ?? endedAs);
    } finally {
      if (timeoutTimer) {
        clearTimeout(timeoutTimer);
      }
      options.signal?.removeEventListener('abort', onAbort);
      kernel.statusChanged.disconnect(onStatus);
      if (!future.isDisposed) {
        future.dispose();
      }
    }

    const outputs = [...collector.outputs];
    const errorOutput = outputs.find(output => output.output_type === 'error');
    return {
      status,
      executionCount,
      outputs,
      durationMs: Date.now() - started,
      outputDroppedByServer: collector.outputDroppedByServer,
      stdinRequested: stdinRequested || outputs.some(Private.isStdinRefusal),
      kernelUnresponsive,
      error: errorOutput ? { ename: String(errorOutput.ename), evalue: String(errorOutput.evalue) } : undefined
    };
  }

  private _interruptGraceMs: number;
}

/**
 * The namespace for `KernelExecutor` statics.
 */
export namespace KernelExecutor {
  /**
   * The options of an executor.
   */
  export interface IOptions {
    /**
     * How long to wait for the kernel to answer an interrupt before declaring it unresponsive,
     * in milliseconds. Default 5000.
     */
    interruptGraceMs?: number;
  }
}

namespace Private {
  /**
   * Whether an output is ipykernel's refusal of `input()` when stdin is not allowed.
   */
  export function isStdinRefusal(output: { output_type: string; ename?: unknown }): boolean {
    return output.output_type === 'error' && output.ename === 'StdinNotImplementedError';
  }
}
