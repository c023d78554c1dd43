/**
 * The one fake allowed in this project's tests: a scripted OpenAI-compatible HTTP server.
 *
 * No language model is reachable from the test machines, so the model is replaced by a script of
 * replies. Everything else is real: the server speaks real HTTP on loopback and streams real
 * server-sent events shaped like the ones OpenAI, vLLM, Ollama and llama.cpp send, so the client
 * under test (the openai SDK and the project's ModelClient) parses exactly what it would parse in
 * production, including tool-call arguments split across many chunks.
 *
 * Endpoints (all under `/v1`):
 * - `POST /v1/chat/completions`: answers with the next scripted reply, streamed (`stream: true`)
 *   as `chat.completion.chunk` events or as a single `chat.completion` JSON object.
 * - `GET /v1/models`: lists the one served model.
 * - `GET /props` (outside `/v1`, with `contextWindow`): llama.cpp's context size.
 * - anything else: 404 JSON in OpenAI's error shape.
 *
 * Node-only (uses `node:http`); lives in test/support, never imported by src/.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ChatCompletionCreateParams, ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/**
 * One scripted model reply.
 *
 * Lengths (`chunkSize`, `argumentChunkSize`, `afterChars`) count Unicode code points, so a chunk
 * never splits a surrogate pair (real servers split on token boundaries, never inside a character).
 */
export type ScriptedReply =
  | {
      /** Assistant text, streamed as content deltas. */
      kind: 'text';
      content: string;
      /** Characters per content delta (default 8). */
      chunkSize?: number;
      /** Pause between chunks in milliseconds (default 0). */
      delayMs?: number;
      /** `finish_reason` of the last chunk (default `'stop'`; `'length'` simulates truncation). */
      finishReason?: string;
    }
  | {
      /** Tool calls, streamed as `tool_calls` deltas; `finish_reason` is `'tool_calls'`. */
      kind: 'tools';
      calls: ScriptedReply.IToolCall[];
      /** Optional assistant text streamed before the tool calls. */
      content?: string;
      /** Characters of `arguments` per delta (default 7). */
      argumentChunkSize?: number;
      /** Pause between chunks in milliseconds (default 0). */
      delayMs?: number;
    }
  | {
      /** An HTTP error response, sent before any streaming starts (as real servers do). */
      kind: 'http-error';
      status: number;
      /** JSON body; when omitted an OpenAI-shaped `{error: {...}}` body fitting `status` is sent. */
      body?: unknown;
      /** Extra response headers, e.g. `{'retry-after': '1'}` for a 429. */
      headers?: Record<string, string>;
    }
  | {
      /**
       * Streams the first `afterChars` characters of `content` then destroys the socket: no
       * `finish_reason`, no `[DONE]`, no terminating HTTP chunk. In non-stream mode the JSON body
       * is cut after `afterChars` characters of its serialised form.
       */
      kind: 'cut';
      content: string;
      afterChars: number;
    }
  | {
      /** Accepts the request and never answers; `stop()` or a client abort ends it. */
      kind: 'hang';
    };

export namespace ScriptedReply {
  /** One scripted tool call. */
  export interface IToolCall {
    /** Function name. */
    name: string;
    /** The JSON arguments string exactly as the model would emit it (need not be valid JSON). */
    arguments: string;
    /** Tool call id; default `call_<request index>_<call index>`. */
    id?: string;
  }
}

/** A chat completion request the server received. */
export interface IRecordedRequest {
  /** HTTP method (always `POST` for recorded chat completion requests). */
  method: string;
  /** Request path, e.g. `/v1/chat/completions`. */
  path: string;
  /** Request headers, lower-cased names as Node reports them. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * The parsed JSON body. It is a JSON object but is not validated further: its shape is what the
   * client sent, typed as the client is supposed to send it.
   */
  body: ChatCompletionCreateParams;
  /**
   * Position of the scripted reply this request consumed, or `undefined` when the server rejected
   * it before reaching the script (wrong API key, `rejectTools`) or the script was exhausted.
   */
  replyIndex?: number;
  /** Why the request was answered with an error without a scripted reply, if it was. */
  rejected?: 'api-key' | 'tools' | 'script-exhausted';
}

/**
 * A script given as a function: called once per chat completion request that reaches the script,
 * with the request and the 0-based count of requests that reached the script before it. Returning
 * `undefined` means the script is exhausted (the server answers 500).
 */
export type ScriptFunction = (request: IRecordedRequest, index: number) => ScriptedReply | undefined;

/**
 * A scripted OpenAI-compatible chat completions server on loopback.
 *
 * ```ts
 * const server = await ScriptedModelServer.start({ script: [{ kind: 'text', content: 'Hi' }] });
 * const client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'k', maxRetries: 0 });
 * // ...
 * await server.stop();
 * ```
 */
export class ScriptedModelServer {
  private constructor(
    private readonly _server: http.Server,
    private readonly _options: ScriptedModelServer.IOptions,
    private readonly _port: number,
    private readonly _state: Private.IState
  ) {}

  /**
   * Start a server listening on loopback.
   *
   * @param options - script and behaviour; see {@link ScriptedModelServer.IOptions}.
   * @returns the listening server.
   * @throws Error when the port cannot be bound.
   */
  static async start(options: ScriptedModelServer.IOptions): Promise<ScriptedModelServer> {
    const state: Private.IState = {
      requests: [],
      scriptPosition: 0,
      sockets: new Set(),
      timers: new Set(),
      stopped: false,
      stopping: null
    };
    const server = http.createServer({ noDelay: true });
    server.on('connection', (socket: Socket) => {
      state.sockets.add(socket);
      socket.on('close', () => state.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      Private.handle(req, res, options, state).catch((error: unknown) => {
        // A bug in the fake must show up as a failing request, not as an unhandled rejection.
        if (!res.headersSent && !res.destroyed) {
          Private.sendJson(res, 500, Private.errorBody(String(error), 'server_error', null));
        } else {
          res.destroy();
        }
      });
    });
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    return new ScriptedModelServer(server, options, port, state);
  }

  /** The OpenAI base URL to give a client, e.g. `http://127.0.0.1:41234/v1`. */
  get baseUrl(): string {
    return `http://${this._options.host ?? '127.0.0.1'}:${this._port}/v1`;
  }

  /** The port the server listens on. */
  get port(): number {
    return this._port;
  }

  /** Chat completion requests received so far, in arrival order (including rejected ones). */
  get requests(): IRecordedRequest[] {
    return this._state.requests;
  }

  /** Whether `stop()` has been called. */
  get isStopped(): boolean {
    return this._state.stopped;
  }

  /**
   * Stop listening and close every open connection, including hanging and mid-stream ones.
   * Idempotent: later calls return the same promise.
   *
   * @returns a promise resolved once the server has closed.
   */
  stop(): Promise<void> {
    if (this._state.stopping) {
      return this._state.stopping;
    }
    this._state.stopped = true;
    for (const timer of this._state.timers) {
      clearTimeout(timer);
    }
    this._state.timers.clear();
    this._state.stopping = new Promise<void>(resolve => {
      this._server.close(() => resolve());
      // close() only stops accepting; keep-alive, streaming and hanging sockets must be cut too.
      for (const socket of this._state.sockets) {
        socket.destroy();
      }
      this._server.closeAllConnections();
    });
    return this._state.stopping;
  }
}

export namespace ScriptedModelServer {
  /** Options of {@link ScriptedModelServer.start}. */
  export interface IOptions {
    /** Replies in order, or a function choosing a reply per request. */
    script: ScriptedReply[] | ScriptFunction;
    /**
     * Answer 400 whenever a request carries `tools`, as vLLM does without
     * `--enable-auto-tool-choice`. `true` uses vLLM's message; a string replaces it.
     */
    rejectTools?: boolean | string;
    /** When set, any request without `Authorization: Bearer <apiKey>` gets 401 `invalid_api_key`. */
    apiKey?: string;
    /** Served model id listed by `/v1/models` (default `'scripted-model'`). */
    model?: string;
    /** Interface to bind (default `'127.0.0.1'`; keep it on loopback). */
    host?: string;
    /** Port (default 0: a free port chosen by the system). */
    port?: number;
    /** Serve llama.cpp's `GET /props` declaring this context window (in tokens). */
    contextWindow?: number;
    /** Called after each chat completion request is recorded (the launcher logs with it). */
    onRequest?: (request: IRecordedRequest) => void;
  }

  /** vLLM's answer to `tools` when auto tool choice is not enabled. */
  export const VLLM_TOOLS_REJECTION =
    '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set';
}

/**
 * Build a script from JSON (the launcher's `--script` file).
 *
 * Two forms are accepted:
 * - an array of {@link ScriptedReply}: replies in order;
 * - `{"default"?: reply, "byLastUserMessageContains"?: {"<substring>": reply, ...}}`: each request
 *   gets the reply of the first substring (in object key order) found in its last user message, or
 *   `default`; with neither, the script counts as exhausted for that request (500).
 *
 * @param json - the parsed JSON.
 * @returns a script usable as {@link ScriptedModelServer.IOptions.script}.
 * @throws Error when the JSON has neither form or a reply has no known `kind`.
 */
export function scriptFromJson(json: unknown): ScriptedReply[] | ScriptFunction {
  if (Array.isArray(json)) {
    return json.map((reply, i) => Private.checkReply(reply, `script[${i}]`));
  }
  if (!Private.isObject(json)) {
    throw new Error('A script must be an array of replies or an object {default, byLastUserMessageContains}');
  }
  const fallback = json.default === undefined ? undefined : Private.checkReply(json.default, 'default');
  const rules: [string, ScriptedReply][] = [];
  const byContains = json.byLastUserMessageContains;
  if (byContains !== undefined) {
    if (!Private.isObject(byContains)) {
      throw new Error('byLastUserMessageContains must be an object {substring: reply}');
    }
    for (const [substring, reply] of Object.entries(byContains)) {
      rules.push([substring, Private.checkReply(reply, `byLastUserMessageContains[${substring}]`)]);
    }
  }
  return request => {
    const text = lastUserMessageText(request.body);
    const hit = rules.find(([substring]) => text.includes(substring));
    return hit ? hit[1] : fallback;
  };
}

/**
 * The text of the last `user` message of a request (text parts joined), or `''`.
 *
 * @param body - a chat completion request body.
 * @returns the text.
 */
export function lastUserMessageText(body: ChatCompletionCreateParams): string {
  const messages: ChatCompletionMessageParam[] = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message.role !== 'user') {
      continue;
    }
    if (typeof message.content === 'string') {
      return message.content;
    }
    return message.content.map(part => (part.type === 'text' ? part.text : '')).join('');
  }
  return '';
}

namespace Private {
  export interface IState {
    requests: IRecordedRequest[];
    /** How many requests have reached the script. */
    scriptPosition: number;
    sockets: Set<Socket>;
    timers: Set<NodeJS.Timeout>;
    stopped: boolean;
    stopping: Promise<void> | null;
  }

  /** A JSON object. */
  export type JsonObject = Record<string, unknown>;

  const KINDS = new Set(['text', 'tools', 'http-error', 'cut', 'hang']);

  export function isObject(value: unknown): value is JsonObject {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  /** Check the discriminant only: a reply file is written by a test author, not a stranger. */
  export function checkReply(value: unknown, where: string): ScriptedReply {
    if (!isObject(value) || typeof value.kind !== 'string' || !KINDS.has(value.kind)) {
      throw new Error(`${where} is not a scripted reply (kind must be one of ${[...KINDS].join(', ')})`);
    }
    return value as ScriptedReply;
  }

  /** OpenAI's error body shape. */
  export function errorBody(message: string, type: string, code: string | null): JsonObject {
    return { error: { message, type, param: null, code } };
  }

  /** A default body for a scripted HTTP error, worded as OpenAI words it. */
  function defaultErrorBody(status: number, model: string): JsonObject {
    switch (status) {
      case 400:
        return errorBody('Bad request (scripted).', 'invalid_request_error', null);
      case 401:
        return errorBody('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key');
      case 404:
        return errorBody(
          `The model \`${model}\` does not exist or you do not have access to it.`,
          'invalid_request_error',
          'model_not_found'
        );
      case 429:
        return errorBody('Rate limit reached (scripted).', 'requests', 'rate_limit_exceeded');
      default:
        return errorBody(
          `The server had an error while processing your request (scripted ${status}).`,
          'server_error',
          null
        );
    }
  }

  export function sendJson(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {}
  ): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers
    });
    res.end(text);
  }

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Route one request. */
  export async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    options: ScriptedModelServer.IOptions,
    state: IState
  ): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const model = options.model ?? 'scripted-model';
    if (path === '/props' && options.contextWindow !== undefined) {
      // llama.cpp's server says its runtime context size here, outside /v1.
      await readBody(req);
      sendJson(res, 200, { default_generation_settings: { n_ctx: options.contextWindow }, total_slots: 1 });
      return;
    }
    const known = path === '/v1/chat/completions' || path === '/v1/models';
    if (!known) {
      // Drain the body so keep-alive connections stay usable.
      await readBody(req);
      const message = `Unknown path ${req.method} ${path}`;
      sendJson(res, 404, errorBody(message, 'invalid_request_error', 'not_found'));
      return;
    }
    const wantMethod = path === '/v1/models' ? 'GET' : 'POST';
    if (req.method !== wantMethod) {
      await readBody(req);
      sendJson(res, 405, errorBody(`Method ${req.method} not allowed on ${path}`, 'invalid_request_error', null), {
        allow: wantMethod
      });
      return;
    }
    const authorized = options.apiKey === undefined || req.headers.authorization === `Bearer ${options.apiKey}`;
    if (path === '/v1/models') {
      if (!authorized) {
        sendJson(res, 401, defaultErrorBody(401, model));
        return;
      }
      sendJson(res, 200, {
        object: 'list',
        data: [{ id: model, object: 'model', created: 0, owned_by: 'scripted-model-server' }]
      });
      return;
    }

    const raw = await readBody(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      const message = `Request body is not valid JSON: ${String(error)}`;
      sendJson(res, 400, errorBody(message, 'invalid_request_error', null));
      return;
    }
    if (!isObject(parsed)) {
      sendJson(res, 400, errorBody('Request body must be a JSON object', 'invalid_request_error', null));
      return;
    }
    const record: IRecordedRequest = {
      method: req.method ?? 'POST',
      path,
      headers: { ...req.headers },
      body: parsed as unknown as ChatCompletionCreateParams
    };
    state.requests.push(record);

    let reply: ScriptedReply | undefined;
    if (!authorized) {
      record.rejected = 'api-key';
    } else if (options.rejectTools && Array.isArray(parsed.tools) && parsed.tools.length > 0) {
      record.rejected = 'tools';
    } else {
      const index = state.scriptPosition++;
      reply = Array.isArray(options.script) ? options.script[index] : options.script(record, index);
      if (reply === undefined) {
        record.rejected = 'script-exhausted';
      } else {
        record.replyIndex = index;
      }
    }
    options.onRequest?.(record);

    switch (record.rejected) {
      case 'api-key':
        sendJson(res, 401, defaultErrorBody(401, model));
        return;
      case 'tools': {
        const message =
          typeof options.rejectTools === 'string' ? options.rejectTools : ScriptedModelServer.VLLM_TOOLS_REJECTION;
        // vLLM answers this with 400 and an OpenAI-shaped error body.
        sendJson(res, 400, errorBody(message, 'BadRequestError', null));
        return;
      }
      case 'script-exhausted': {
        const length = Array.isArray(options.script) ? `${options.script.length} replies` : 'a function';
        sendJson(
          res,
          500,
          errorBody(
            `Scripted model server: script exhausted: request #${state.requests.length - 1} ` +
              `(script position ${state.scriptPosition - 1}) has no scripted reply; ` +
              `the script has ${length}.`,
            'script_exhausted',
            'script_exhausted'
          )
        );
        return;
      }
    }
    await answer(res, reply!, record, options, state);
  }

  /** Per-response identity shared by all chunks of one completion. */
  interface ICompletionIds {
    id: string;
    created: number;
    model: string;
  }

  function completionIds(
    record: IRecordedRequest,
    options: ScriptedModelServer.IOptions,
    state: IState
  ): ICompletionIds {
    const requested = (record.body as { model?: unknown }).model;
    return {
      id: `chatcmpl-scripted-${state.requests.length - 1}`,
      created: Math.floor(Date.now() / 1000),
      // Like vLLM and OpenAI, echo the model the client asked for.
      model: typeof requested === 'string' ? requested : (options.model ?? 'scripted-model')
    };
  }

  /** Split by code points so no chunk ends inside a surrogate pair. */
  function split(text: string, size: number): string[] {
    const points = Array.from(text);
    const step = Math.max(1, Math.floor(size));
    const parts: string[] = [];
    for (let i = 0; i < points.length; i += step) {
      parts.push(points.slice(i, i + step).join(''));
    }
    return parts;
  }

  /** Rough token estimate (about four characters a token), enough for budget tests. */
  function estimateTokens(text: string): number {
    return Math.ceil(text.length / 4);
  }

  function promptTokens(record: IRecordedRequest): number {
    const messages = (record.body as { messages?: unknown }).messages;
    return estimateTokens(JSON.stringify(messages ?? []));
  }

  function usage(record: IRecordedRequest, completionText: string): JsonObject {
    const prompt = promptTokens(record);
    const completion = estimateTokens(completionText);
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  function wait(ms: number, state: IState): Promise<void> {
    if (ms <= 0) {
      return Promise.resolve();
    }
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        state.timers.delete(timer);
        resolve();
      }, ms);
      state.timers.add(timer);
    });
  }

  /** Write and wait until the data is handed to the socket, so the client sees it now. */
  function write(res: http.ServerResponse, data: string): Promise<void> {
    return new Promise(resolve => {
      if (res.destroyed || res.writableEnded) {
        resolve();
        return;
      }
      res.write(data, () => resolve());
    });
  }

  /** True when the response can no longer be written (client gone or server stopping). */
  function gone(res: http.ServerResponse, state: IState): boolean {
    return state.stopped || res.destroyed || res.writableEnded;
  }

  function toolCallId(record: IRecordedRequest, call: ScriptedReply.IToolCall, i: number): string {
    return call.id ?? `call_${record.replyIndex ?? 0}_${i}`;
  }

  /** Answer one request that reached the script. */
  async function answer(
    res: http.ServerResponse,
    reply: ScriptedReply,
    record: IRecordedRequest,
    options: ScriptedModelServer.IOptions,
    state: IState
  ): Promise<void> {
    if (reply.kind === 'hang') {
      // Never answer; the socket is destroyed by stop() or by the client aborting.
      return;
    }
    if (reply.kind === 'http-error') {
      const body = reply.body ?? defaultErrorBody(reply.status, options.model ?? 'scripted-model');
      sendJson(res, reply.status, body, reply.headers);
      return;
    }
    const ids = completionIds(record, options, state);
    const body = record.body as { stream?: unknown; stream_options?: unknown };
    if (body.stream === true) {
      const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
      await stream(res, reply, record, ids, includeUsage, state);
    } else {
      respondWhole(res, reply, record, ids);
    }
  }

  /** Non-streaming answer: one `chat.completion` object. */
  function respondWhole(
    res: http.ServerResponse,
    reply: Exclude<ScriptedReply, { kind: 'hang' } | { kind: 'http-error' }>,
    record: IRecordedRequest,
    ids: ICompletionIds
  ): void {
    let message: JsonObject;
    let finishReason: string;
    let completionText: string;
    if (reply.kind === 'tools') {
      const content = reply.content ?? '';
      message = {
        role: 'assistant',
        content: content === '' ? null : content,
        refusal: null,
        annotations: [],
        tool_calls: reply.calls.map((call, i) => ({
          id: toolCallId(record, call, i),
          type: 'function',
          function: { name: call.name, arguments: call.arguments }
        }))
      };
      finishReason = 'tool_calls';
      completionText = content + reply.calls.map(call => call.name + call.arguments).join('');
    } else {
      message = { role: 'assistant', content: reply.content, refusal: null, annotations: [] };
      finishReason = reply.kind === 'text' ? (reply.finishReason ?? 'stop') : 'stop';
      completionText = reply.content;
    }
    const completion = {
      id: ids.id,
      object: 'chat.completion',
      created: ids.created,
      model: ids.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage: usage(record, completionText),
      system_fingerprint: null
    };
    if (reply.kind !== 'cut') {
      sendJson(res, 200, completion);
      return;
    }
    // Announce the full length, send only a prefix, then drop the connection.
    const text = JSON.stringify(completion);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text)
    });
    res.write(Array.from(text).slice(0, reply.afterChars).join(''), () => res.socket?.destroy());
  }

  /** Streaming answer: server-sent `chat.completion.chunk` events. */
  async function stream(
    res: http.ServerResponse,
    reply: Exclude<ScriptedReply, { kind: 'hang' } | { kind: 'http-error' }>,
    record: IRecordedRequest,
    ids: ICompletionIds,
    includeUsage: boolean,
    state: IState
  ): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': ids.id
    });
    // Send the headers now: clients (and proxies) see the response start before the first token.
    res.flushHeaders();

    const chunk = (delta: JsonObject, finishReason: string | null): string => {
      const event: JsonObject = {
        id: ids.id,
        object: 'chat.completion.chunk',
        created: ids.created,
        model: ids.model,
        system_fingerprint: null,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }]
      };
      if (includeUsage) {
        // OpenAI sends `usage: null` on every chunk but the last when usage is requested.
        event.usage = null;
      }
      return `data: ${JSON.stringify(event)}\n\n`;
    };
    const delayMs = reply.kind === 'cut' ? 0 : (reply.delayMs ?? 0);
    /** Send one event; false when the client or the server went away. */
    const send = async (data: string, pause: boolean): Promise<boolean> => {
      if (pause) {
        await wait(delayMs, state);
      }
      if (gone(res, state)) {
        return false;
      }
      await write(res, data);
      return !gone(res, state);
    };

    if (!(await send(chunk({ role: 'assistant', content: '' }, null), false))) {
      return;
    }

    if (reply.kind === 'cut') {
      const sent = Array.from(reply.content).slice(0, Math.max(0, reply.afterChars)).join('');
      for (const part of split(sent, 8)) {
        if (!(await send(chunk({ content: part }, null), false))) {
          return;
        }
      }
      // Destroy the socket: the client gets neither the terminating chunk nor [DONE].
      res.socket?.destroy();
      return;
    }

    let completionText = '';
    const content = reply.content ?? '';
    const contentChunk = reply.kind === 'text' ? (reply.chunkSize ?? 8) : 8;
    for (const part of split(content, contentChunk)) {
      if (!(await send(chunk({ content: part }, null), true))) {
        return;
      }
    }
    completionText += content;

    let finishReason = reply.kind === 'text' ? (reply.finishReason ?? 'stop') : 'tool_calls';
    if (reply.kind === 'tools') {
      const argumentChunk = reply.argumentChunkSize ?? 7;
      for (const [i, call] of reply.calls.entries()) {
        // First delta of a call: index, id, type, name and empty arguments, as OpenAI sends it.
        const head = {
          tool_calls: [
            {
              index: i,
              id: toolCallId(record, call, i),
              type: 'function',
              function: { name: call.name, arguments: '' }
            }
          ]
        };
        if (!(await send(chunk(head, null), true))) {
          return;
        }
        for (const part of split(call.arguments, argumentChunk)) {
          const delta = { tool_calls: [{ index: i, function: { arguments: part } }] };
          if (!(await send(chunk(delta, null), true))) {
            return;
          }
        }
        completionText += call.name + call.arguments;
      }
      finishReason = 'tool_calls';
    }

    if (!(await send(chunk({}, finishReason), true))) {
      return;
    }
    if (includeUsage) {
      const event = {
        id: ids.id,
        object: 'chat.completion.chunk',
        created: ids.created,
        model: ids.model,
        system_fingerprint: null,
        choices: [],
        usage: usage(record, completionText)
      };
      if (!(await send(`data: ${JSON.stringify(event)}\n\n`, false))) {
        return;
      }
    }
    if (!(await send('data: [DONE]\n\n', false))) {
      return;
    }
    res.end();
  }
}
