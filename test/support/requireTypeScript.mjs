/**
 * Loads TypeScript from a plain Node script (the model servers the UI tests and the command-line
 * tests start as child processes): esbuild bundles it to a temporary CommonJS file, which is
 * required and deleted.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Bundle and load TypeScript source.
 *
 * @param {string} contents - the module's source, e.g. `export { X } from './x';`.
 * @param {string} resolveDir - the folder its imports are relative to.
 * @returns {Promise<Record<string, unknown>>} the module's exports.
 */
export async function requireTypeScript(contents, resolveDir) {
  const outDir = mkdtempSync(join(tmpdir(), 'require-typescript-'));
  const outFile = join(outDir, 'module.cjs');
  try {
    await build({
      stdin: { contents, resolveDir, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      outfile: outFile,
      logLevel: 'error',
      // The kernel-side Python (jupyterlab_code_interpreter/kernel_side) is imported as its text.
      loader: { '.py': 'text' }
    });
    return createRequire(import.meta.url)(outFile);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
