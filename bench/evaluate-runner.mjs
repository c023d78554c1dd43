// Runs bench/evaluate.bench.ts: bundles it with esbuild into bench/out/ (git-ignored) and runs it
// with node. Usage: node bench/evaluate-runner.mjs   (env BENCH_WORKERS, BENCH_DATA optional)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, 'out', 'evaluate.bench.js');
await build({
  entryPoints: [join(here, 'evaluate.bench.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  outfile,
  logLevel: 'warning',
  // The kernel-side Python (jupyterlab_code_interpreter/kernel_side) is imported as its text.
  loader: { '.py': 'text' }
});
const result = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
process.exit(result.status ?? 1);
