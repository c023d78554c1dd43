#!/usr/bin/env node
/**
 * Starts the scripted OpenAI-compatible server with the UI tests' script (modelReplies.ts) on
 * 127.0.0.1:$MODEL_PORT, requiring `Authorization: Bearer $MODEL_API_KEY` (so the tests prove the
 * Jupyter proxy adds the server's key). Prints `READY <baseUrl>`; stops on SIGTERM/SIGINT.
 * The TypeScript is bundled with esbuild at start, as test/support/scripted-model-server.mjs does.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'ui-tests-model-'));
const outFile = join(outDir, 'server.cjs');
let loaded;
try {
  await build({
    stdin: {
      contents:
        "export { ScriptedModelServer } from '../test/support/scriptedModelServer';\nexport { reply } from './modelReplies';\n",
      resolveDir: here,
      loader: 'ts'
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    outfile: outFile,
    logLevel: 'error'
  });
  loaded = createRequire(import.meta.url)(outFile);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
const { ScriptedModelServer, reply } = loaded;
const server = await ScriptedModelServer.start({
  script: request => reply(request),
  host: '127.0.0.1',
  port: Number(process.env.MODEL_PORT ?? 0),
  model: 'scripted-model',
  apiKey: process.env.MODEL_API_KEY || undefined
});
process.stdout.write(`READY ${server.baseUrl}\n`);
const shutdown = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
