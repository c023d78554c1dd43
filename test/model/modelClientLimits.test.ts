// Every model request has an end (issue 18, item 10): an answer's length cap is sent even when the
// context window is unknown, and a stream that goes quiet is ended.
import { ModelClient } from '../../src/model/modelClient';
import { ModelError } from '../../src/model/modelError';
import { ScriptedModelServer, type ScriptedReply } from '../support/scriptedModelServer';

describe('model request limits', () => {
  const servers: ScriptedModelServer[] = [];
  async function serve(script: ScriptedReply[]): Promise<ScriptedModelServer> {
    const server = await ScriptedModelServer.start({ script });
    servers.push(server);
    return server;
  }
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(server => server.stop()));
  });
  const messages = [{ role: 'user' as const, content: 'go' }];

  it('caps every answer, under the field the endpoint reads', async () => {
    const server = await serve([
      { kind: 'text', content: 'a' },
      { kind: 'text', content: 'b' },
      { kind: 'text', content: 'c' }
    ]);
    await new ModelClient({ baseURL: server.baseUrl, apiKey: '', model: 'm', maxRetries: 0 }).stream({ messages });
    expect(server.requests[0].body).toMatchObject({ max_tokens: ModelClient.DEFAULT_MAX_OUTPUT_TOKENS });
    const own = new ModelClient({ baseURL: server.baseUrl, apiKey: '', model: 'm', maxOutputTokens: 300 });
    await own.stream({ messages, maxTokens: 100 });
    expect(server.requests[1].body).toMatchObject({ max_tokens: 100 });
    const reasoning = new ModelClient({
      baseURL: server.baseUrl,
      apiKey: '',
      model: 'm',
      outputTokensField: 'max_completion_tokens'
    });
    await reasoning.stream({ messages });
    expect(server.requests[2].body).toMatchObject({ max_completion_tokens: ModelClient.DEFAULT_MAX_OUTPUT_TOKENS });
    expect(server.requests[2].body).not.toHaveProperty('max_tokens');
    expect(ModelClient.outputTokensFieldFor('https://api.openai.com/v1')).toBe('max_completion_tokens');
    expect(ModelClient.outputTokensFieldFor('http://127.0.0.1:11434/v1')).toBe('max_tokens');
  });

  it('ends a stream that sends nothing for the idle time', async () => {
    // The first chunk comes at once, the next after a minute.
    const server = await serve([{ kind: 'text', content: 'abcdefgh'.repeat(4), chunkSize: 8, delayMs: 60_000 }]);
    const client = new ModelClient({
      baseURL: server.baseUrl,
      apiKey: '',
      model: 'm',
      maxRetries: 0,
      idleTimeoutMs: 500
    });
    const started = Date.now();
    const failure = await client.stream({ messages }).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(failure).toBeInstanceOf(ModelError);
    expect((failure as ModelError).kind).toBe('stream-interrupted');
    expect((failure as ModelError).message).toMatch(/sent nothing for 1 s/);
  }, 20_000);

  it('ends a request whose answer never starts', async () => {
    const server = await serve([{ kind: 'hang' }]);
    const client = new ModelClient({
      baseURL: server.baseUrl,
      apiKey: '',
      model: 'm',
      maxRetries: 0,
      idleTimeoutMs: 500,
      timeoutMs: 1000
    });
    const failure = await client.stream({ messages }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelError);
  }, 20_000);
});
