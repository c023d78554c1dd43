/**
 * Tests of the scripted model server, through the real openai SDK (6.49) over real HTTP on loopback.
 *
 * How a `cut` reply surfaces in openai 6.49 (Node 20, undici fetch), as asserted below:
 * - streaming: the chunks sent before the cut arrive normally, then iterating the stream THROWS a
 *   plain `TypeError` with message `terminated` whose `cause` is undici's `SocketError`
 *   (`code: 'UND_ERR_SOCKET'`, message `other side closed`). It is NOT an `OpenAI.APIError` /
 *   `APIConnectionError`, and no chunk with a `finish_reason` is seen.
 * - non-streaming: `create()` rejects with the same `TypeError('terminated')`.
 * - through the `client.chat.completions.stream()` helper: `finalChatCompletion()` rejects with an
 *   `OpenAI.OpenAIError` (not an `APIError`) whose message is `TypeError: terminated`.
 * Under jest, `instanceof TypeError` is false for it (undici creates it in Node's realm, not the
 * test sandbox's), so check `name === 'TypeError'` / `message === 'terminated'` or the cause code.
 * A request left hanging and ended by `stop()` rejects with `OpenAI.APIConnectionError`
 * (`Connection error.`), because there the socket closes before any response headers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';

import {
  lastUserMessageText,
  scriptFromJson,
  ScriptedModelServer,
  type IRecordedRequest,
  type ScriptedReply
} from './scriptedModelServer';

const USER = [{ role: 'user' as const, content: 'Compute 1+1' }];
const TOOLS: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'execute_code',
      description: 'Run code',
      parameters: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] }
    }
  }
];

let servers: ScriptedModelServer[] = [];

async function serve(options: ScriptedModelServer.IOptions): Promise<{ server: ScriptedModelServer; client: OpenAI }> {
  const server = await ScriptedModelServer.start(options);
  servers.push(server);
  const client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'test-key', maxRetries: 0 });
  return { server, client };
}

afterEach(async () => {
  await Promise.all(servers.map(server => server.stop()));
  servers = [];
});

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  return chunks;
}

function contentOf(chunks: ChatCompletionChunk[]): string {
  return chunks.map(chunk => chunk.choices[0]?.delta.content ?? '').join('');
}

/** Run `promise` and return what it rejected with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('streaming', () => {
  it('streams text as several content deltas that reassemble, then stop and [DONE]', async () => {
    const content = 'Hello, wörld 🌍! Here is some longer text to split.';
    const { server, client } = await serve({ script: [{ kind: 'text', content, chunkSize: 5 }] });
    const stream = await client.chat.completions.create({ model: 'any', messages: USER, stream: true });
    const chunks = await collect(stream);

    expect(chunks[0].object).toBe('chat.completion.chunk');
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(contentOf(chunks)).toBe(content);
    const contentChunks = chunks.filter(chunk => chunk.choices[0]?.delta.content);
    expect(contentChunks.length).toBe(Math.ceil(Array.from(content).length / 5));
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every(chunk => chunk.choices[0].finish_reason === null)).toBe(true);
    expect(new Set(chunks.map(chunk => chunk.id)).size).toBe(1);
    expect(chunks[0].model).toBe('any');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].body.messages).toEqual(USER);
    expect(server.requests[0].headers.authorization).toBe('Bearer test-key');
  });

  it('honours finishReason', async () => {
    const { client } = await serve({ script: [{ kind: 'text', content: 'trunc', finishReason: 'length' }] });
    const chunks = await collect(await client.chat.completions.create({ model: 'm', messages: USER, stream: true }));
    expect(chunks[chunks.length - 1].choices[0].finish_reason).toBe('length');
  });

  it('sends each chunk as it is written: the first arrives while the rest is still pending', async () => {
    // A 10-minute pause between chunks: if chunks were buffered, the first would never arrive and
    // the test would time out.
    const { server, client } = await serve({
      script: [{ kind: 'text', content: 'first chunk then a long pause', chunkSize: 11, delayMs: 600_000 }]
    });
    const stream = await client.chat.completions.create({ model: 'm', messages: USER, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    const role = await iterator.next();
    expect(role.done).toBe(false);
    expect(role.value.choices[0].delta.role).toBe('assistant');
    const error = rejection(iterator.next());
    await server.stop();
    // The server stopped mid-stream: the pending read fails (as a cut does) rather than hanging.
    expect(await error).toMatchObject({ name: 'TypeError', message: 'terminated' });
  });

  it('splits tool-call arguments across chunks as OpenAI does; the SDK reassembles valid JSON', async () => {
    const code = 'import math\nprint(math.sqrt(2) * "x".count("x"))';
    const args = JSON.stringify({ code });
    const { server, client } = await serve({
      script: [
        {
          kind: 'tools',
          content: 'Let me run it.',
          calls: [
            { name: 'execute_code', arguments: args },
            { name: 'add_markdown', arguments: '{"text": "done"}', id: 'call_custom' }
          ]
        }
      ]
    });
    const chunks: ChatCompletionChunk[] = [];
    const runner = client.chat.completions.stream({ model: 'm', messages: USER, tools: TOOLS });
    runner.on('chunk', chunk => chunks.push(chunk));
    const completion = await runner.finalChatCompletion();

    const message = completion.choices[0].message;
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(message.content).toBe('Let me run it.');
    const calls = message.tool_calls ?? [];
    expect(calls).toHaveLength(2);
    const [first, second] = calls.map(call => {
      if (call.type !== 'function') {
        throw new Error('expected a function tool call');
      }
      return call;
    });
    expect(first.function.name).toBe('execute_code');
    expect(JSON.parse(first.function.arguments)).toEqual({ code });
    expect(first.id).toBe('call_0_0');
    expect(second.id).toBe('call_custom');
    expect(JSON.parse(second.function.arguments)).toEqual({ text: 'done' });

    // On the wire: a head delta per call (index, id, type, name, '') then argument fragments of 7.
    const toolDeltas = chunks.flatMap(chunk => chunk.choices[0]?.delta.tool_calls ?? []);
    const heads = toolDeltas.filter(delta => delta.id !== undefined);
    expect(heads).toEqual([
      { index: 0, id: 'call_0_0', type: 'function', function: { name: 'execute_code', arguments: '' } },
      { index: 1, id: 'call_custom', type: 'function', function: { name: 'add_markdown', arguments: '' } }
    ]);
    const fragments = toolDeltas.filter(delta => delta.index === 0 && delta.id === undefined);
    expect(fragments.length).toBe(Math.ceil(args.length / 7));
    expect(fragments.every(delta => delta.function?.name === undefined)).toBe(true);
    expect(fragments.map(delta => delta.function?.arguments).join('')).toBe(args);
    expect(server.requests[0].body.tools).toEqual(TOOLS);
  });

  it('sends a usage chunk with empty choices only when stream_options.include_usage is set', async () => {
    const script: ScriptedReply[] = [
      { kind: 'text', content: 'abcdefgh'.repeat(4) },
      { kind: 'text', content: 'abcdefgh'.repeat(4) }
    ];
    const { client } = await serve({ script });
    const withUsage = await collect(
      await client.chat.completions.create({
        model: 'm',
        messages: USER,
        stream: true,
        stream_options: { include_usage: true }
      })
    );
    const last = withUsage[withUsage.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({
      prompt_tokens: expect.any(Number),
      completion_tokens: 8,
      total_tokens: (last.usage?.prompt_tokens ?? 0) + 8
    });
    expect(last.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(withUsage[withUsage.length - 2].choices[0].finish_reason).toBe('stop');

    const without = await collect(await client.chat.completions.create({ model: 'm', messages: USER, stream: true }));
    expect(without.every(chunk => chunk.usage === undefined || chunk.usage === null)).toBe(true);
    expect(without[without.length - 1].choices[0].finish_reason).toBe('stop');
  });
});

describe('non-streaming', () => {
  it('answers text as one chat.completion with usage', async () => {
    const { client } = await serve({ script: [{ kind: 'text', content: 'The answer is 2.' }] });
    const completion = await client.chat.completions.create({ model: 'm', messages: USER });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0].message).toMatchObject({ role: 'assistant', content: 'The answer is 2.' });
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBe(4);
  });

  it('answers tool calls with finish_reason tool_calls', async () => {
    const { client } = await serve({
      script: [{ kind: 'tools', calls: [{ name: 'execute_code', arguments: '{"code":"1+1"}' }] }]
    });
    const completion = await client.chat.completions.create({ model: 'm', messages: USER, tools: TOOLS });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.content).toBeNull();
    expect(completion.choices[0].message.tool_calls).toEqual([
      { id: 'call_0_0', type: 'function', function: { name: 'execute_code', arguments: '{"code":"1+1"}' } }
    ]);
  });
});

describe('errors', () => {
  it('surfaces scripted HTTP errors as the SDK error classes', async () => {
    const { client } = await serve({
      script: [
        { kind: 'http-error', status: 500 },
        { kind: 'http-error', status: 404 },
        { kind: 'http-error', status: 429, headers: { 'retry-after': '7' } },
        {
          kind: 'http-error',
          status: 400,
          body: { error: { message: 'context too long', type: 'invalid_request_error', code: null } }
        }
      ]
    });
    const create = (): Promise<unknown> => client.chat.completions.create({ model: 'm', messages: USER, stream: true });

    const e500 = await rejection(create());
    expect(e500).toBeInstanceOf(OpenAI.InternalServerError);
    expect((e500 as APIError).status).toBe(500);

    const e404 = await rejection(create());
    expect(e404).toBeInstanceOf(OpenAI.NotFoundError);
    expect((e404 as APIError).code).toBe('model_not_found');

    const e429 = await rejection(create());
    expect(e429).toBeInstanceOf(OpenAI.RateLimitError);
    expect((e429 as APIError).headers?.get('retry-after')).toBe('7');

    const e400 = await rejection(create());
    expect(e400).toBeInstanceOf(OpenAI.BadRequestError);
    expect((e400 as APIError).message).toContain('context too long');
  });

  it('rejects a wrong API key with 401 invalid_api_key without consuming the script', async () => {
    const { server } = await serve({ apiKey: 'right', script: [{ kind: 'text', content: 'ok' }] });
    const wrong = new OpenAI({ baseURL: server.baseUrl, apiKey: 'wrong', maxRetries: 0 });
    const error = await rejection(wrong.chat.completions.create({ model: 'm', messages: USER }));
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as APIError).status).toBe(401);
    expect((error as APIError).code).toBe('invalid_api_key');
    expect((error as APIError).message).toContain('Incorrect API key provided');
    expect(await rejection(wrong.models.list())).toBeInstanceOf(OpenAI.AuthenticationError);

    const right = new OpenAI({ baseURL: server.baseUrl, apiKey: 'right', maxRetries: 0 });
    const completion = await right.chat.completions.create({ model: 'm', messages: USER });
    expect(completion.choices[0].message.content).toBe('ok');
    expect(server.requests.map(request => [request.rejected, request.replyIndex])).toEqual([
      ['api-key', undefined],
      [undefined, 0]
    ]);
  });

  it('rejectTools answers 400 with the vLLM message whenever tools are sent', async () => {
    const { server, client } = await serve({ rejectTools: true, script: [{ kind: 'text', content: 'plain' }] });
    const error = await rejection(
      client.chat.completions.create({ model: 'm', messages: USER, tools: TOOLS, stream: true })
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toContain(
      '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'
    );
    // The same conversation without tools gets the first scripted reply.
    const completion = await client.chat.completions.create({ model: 'm', messages: USER });
    expect(completion.choices[0].message.content).toBe('plain');
    expect(server.requests.map(request => request.rejected)).toEqual(['tools', undefined]);
  });

  it('rejectTools accepts a custom message', async () => {
    const { client } = await serve({ rejectTools: 'tools are not supported here', script: [] });
    const error = await rejection(client.chat.completions.create({ model: 'm', messages: USER, tools: TOOLS }));
    expect((error as APIError).message).toContain('tools are not supported here');
  });

  it('answers 500 naming the exhausted script, and records the request', async () => {
    const { server, client } = await serve({ script: [{ kind: 'text', content: 'only one' }] });
    await client.chat.completions.create({ model: 'm', messages: USER });
    const error = await rejection(client.chat.completions.create({ model: 'm', messages: USER, stream: true }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as APIError).message).toContain('script exhausted');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1].rejected).toBe('script-exhausted');
  });

  it('cut (streaming): the sent deltas arrive, then iteration throws TypeError "terminated"', async () => {
    const { client } = await serve({
      script: [{ kind: 'cut', content: 'abcdefghijklmnopqrstuvwxyz', afterChars: 10 }]
    });
    const stream = await client.chat.completions.create({ model: 'm', messages: USER, stream: true });
    const chunks: ChatCompletionChunk[] = [];
    const error = await rejection(
      (async () => {
        for await (const chunk of stream) {
          chunks.push(chunk);
        }
      })()
    );
    expect(contentOf(chunks)).toBe('abcdefghij');
    expect(chunks.every(chunk => chunk.choices[0].finish_reason === null)).toBe(true);
    // Compared by name: undici's TypeError comes from Node's realm, not jest's sandbox.
    expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
    expect(error).not.toBeInstanceOf(OpenAI.APIError);
    expect(((error as Error).cause as { code?: string }).code).toBe('UND_ERR_SOCKET');
  });

  it('cut through the stream() helper: finalChatCompletion rejects with OpenAIError "TypeError: terminated"', async () => {
    const { client } = await serve({
      script: [
        { kind: 'cut', content: 'abcdefghijklmnopqrstuvwxyz', afterChars: 10 },
        { kind: 'text', content: 'next' }
      ]
    });
    const runner = client.chat.completions.stream({ model: 'm', messages: USER });
    const error = await rejection(runner.finalChatCompletion());
    expect(error).toBeInstanceOf(OpenAI.OpenAIError);
    expect(error).not.toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toBe('TypeError: terminated');
    // The client recovers: the next request on the same client gets the next reply.
    const next = await client.chat.completions.create({ model: 'm', messages: USER });
    expect(next.choices[0].message.content).toBe('next');
  });

  it('cut (non-streaming): create() rejects with TypeError "terminated"', async () => {
    const { client } = await serve({
      script: [{ kind: 'cut', content: 'abcdefghijklmnopqrstuvwxyz', afterChars: 40 }]
    });
    const error = await rejection(client.chat.completions.create({ model: 'm', messages: USER }));
    expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
    expect(error).not.toBeInstanceOf(OpenAI.APIError);
  });
});

describe('script and routes', () => {
  it('calls a script function with each request and its index', async () => {
    const seen: [string, number][] = [];
    const { client } = await serve({
      script: (request: IRecordedRequest, index: number) => {
        seen.push([lastUserMessageText(request.body), index]);
        return index < 2 ? { kind: 'text', content: `reply ${index}` } : undefined;
      }
    });
    const ask = async (content: string): Promise<string | null> =>
      (await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content }] })).choices[0].message
        .content;
    expect(await ask('one')).toBe('reply 0');
    expect(await ask('two')).toBe('reply 1');
    expect(await rejection(ask('three'))).toBeInstanceOf(OpenAI.InternalServerError);
    expect(seen).toEqual([
      ['one', 0],
      ['two', 1],
      ['three', 2]
    ]);
  });

  it('scriptFromJson picks replies by the last user message, else the default', async () => {
    const script = scriptFromJson({
      default: { kind: 'text', content: 'default' },
      byLastUserMessageContains: { plot: { kind: 'text', content: 'plotting' } }
    });
    const { client } = await serve({ script });
    const ask = async (content: string): Promise<string | null> =>
      (
        await client.chat.completions.create({
          model: 'm',
          messages: [
            { role: 'user', content: 'plot earlier' },
            { role: 'assistant', content: 'x' },
            { role: 'user', content: [{ type: 'text', text: content }] }
          ]
        })
      ).choices[0].message.content;
    expect(await ask('please plot it')).toBe('plotting');
    expect(await ask('something else')).toBe('default');
    expect(() => scriptFromJson([{ kind: 'nonsense' }])).toThrow(/not a scripted reply/);
  });

  it('lists the model, answers 404 on unknown paths and 400 on non-JSON bodies', async () => {
    const { server, client } = await serve({ model: 'served-id', script: [] });
    const models = await client.models.list();
    expect(models.data.map(model => model.id)).toEqual(['served-id']);

    const unknown = await fetch(`${server.baseUrl}/embeddings`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('/v1/embeddings');

    const bad = await fetch(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json'
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('not valid JSON');
    expect(server.requests).toHaveLength(0);
  });
});

describe('stop', () => {
  it('ends a hanging request and is idempotent', async () => {
    // The server has the request, so stop() really has a hanging connection to end.
    let received = () => undefined as void;
    const hanging = new Promise<void>(resolve => (received = resolve));
    const { server, client } = await serve({ script: [{ kind: 'hang' }], onRequest: () => received() });
    const pending = rejection(client.chat.completions.create({ model: 'm', messages: USER, stream: true }));
    await hanging;
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
    expect(server.isStopped).toBe(true);
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('a client abort ends a hanging request without disturbing later ones', async () => {
    const controller = new AbortController();
    // Aborted once the server holds the request, so the abort ends a hanging request.
    const { server, client } = await serve({
      script: [{ kind: 'hang' }, { kind: 'text', content: 'after' }],
      onRequest: request => {
        if (request.replyIndex === 0) {
          controller.abort();
        }
      }
    });
    const pending = rejection(
      client.chat.completions.create({ model: 'm', messages: USER }, { signal: controller.signal })
    );
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    const completion = await client.chat.completions.create({ model: 'm', messages: USER });
    expect(completion.choices[0].message.content).toBe('after');
    expect(server.requests.map(request => request.replyIndex)).toEqual([0, 1]);
  });
});

describe('launcher (scripted-model-server.mjs)', () => {
  it('prints READY <baseUrl>, serves the JSON script, logs requests and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-test-'));
    try {
      const scriptPath = join(dir, 'script.json');
      const logPath = join(dir, 'requests.jsonl');
      writeFileSync(
        scriptPath,
        JSON.stringify([
          { kind: 'tools', calls: [{ name: 'execute_code', arguments: '{"code": "print(2)"}' }] },
          { kind: 'text', content: 'It printed 2.' }
        ])
      );
      const child = spawn(
        process.execPath,
        [join(__dirname, 'scripted-model-server.mjs'), '--script', scriptPath, '--log', logPath, '--api-key', 'k1'],
        { stdio: ['ignore', 'pipe', 'pipe'] }
      );
      let stderr = '';
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
      const firstLine = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout });
        lines.once('line', resolve);
        child.once('exit', code => reject(new Error(`launcher exited with ${code}: ${stderr}`)));
      });
      const match = /^READY (http:\/\/127\.0\.0\.1:\d+\/v1)$/.exec(firstLine);
      expect(match).not.toBeNull();

      const client = new OpenAI({ baseURL: match![1], apiKey: 'k1', maxRetries: 0 });
      const first = await client.chat.completions
        .stream({ model: 'm', messages: USER, tools: TOOLS })
        .finalChatCompletion();
      const call = first.choices[0].message.tool_calls?.[0];
      expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ code: 'print(2)' });
      const second = await client.chat.completions.create({ model: 'm', messages: USER });
      expect(second.choices[0].message.content).toBe('It printed 2.');

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const logged = readFileSync(logPath, 'utf8')
        .trim()
        .split('\n')
        .map(line => JSON.parse(line) as IRecordedRequest);
      expect(logged.map(request => request.replyIndex)).toEqual([0, 1]);
      expect(logged[0].body.tools).toEqual(TOOLS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits with status 2 and a message when --script is missing', async () => {
    const child = spawn(process.execPath, [join(__dirname, 'scripted-model-server.mjs')], {
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const code = await new Promise<number | null>(resolve => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--script');
  });
});

// The server must not keep the jest worker alive: no stray http.Agent sockets either.
afterAll(() => {
  http.globalAgent.destroy();
});
