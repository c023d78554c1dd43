// Bundles the command line into one CommonJS file for Node (dist/cli.js).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // Optional native speed-ups of ws; it works without them.
  external: ['bufferutil', 'utf-8-validate'],
  // The kernel-side Python (jupyterlab_code_interpreter/kernel_side) is imported as its text.
  loader: { '.py': 'text' }
});
