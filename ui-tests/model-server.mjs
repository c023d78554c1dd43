#!/usr/bin/env node
/**
 * Starts the scripted OpenAI-compatible server with the UI tests' script (modelReplies.ts) on
 * 127.0.0.1:$MODEL_PORT, requiring `Authorization: Bearer $MODEL_API_KEY` (so the tests prove the
 * Jupyter proxy adds the server's key). Prints `READY <baseUrl>`; stops on SIGTERM/SIGINT.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { requireTypeScript } from '../test/support/requireTypeScript.mjs';

const { ScriptedModelServer, reply } = await requireTypeScript(
  "export { ScriptedModelServer } from '../test/support/scriptedModelServer';\nexport { reply } from './modelReplies';\n",
  dirname(fileURLToPath(import.meta.url))
);
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
