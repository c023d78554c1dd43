// A Jupyter server, a scripted model and a headless notebook, wired to an agent, for end-to-end
// tests of the loop.
import type { AgentEvent } from '../../src/agent/events';
import { Agent } from '../../src/agent/agent';
import { JupyterConnection } from '../../src/node/jupyterConnection';
import { ModelClient } from '../../src/model/modelClient';
import { HeadlessNotebook } from '../../src/notebook/headlessNotebook';
import { projectPython } from './jupyter';
import { ScriptedModelServer, type ScriptFunction, type ScriptedReply } from './scriptedModelServer';

export class AgentHarness {
  /**
   * Start a private Jupyter server, or connect to a running one (`server-url` and `token`).
   */
  static async start(server: { 'server-url'?: string; token?: string } = {}): Promise<AgentHarness> {
    const harness = new AgentHarness();
    harness._jupyter = await JupyterConnection.open({ python: projectPython(), ...server });
    return harness;
  }

  /**
   * The harness of the `describe` this is called in, on a private Jupyter server: started before
   * its first test, each test's notebooks and models closed after it, stopped after its last test.
   */
  static forSuite(): AgentHarness {
    const harness = new AgentHarness();
    beforeAll(async () => {
      harness._jupyter = await JupyterConnection.open({ python: projectPython() });
    });
    afterEach(() => harness.cleanup());
    afterAll(() => harness.stop());
    return harness;
  }

  private constructor() {}

  /**
   * The Jupyter server's connection.
   *
   * @throws when the harness is used before it is started.
   */
  get jupyter(): JupyterConnection {
    if (!this._jupyter) {
      throw new Error('The agent harness is used before its suite started it.');
    }
    return this._jupyter;
  }

  /**
   * A new notebook (own kernel) and a scripted model; closed by `cleanup()`.
   */
  async setUp(
    script: ScriptedReply[] | ScriptFunction,
    options: Partial<Agent.IOptions> & {
      rejectTools?: boolean;
      apiKey?: string;
      serverContextWindow?: number;
      clientKey?: string;
      path?: string;
      modelName?: string;
    } = {}
  ): Promise<{ agent: Agent; notebook: HeadlessNotebook; model: ScriptedModelServer; events: AgentEvent[] }> {
    const model = await ScriptedModelServer.start({
      script,
      rejectTools: options.rejectTools,
      apiKey: options.apiKey,
      contextWindow: options.serverContextWindow
    });
    this._models.push(model);
    const notebook = await HeadlessNotebook.open({
      contents: this.jupyter.contents,
      sessions: this.jupyter.sessions,
      path: options.path ?? `test-${++this._count}.ipynb`,
      interruptGraceMs: 3000
    });
    this._notebooks.push(notebook);
    const client = new ModelClient({
      baseURL: model.baseUrl,
      apiKey: options.clientKey ?? 'test-key',
      model: options.modelName ?? 'scripted-model',
      maxRetries: 2
    });
    const agent = new Agent({ model: client, target: notebook, cellTimeoutMs: 20000, ...options });
    const events: AgentEvent[] = [];
    agent.events.connect((_, event) => events.push(event));
    return { agent, notebook, model, events };
  }

  async cleanup(): Promise<void> {
    await Promise.all(this._notebooks.splice(0).map(notebook => notebook.close(true)));
    await Promise.all(this._models.splice(0).map(model => model.stop()));
  }

  async stop(): Promise<void> {
    await this.cleanup();
    await this._jupyter?.close();
  }

  private _jupyter: JupyterConnection | undefined;
  private _count = 0;
  private _models: ScriptedModelServer[] = [];
  private _notebooks: HeadlessNotebook[] = [];
}

export function toolCall(name: string, args: Record<string, unknown>, id?: string): ScriptedReply {
  return { kind: 'tools', calls: [{ name, arguments: JSON.stringify(args), id }] };
}

export function text(content: string): ScriptedReply {
  return { kind: 'text', content };
}

/**
 * The code cells of a notebook document.
 */
export function codeCells(notebook: HeadlessNotebook) {
  return notebook.document.cells.filter(cell => cell.cell_type === 'code');
}

/**
 * The text of a chat message's content.
 */
export function contentText(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  if (Array.isArray(content)) {
    return content.map(part => (part.type === 'text' ? part.text : `[${part.type}]`)).join('');
  }
  return '';
}

/**
 * The cell id named by the last tool result of a request (what a model would read to edit it).
 */
export function lastCellId(messages: { role: string; content?: unknown }[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const match = /cell_id: (\S+)/.exec(contentText(messages[i].content));
    if (match) {
      return match[1];
    }
  }
  throw new Error('no cell_id in the conversation');
}
