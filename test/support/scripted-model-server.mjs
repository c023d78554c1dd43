#!/usr/bin/env node
/**
 * Runs the scripted OpenAI-compatible model server (test/support/scriptedModelServer.ts) as its own
 * process, for the Galata UI tests (JupyterLab's server proxy forwards to it) and the Python tests
 * of the server extension.
 *
 * Usage:
 *   node test/support/scripted-model-server.mjs --script script.json
 *        [--port N] [--host 127.0.0.1] [--model ID] [--reject-tools | --reject-tools=MESSAGE]
 *        [--api-key K] [--log requests.jsonl]
 *
 * script.json is either an array of replies, used in order, e.g.
 *   [{"kind": "tools", "calls": [{"name": "execute_code", "arguments": "{\"code\": \"1+1\"}"}]},
 *    {"kind": "text", "content": "The answer is 2."}]
 * or an object choosing a reply by the last user message:
 *   {"default": {"kind": "text", "content": "ok"},
 *    "byLastUserMessageContains": {"plot": {"kind": "text", "content": "..."}}}
 * (see scriptFromJson in scriptedModelServer.ts for the exact rules).
 *
 * Prints exactly one line `READY <baseUrl>` on stdout once listening (baseUrl ends in /v1), then
 * nothing else on stdout. With --log, appends each chat completion request as one JSON line
 * ({method, path, headers, body, replyIndex?, rejected?}). Stops on SIGTERM or SIGINT and exits 0.
 *
 * The TypeScript source is bundled at start (requireTypeScript.mjs), so the launcher needs no
 * separate build step.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { requireTypeScript } from './requireTypeScript.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function fail(message) {
  process.stderr.write(`scripted-model-server: ${message}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      script: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      model: { type: 'string' },
      'reject-tools': { type: 'string' },
      'api-key': { type: 'string' },
      log: { type: 'string' }
    },
    // `--reject-tools` alone is a flag; parseArgs needs a value for string options, handled below.
    args: process.argv.slice(2).map(arg => (arg === '--reject-tools' ? '--reject-tools=' : arg)),
    strict: true
  }).values;
} catch (error) {
  fail(error.message);
}
if (!args.script) {
  fail('--script <path to JSON> is required');
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`--port must be an integer in 0..65535, got ${args.port}`);
}

const { ScriptedModelServer, scriptFromJson } = await requireTypeScript(
  "export { ScriptedModelServer, scriptFromJson } from './scriptedModelServer';",
  here
);

let script;
try {
  script = scriptFromJson(JSON.parse(readFileSync(args.script, 'utf8')));
} catch (error) {
  fail(`cannot load script ${args.script}: ${error.message}`);
}

const rejectTools = args['reject-tools'] === undefined ? false : args['reject-tools'] || true;
const server = await ScriptedModelServer.start({
  script,
  port,
  host: args.host,
  model: args.model,
  apiKey: args['api-key'],
  rejectTools,
  onRequest: args.log ? request => appendFileSync(args.log, JSON.stringify(request) + '\n') : undefined
});
process.stdout.write(`READY ${server.baseUrl}\n`);

const shutdown = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
