// The kernel's state for the model: tokens it adds to a turn's requests, and the time to collect
// it, at 10, 100 and 1,000 variables in the user's namespace.
//
// Usage: node bench/run.mjs bench/kernelState.ts [repeats]
import { join } from 'node:path';

import { Agent } from '../src/agent/agent';
import { createTiktokenCounter } from '../src/feedback/tiktokenCounter';
import { JupyterConnection } from '../src/node/jupyterConnection';
import { ModelClient } from '../src/model/modelClient';
import { HeadlessNotebook } from '../src/notebook/headlessNotebook';
import { ScriptedModelServer } from '../test/support/scriptedModelServer';
import { median, percentile } from './support/statistics';

/**
 * One namespace size.
 */
interface IRow {
  variables: number;
  /** Tokens of the kernel note in the turn's prompt (every request of the turn carries it). */
  tokensPerRequest: number;
  /** The kernel's own time to collect the namespace, median and 90th percentile, ms. */
  kernelMs: number;
  kernelP90Ms: number;
  /** From the request to the parsed reply, median, ms. */
  roundTripMs: number;
}

/**
 * Code that makes `count` variables of the kinds a data analysis holds: mostly numbers, strings
 * and lists, an array in ten, a small DataFrame in fifty.
 */
function populate(count: number): string {
  return [
    'import numpy as np, pandas as pd',
    `for k in range(${count}):`,
    '    if k % 50 == 0:',
    '        v = pd.DataFrame({"a": range(100), "b": [str(x) for x in range(100)], "c": [x * 0.5 for x in range(100)]})',
    '    elif k % 10 == 0:',
    '        v = np.zeros((100, 4))',
    '    elif k % 3 == 0:',
    '        v = list(range(k))',
    '    elif k % 3 == 1:',
    '        v = f"text {k}"',
    '    else:',
    '        v = k * 1.5',
    '    globals()[f"var{k}"] = v',
    'del k, v'
  ].join('\n');
}

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 20);
  const python = process.env.CODE_INTERPRETER_PYTHON ?? join(__dirname, '..', '..', '.venv', 'bin', 'python');
  const counter = await createTiktokenCounter();
  const connection = await JupyterConnection.open({ python });
  const model = await ScriptedModelServer.start({ script: () => ({ kind: 'text', content: 'Noted.' }) });
  const rows: IRow[] = [];
  try {
    for (const variables of [10, 100, 1000]) {
      const notebook = await HeadlessNotebook.open({
        contents: connection.contents,
        sessions: connection.sessions,
        path: `kernel-state-${variables}.ipynb`
      });
      try {
        const cellId = await notebook.insertCode(populate(variables));
        const ran = await notebook.execute(cellId);
        if (ran.status !== 'ok') {
          throw new Error(`The variables could not be made: ${JSON.stringify(ran.outputs)}`);
        }
        const kernelMs: number[] = [];
        const roundTripMs: number[] = [];
        // The first inspection pays for warming up (pandas' first null count among others).
        await notebook.inspectKernel();
        for (let i = 0; i < repeats; i++) {
          const inspection = await notebook.inspectKernel();
          if (inspection.kind !== 'namespace') {
            throw new Error(`The kernel was not inspected: ${inspection.reason}`);
          }
          kernelMs.push(inspection.namespace.elapsedMs);
          roundTripMs.push(inspection.durationMs);
        }
        const prompts: string[] = [];
        for (const kernelStateTokens of [600, 0]) {
          const agent = new Agent({
            model: new ModelClient({ baseURL: model.baseUrl, apiKey: 'bench', model: 'scripted-model', maxRetries: 0 }),
            target: notebook,
            tokenCounter: counter,
            kernelStateTokens
          });
          const before = model.requests.length;
          await agent.run('What is in the kernel?');
          agent.dispose();
          const message = model.requests[before].body.messages.at(-1);
          prompts.push(typeof message?.content === 'string' ? message.content : '');
        }
        rows.push({
          variables,
          tokensPerRequest: counter.count(prompts[0]) - counter.count(prompts[1]),
          kernelMs: median(kernelMs),
          kernelP90Ms: percentile(kernelMs, 90),
          roundTripMs: median(roundTripMs)
        });
      } finally {
        await notebook.close(true);
      }
    }
  } finally {
    await model.stop();
    await connection.close();
  }
  process.stdout.write(
    `variables | tokens added per request | kernel time median (p90) | round trip median\n` +
      rows
        .map(
          row =>
            `${row.variables} | ${row.tokensPerRequest} | ${row.kernelMs.toFixed(1)} ms (${row.kernelP90Ms.toFixed(1)} ms) | ${row.roundTripMs.toFixed(1)} ms`
        )
        .join('\n') +
      '\n'
  );
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
