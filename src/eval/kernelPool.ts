// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { KernelManager } from '@jupyterlab/services';

import { EvalKernel } from './evalKernel';

/**
 * Parallel workers, one kernel each, taking items from a shared queue; the kernels may be on
 * several Jupyter servers.
 */
export class KernelPool {
  private constructor(private _kernels: EvalKernel[]) {}

  /**
   * Start the kernels (in parallel).
   *
   * @param managers - the kernel manager of the Jupyter server, or of each server: the kernels are
   *   dealt to them in turn (worker i on server i mod n), and a kernel restarts on its own server.
   * @param size - how many kernels (workers) in all.
   * @returns the pool.
   * @throws when a kernel cannot start; the ones that did are shut down.
   */
  static async start(managers: KernelManager | readonly KernelManager[], size: number): Promise<KernelPool> {
    const servers = Array.isArray(managers) ? managers : [managers as KernelManager];
    if (servers.length === 0) {
      throw new Error('KernelPool.start: no kernel manager');
    }
    const started = await Promise.allSettled(
      Array.from({ length: Math.max(1, size) }, (_, index) => EvalKernel.start(servers[index % servers.length]))
    );
    const kernels = started.flatMap(result => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) {
      await Promise.all(kernels.map(kernel => kernel.dispose()));
      throw failure.reason;
    }
    return new KernelPool(kernels);
  }

  /**
   * How many workers.
   */
  get size(): number {
    return this._kernels.length;
  }

  /**
   * How many times kernels were replaced after a timeout or crash.
   */
  get restarts(): number {
    return this._kernels.reduce((sum, kernel) => sum + kernel.restarts, 0);
  }

  /**
   * Process items on the workers; each worker takes the next item when it is free.
   *
   * @param items - the work, in the order it is taken.
   * @param work - what a worker does with one item on its kernel.
   * @param signal - once aborted, no new item is taken (the ones running see the signal themselves).
   * @returns when every taken item is done.
   * @throws the first error `work` throws, after the other workers stop taking items.
   */
  async run<T>(
    items: readonly T[],
    work: (kernel: EvalKernel, item: T) => Promise<void>,
    signal?: AbortSignal
  ): Promise<void> {
    let next = 0;
    let failed = false;
    const worker = async (kernel: EvalKernel) => {
      while (!failed && !signal?.aborted && next < items.length) {
        const item = items[next++];
        try {
          await work(kernel, item);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const outcomes = await Promise.allSettled(this._kernels.map(worker));
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) {
      throw failure.reason;
    }
  }

  /**
   * Shut every kernel down. Safe to call more than once.
   *
   * @returns when the server has been asked to shut them down.
   */
  async dispose(): Promise<void> {
    const kernels = this._kernels;
    this._kernels = [];
    await Promise.all(kernels.map(kernel => kernel.dispose()));
  }
}
