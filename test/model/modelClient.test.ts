import { ModelClient } from '../../src/model/modelClient';
import { ModelError } from '../../src/model/modelError';
import { freeLoopbackPort } from '../../src/node/loopbackPort';
import { ScriptedModelServer, type ScriptedReply } from '../support/scriptedModelServer';

describe('ModelClient against an OpenAI-compatible server over HTTP/SSE', () => {
  const servers: ScriptedModelServer[] = [];
  async function serve(script: ScriptedReply[], options: Partial<ScriptedModelServer.IOptions> = {}) {
    const server = await ScriptedModelServer.start({ script, ...options });
    servers.push(server);
    return server;
  }
  const client = (baseURL: string, apiKey = 'k', maxRetries = 2) =>
    new ModelClient({ baseURL, apiKey, model: 'm', maxRetries });
  const failure = async (promise: Promise<unknown>): Promise<ModelError> => {
    try {
      await promise;
    } catch (error) {
      return error as ModelError;
    }
    throw new Error('expected a failure');
  };

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(server => server.stop()));
  });

  it('streams text as it arrives, without special tokens, with usage', async () => {
    const server = await serve([{ kind: 'text', content: 'Hello there.<|EOT|>', chunkSize: 3 }]);
    const deltas: string[] = [];
    const response = await client(server.baseUrl).stream(
      { messages: [{ role: 'user', content: 'hi' }] },
      { onDelta: text => deltas.push(text) }
    );
    expect(response.content).toBe('Hello there.');
    // Each chunk of three characters is passed on as it arrives; only the special token is held
    // back and dropped.
    expect(deltas.slice(0, 4)).toEqual(['Hel', 'lo ', 'the', 're.']);
    expect(deltas.join('')).toBe('Hello there.');
    expect(response.finishReason).toBe('stop');
    expect(response.usage.completionTokens).toBeGreaterThan(0);
    expect(server.requests[0].body).toMatchObject({ model: 'm', stream: true });
  });

  it('reassembles tool-call arguments split across chunks', async () => {
    const args = JSON.stringify({ code: 'import pandas as pd\nprint(pd.__version__)' });
    const server = await serve([
      {
        kind: 'tools',
        calls: [
          { name: 'execute_code', arguments: args, id: 'call_a' },
          { name: 'add_markdown', arguments: '{"text": "## Notes"}', id: 'call_b' }
        ],
        argumentChunkSize: 4
      }
    ]);
    const response = await client(server.baseUrl).stream({ messages: [{ role: 'user', content: 'go' }] });
    expect(response.finishReason).toBe('tool_calls');
    expect(response.toolCalls).toEqual([
      { id: 'call_a', name: 'execute_code', arguments: args },
      { id: 'call_b', name: 'add_markdown', arguments: '{"text": "## Notes"}' }
    ]);
  });

  it('retries a 429 and a 503, then succeeds', async () => {
    const server = await serve([
      { kind: 'http-error', status: 429, headers: { 'retry-after': '0' } },
      { kind: 'http-error', status: 503 },
      { kind: 'text', content: 'ok' }
    ]);
    const response = await client(server.baseUrl).stream({ messages: [{ role: 'user', content: 'x' }] });
    expect(response.content).toBe('ok');
    expect(server.requests).toHaveLength(3);
  });

  it('gives one-line errors for 401, 404, 5xx after retries, and an unreachable endpoint', async () => {
    const keyed = await serve([], { apiKey: 'right' });
    const auth = await failure(client(keyed.baseUrl, 'wrong').stream({ messages: [] }));
    expect(auth).toBeInstanceOf(ModelError);
    expect(auth.kind).toBe('auth');
    expect(auth.message).toMatch(/refused the API key \(401\)/);

    const missing = await serve([{ kind: 'http-error', status: 404 }]);
    const notFound = await failure(client(missing.baseUrl).stream({ messages: [] }));
    expect(notFound.kind).toBe('not-found');
    expect(notFound.message).toContain('model "m"');

    const broken = await serve([
      { kind: 'http-error', status: 500 },
      { kind: 'http-error', status: 500 }
    ]);
    const server = await failure(client(broken.baseUrl, 'k', 1).stream({ messages: [] }));
    expect(server.kind).toBe('server');
    expect(broken.requests).toHaveLength(2);

    const port = await freeLoopbackPort();
    const unreachable = await failure(client(`http://127.0.0.1:${port}/v1`, 'k', 0).stream({ messages: [] }));
    expect(unreachable.kind).toBe('unreachable');
    for (const error of [auth, notFound, server, unreachable]) {
      expect(error.message.split('\n')).toHaveLength(1);
    }
  });

  it('recognises an endpoint that refuses tools', async () => {
    const server = await serve([], { rejectTools: true });
    const error = await failure(
      client(server.baseUrl).stream({
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }]
      })
    );
    expect(error.kind).toBe('tools-unsupported');
  });

  it('reports an answer cut off midway as transient', async () => {
    const server = await serve([{ kind: 'cut', content: 'a long answer that stops', afterChars: 6 }]);
    const error = await failure(client(server.baseUrl).stream({ messages: [] }));
    expect(error.kind).toBe('stream-interrupted');
    expect(error.isTransient).toBe(true);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    // Aborted while the server holds the request: the client is waiting on the open connection.
    const server = await serve([{ kind: 'hang' }], { onRequest: () => controller.abort() });
    const error = await failure(client(server.baseUrl).stream({ messages: [] }, { signal: controller.signal }));
    expect(error.kind).toBe('aborted');
    // One request, not retried after the abort.
    expect(server.requests).toHaveLength(1);
  });
});
