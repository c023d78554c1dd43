// Figure 1: the round trip of executing `pass`, side by side in one run, against the ZMQ floor.
import { KernelManager, type Kernel } from '@jupyterlab/services';

import { JupyterServerProcess } from '../src/node/jupyterServerProcess';
import { makeNodeServerSettings } from '../src/node/serverConnection';
import { KernelExecutor } from '../src/kernel/kernelExecutor';
import { summarise, type ISummary } from './support/statistics';
import { ZmqWorker } from './support/zmqWorker';

/**
 * The ways of running `pass` that are compared.
 *
 * - `zmq`: jupyter_client over ZMQ, no server in between (the floor).
 * - `stock`: @jupyterlab/services `requestExecute` through stock jupyter_server's websocket.
 * - `servicesNoDelay`: the same through the server with the no-delay websocket (the fix alone).
 * - `executor`: the project's KernelExecutor through the server with the fix (what the agent uses).
 */
export type RoundTripVariant = 'zmq' | 'stock' | 'servicesNoDelay' | 'executor';

/**
 * The result of the round-trip figure.
 */
export interface IRoundTripResult {
  /**
   * Summary per variant, in milliseconds.
   */
  summaries: Partial<Record<RoundTripVariant, ISummary>>;
  warmup: number;
  blocks: number;
}

/**
 * Measure the round trips; the variants take turns in blocks, so that a busy moment of the
 * (shared) machine falls on all of them alike.
 *
 * @param options - counts and variants.
 * @param log - progress lines.
 * @returns the samples' summaries.
 */
export async function measureRoundTrips(
  options: { python: string; count: number; warmup: number; blocks: number; variants: RoundTripVariant[] },
  log: (line: string) => void
): Promise<IRoundTripResult> {
  const runners = new Map<RoundTripVariant, (n: number) => Promise<number[]>>();
  const cleanups: Array<() => Promise<void>> = [];
  try {
    for (const variant of options.variants) {
      if (variant === 'zmq') {
        const worker = await ZmqWorker.start(options.python);
        cleanups.push(() => worker.stop());
        runners.set(variant, n => worker.roundTrips(n));
        continue;
      }
      const server = await JupyterServerProcess.start({ python: options.python, noDelay: variant !== 'stock' });
      cleanups.push(() => server.stop());
      const manager = new KernelManager({ serverSettings: makeNodeServerSettings(server.url, server.token) });
      const kernel = await manager.startNew({ name: 'python3' });
      await kernel.info;
      cleanups.push(async () => {
        await kernel.shutdown().catch(() => undefined);
        manager.dispose();
      });
      runners.set(variant, variant === 'executor' ? Private.executorRunner(kernel) : Private.servicesRunner(kernel));
    }
    log(`round trips: ${options.variants.join(', ')} ready; warm-up ${options.warmup} each`);
    for (const run of runners.values()) {
      await run(options.warmup);
    }
    const samples = new Map<RoundTripVariant, number[]>(options.variants.map(variant => [variant, []]));
    const perBlock = Math.ceil(options.count / options.blocks);
    for (let block = 0; block < options.blocks; block++) {
      for (const [variant, run] of runners) {
        samples.get(variant)?.push(...(await run(perBlock)));
      }
    }
    const summaries: IRoundTripResult['summaries'] = {};
    for (const [variant, values] of samples) {
      summaries[variant] = summarise(values);
    }
    return { summaries, warmup: options.warmup, blocks: options.blocks };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => undefined);
    }
  }
}

namespace Private {
  /**
   * Plain @jupyterlab/services: a request and its future's `done` (reply and idle both seen).
   */
  export function servicesRunner(kernel: Kernel.IKernelConnection): (n: number) => Promise<number[]> {
    return async n => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        const future = kernel.requestExecute({ code: 'pass' });
        await future.done;
        times.push(performance.now() - started);
        future.dispose();
      }
      return times;
    };
  }

  /**
   * The project's executor, as the agent calls it.
   */
  export function executorRunner(kernel: Kernel.IKernelConnection): (n: number) => Promise<number[]> {
    const executor = new KernelExecutor();
    return async n => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        const result = await executor.execute(kernel, 'pass');
        times.push(performance.now() - started);
        if (result.status !== 'ok') {
          throw new Error(`pass ended as ${result.status}`);
        }
      }
      return times;
    };
  }
}
