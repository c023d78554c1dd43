// The round trip of executing `pass` through a kernel gateway (Jupyter Enterprise Gateway on
// loopback, the Jupyter server started with --gateway-url), beside the same run's ZMQ floor and
// the direct server, with and without TCP_NODELAY on the Jupyter server's side of the hop.
//
// Usage: node bench/run.mjs bench/gatewayRoundTrip.ts [count] [blocks]
// Needs .venv-gateway (scripts/setup).
import { KernelManager, type Kernel } from '@jupyterlab/services';

import { KernelExecutor } from '../src/kernel/kernelExecutor';
import { type JupyterServerProcess } from '../src/node/jupyterServerProcess';
import { makeNodeServerSettings } from '../src/node/serverConnection';
import { GatewayProcess } from '../test/support/gateway';
import { projectPython, startJupyter } from '../test/support/jupyter';
import { fixed, ratio, summarise, type ISummary } from './support/statistics';
import { ZmqWorker } from './support/zmqWorker';

/**
 * The compared ways of running `pass`:
 * - `zmq`: jupyter_client over ZMQ, no server (the floor);
 * - `direct`: the project's KernelExecutor through the Jupyter server (no-delay websocket);
 * - `gateway`: the same through a server whose kernels run on the gateway, the no-delay gateway
 *   class (TCP_NODELAY on its websockets, TCP_QUICKACK towards the gateway);
 * - `gatewayStock`: the same with stock jupyter_server's gateway class (Nagle on).
 */
type Variant = 'zmq' | 'direct' | 'gateway' | 'gatewayStock';

const LABELS: Record<Variant, string> = {
  zmq: 'jupyter_client over ZMQ (floor)',
  direct: 'executor, direct server',
  gateway: 'executor, server -> Enterprise Gateway (no delay: TCP_NODELAY, quick ACK)',
  gatewayStock: 'executor, server -> Enterprise Gateway (stock)'
};

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 200);
  const blocks = Number(process.argv[3] ?? 4);
  const warmup = 20;
  const python = projectPython();
  const cleanups: Array<() => Promise<void>> = [];
  const runners = new Map<Variant, (n: number) => Promise<number[]>>();
  try {
    const zmq = await ZmqWorker.start(python);
    cleanups.push(() => zmq.stop());
    runners.set('zmq', n => zmq.roundTrips(n));
    const gateway = await GatewayProcess.start();
    cleanups.push(() => gateway.stop());
    const servers: Array<[Exclude<Variant, 'zmq'>, JupyterServerProcess]> = [
      ['direct', await startJupyter()],
      ['gateway', await gateway.startServer()],
      ['gatewayStock', await gateway.startServer({ noDelay: false })]
    ];
    for (const [variant, server] of servers) {
      cleanups.push(() => server.stop());
      const manager = new KernelManager({ serverSettings: makeNodeServerSettings(server.url, server.token) });
      const kernel = await manager.startNew({ name: 'python3' });
      await kernel.info;
      cleanups.push(async () => {
        await kernel.shutdown().catch(() => undefined);
        manager.dispose();
      });
      runners.set(variant, executorRunner(kernel));
    }
    process.stderr.write(`gateway round trips: ${count} each in ${blocks} blocks, warm-up ${warmup}\n`);
    for (const run of runners.values()) {
      await run(warmup);
    }
    const samples = new Map<Variant, number[]>([...runners.keys()].map(variant => [variant, []]));
    const perBlock = Math.ceil(count / blocks);
    for (let block = 0; block < blocks; block++) {
      for (const [variant, run] of runners) {
        samples.get(variant)?.push(...(await run(perBlock)));
      }
    }
    const summaries = new Map<Variant, ISummary>([...samples].map(([variant, values]) => [variant, summarise(values)]));
    const floor = summaries.get('zmq') as ISummary;
    const direct = summaries.get('direct') as ISummary;
    const lines = [
      '| `pass` round trip | median ms | p95 ms | vs ZMQ floor | vs direct server |',
      '|---|---:|---:|---:|---:|'
    ];
    for (const [variant, summary] of summaries) {
      lines.push(
        `| ${LABELS[variant]} | ${fixed(summary.median)} | ${fixed(summary.p95)} | ` +
          `${ratio(summary.median, floor.median)} | ${ratio(summary.median, direct.median)} |`
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => undefined);
    }
  }
}

/**
 * The project's executor, as the agent calls it.
 */
function executorRunner(kernel: Kernel.IKernelConnection): (n: number) => Promise<number[]> {
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

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
