// Throughput of the harness with one and two Jupyter servers: `code-interpreter evaluate` on the
// canonical solutions of the first HumanEval+ tasks (base and plus inputs), expected outputs
// cached beforehand, so that the figure is the kernels' execution work and nothing else.
//
// Usage: node bench/run.mjs bench/evalServers.ts [tasks] [rounds]
// Both servers run on this machine; on a machine with few cores they share its CPUs, which is
// what the figures show (docs/deployments.md).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

import { runEvaluateCommand } from '../src/cli/evaluateCommand';
import { defaultDataFile, loadDataset } from '../src/eval/dataset';
import type { JupyterServerProcess } from '../src/node/jupyterServerProcess';
import { startJupyter } from '../test/support/jupyter';
import { fixed, median } from './support/statistics';

// @jupyterlab/services logs every websocket event with console.debug.
console.debug = () => undefined;

/**
 * One configuration: how many servers, how many workers in all.
 */
interface IConfiguration {
  servers: number;
  workers: number;
}

const CONFIGURATIONS: IConfiguration[] = [
  { servers: 1, workers: 1 },
  { servers: 1, workers: 2 },
  { servers: 2, workers: 2 },
  { servers: 1, workers: 4 },
  { servers: 2, workers: 4 }
];

async function main(): Promise<void> {
  const taskCount = Number(process.argv[2] ?? 40);
  const rounds = Number(process.argv[3] ?? 2);
  const source = defaultDataFile('humaneval+');
  if (!source) {
    throw new Error('HumanEvalPlus.jsonl.gz is not in ../shared/data');
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-eval-servers-'));
  const servers: JupyterServerProcess[] = [];
  try {
    const tasks = loadDataset(source).tasks.slice(0, taskCount);
    const dataFile = join(dir, 'data.jsonl');
    writeFileSync(dataFile, tasks.map(task => `${task.line}\n`).join(''));
    const samples = join(dir, 'samples.jsonl');
    writeFileSync(
      samples,
      tasks
        .map(task => JSON.stringify({ task_id: task.taskId, solution: task.prompt + task.canonicalSolution }))
        .join('\n')
    );
    servers.push(...(await Promise.all([startJupyter(), startJupyter()])));
    let run = 0;
    const evaluate = async (configuration: IConfiguration): Promise<number> => {
      const chosen = servers.slice(0, configuration.servers);
      const started = performance.now();
      const code = await quietly(() =>
        runEvaluateCommand([
          '--dataset',
          'humaneval+',
          '--data',
          dataFile,
          '--samples',
          samples,
          '--out',
          join(dir, `run-${++run}`),
          '--cache-dir',
          join(dir, 'cache'),
          '--workers',
          String(configuration.workers),
          ...chosen.flatMap(server => ['--server-url', server.url, '--token', server.token])
        ])
      );
      if (code !== 0) {
        throw new Error(`evaluate exited with ${code}`);
      }
      return (performance.now() - started) / 1000;
    };
    // Expected outputs computed once, into the shared cache.
    await evaluate({ servers: 1, workers: 2 });
    const seconds = new Map<IConfiguration, number[]>(CONFIGURATIONS.map(configuration => [configuration, []]));
    for (let round = 0; round < rounds; round++) {
      for (const configuration of CONFIGURATIONS) {
        seconds.get(configuration)?.push(await evaluate(configuration));
      }
    }
    const lines = [
      `${taskCount} HumanEval+ canonical solutions (base + plus inputs), median of ${rounds} runs, ` +
        `${availableParallelism()} CPUs`,
      '',
      '| servers | workers in all | wall s | tasks/s |',
      '|---:|---:|---:|---:|'
    ];
    for (const [configuration, values] of seconds) {
      const wall = median(values);
      lines.push(
        `| ${configuration.servers} | ${configuration.workers} | ${fixed(wall, 1)} | ${fixed(taskCount / wall)} |`
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await Promise.all(servers.map(server => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Run a command with its table and progress bar kept off the terminal.
 */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  process.stdout.write = () => true;
  process.stderr.write = () => true;
  try {
    return await work();
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
