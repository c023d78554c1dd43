#!/usr/bin/env node
/**
 * Runs a TypeScript bench entry: bundles it with esbuild into bench/out (so that externals resolve
 * from the repository's node_modules) and runs it with node --expose-gc, passing the arguments on.
 *
 * Usage: node bench/run.mjs bench/suite.ts [arguments of the entry]
 * Exits with the entry's exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node bench/run.mjs <entry.ts> [arguments]\n');
  process.exit(2);
}
const outDir = join(here, 'out');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `${basename(entry, '.ts')}-${process.pid}.cjs`);
await build({
  entryPoints: [entry],
  outfile: outFile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  // playwright-core loads its own files at run time; ws's native speed-ups are optional.
  external: ['playwright-core', 'bufferutil', 'utf-8-validate'],
  // The kernel-side Python (jupyterlab_code_interpreter/kernel_side) is imported as its text.
  loader: { '.py': 'text' }
});
let status = 1;
try {
  const child = spawnSync(process.execPath, ['--expose-gc', '--enable-source-maps', outFile, ...args], {
    stdio: 'inherit'
  });
  status = child.status ?? 1;
} finally {
  rmSync(outFile, { force: true });
}
process.exit(status);
