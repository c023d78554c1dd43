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
  external: ['bufferutil', 'utf-8-validate']
});
