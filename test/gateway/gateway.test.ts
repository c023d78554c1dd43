import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { AgentHarness, codeCells, contentText, text, toolCall } from '../support/agentHarness';
import { runCli } from '../support/cliProcess';
import { GatewayProcess } from '../support/gateway';
import { ScriptedModelServer } from '../support/scriptedModelServer';

/**
 * Remote kernels: Jupyter Enterprise Gateway 3.3 on loopback (.venv-gateway), and a Jupyter server
 * started with --gateway-url whose kernels all run on it. The command line and the headless agent
 * talk to that server only, as they would to any other.
 */
describe('kernels on Jupyter Enterprise Gateway', () => {
  let gateway: GatewayProcess;
  let server: JupyterServerProcess;
  let harness: AgentHarness;
  let workdir: string;

  beforeAll(async () => {
    gateway = await GatewayProcess.start();
    server = await gateway.startServer();
    harness = await AgentHarness.start({ 'server-url': server.url, token: server.token });
    workdir = mkdtempSync(join(tmpdir(), 'ci-gateway-'));
  });

  afterEach(async () => {
    await harness.cleanup();
  });

  afterAll(async () => {
    await harness?.stop();
    await server?.stop();
    await gateway?.stop();
    rmSync(workdir, { recursive: true, force: true });
  });

  /**
   * The kernels the gateway itself runs.
   */
  async function gatewayKernels(): Promise<{ id: string; execution_state: string }[]> {
    const response = await fetch(`${gateway.url}/api/kernels`, {
      headers: { Authorization: `token ${gateway.token}` }
    });
    return response.json();
  }

  it('code-interpreter run --server-url executes on a gateway kernel and saves its outputs', async () => {
    const model = await ScriptedModelServer.start({
      script: [toolCall('execute_code', { code: 'import os\nprint(6 * 7, os.getpid())' }), text('It is 42.')]
    });
    try {
      const result = await runCli(
        ['run', 'Compute 6 * 7.', '--notebook', 'remote.ipynb', '--server-url', server.url, '--timeout', '30'],
        { OPENAI_BASE_URL: model.baseUrl, CODE_INTERPRETER_MODEL: 'scripted-model', JUPYTER_TOKEN: server.token },
        workdir
      );
      expect(result.stderr).not.toContain('Connection lost');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('It is 42.');
      const notebook = JSON.parse(readFileSync(join(server.rootDir, 'remote.ipynb'), 'utf8'));
      const cell = notebook.cells.find((c: { cell_type: string }) => c.cell_type === 'code');
      const printed = [cell.outputs[0].text].flat().join('');
      expect(printed).toMatch(/^42 \d+\n$/);
      // The kernel that printed is one the gateway runs, not a process of the Jupyter server.
      const kernels = await gatewayKernels();
      expect(kernels.length).toBeGreaterThan(0);
      const sessions = await (
        await fetch(`${server.url}api/sessions`, { headers: { Authorization: `token ${server.token}` } })
      ).json();
      const session = sessions.find((s: { path: string }) => s.path === 'remote.ipynb');
      expect(kernels.map(kernel => kernel.id)).toContain(session.kernel.id);
    } finally {
      await model.stop();
    }
  });

  it('code-interpreter run --timeout 2 interrupts an endless loop on the gateway and keeps the kernel', async () => {
    const model = await ScriptedModelServer.start({
      script: [toolCall('execute_code', { code: 'while True:\n    pass' }), text('Stopped.')]
    });
    try {
      const result = await runCli(
        [
          'run',
          'Loop.',
          '--timeout',
          '2',
          '--max-attempts',
          '1',
          '--notebook',
          'loop.ipynb',
          '--server-url',
          server.url
        ],
        { OPENAI_BASE_URL: model.baseUrl, CODE_INTERPRETER_MODEL: 'scripted-model', JUPYTER_TOKEN: server.token },
        workdir
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('timeout');
      expect(result.ms).toBeLessThan(15_000);
      const sessions = await (
        await fetch(`${server.url}api/sessions`, { headers: { Authorization: `token ${server.token}` } })
      ).json();
      const session = sessions.find((s: { path: string }) => s.path === 'loop.ipynb');
      // The gateway interrupted the kernel, which is still the same one, and idle. (The server's
      // own view of a gateway kernel lags: it refreshes its models when it polls the gateway.)
      expect(gateway.log).toContain(`Kernel interrupted: ${session.kernel.id}`);
      const kernel = (await gatewayKernels()).find(k => k.id === session.kernel.id);
      expect(kernel?.execution_state).toBe('idle');
    } finally {
      await model.stop();
    }
  });

  it('the agent interrupts at the time limit and the kernel keeps its variables', async () => {
    const { agent, notebook, model } = await harness.setUp(
      [
        toolCall('execute_code', { code: 'before = 1\nprint("set")' }),
        toolCall('execute_code', { code: 'while True:\n    pass' }),
        toolCall('execute_code', { code: 'print(before + 1)' }),
        text('Done.')
      ],
      { cellTimeoutMs: 3000, maxAttempts: 5 }
    );
    const result = await agent.run('Loop forever, then check the state.');
    expect(result.outcome).toBe('completed');
    expect(contentText(model.requests[2].body.messages.at(-1)?.content)).toContain('status: timeout');
    const cells = codeCells(notebook);
    expect(cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'set\n' }]);
    expect(cells[2].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '2\n' }]);
  });

  it('the agent reports a kernel that dies on the gateway, restarts it and goes on', async () => {
    const { agent, notebook, model, events } = await harness.setUp(
      [
        toolCall('execute_code', { code: 'kept = 5' }),
        toolCall('execute_code', { code: 'import os\nos._exit(1)' }),
        toolCall('execute_code', { code: "print('kept' in globals())" }),
        text('The kernel restarted and lost its state.')
      ],
      { cellTimeoutMs: 20000 }
    );
    const result = await agent.run('Crash the kernel.');
    expect(result.outcome).toBe('completed');
    expect(contentText(model.requests[2].body.messages.at(-1)?.content)).toContain('status: dead-kernel');
    expect(events.some(event => event.type === 'kernel-restarted')).toBe(true);
    expect(codeCells(notebook)[2].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'False\n' }]);
  });

  it('runs kernels in the gateway’s own folders: a file beside the notebook is not there', async () => {
    // The limit the docs state (docs/deployments.md): kernels on a gateway do not see the Jupyter
    // server's files; here both run on one machine, yet the kernel does not start in the notebook's
    // folder and a relative path finds nothing.
    const { agent, notebook } = await harness.setUp([
      toolCall('execute_code', { code: 'import os\nprint(os.path.exists("sales.csv"), os.getcwd())' }),
      text('Not there.')
    ]);
    await harness.jupyter.contents.save('sales.csv', { type: 'file', format: 'text', content: 'month,total\n1,10\n' });
    expect(existsSync(join(server.rootDir, 'sales.csv'))).toBe(true);
    await agent.run('Is sales.csv there?');
    const [output] = codeCells(notebook)[0].outputs as { text?: string }[];
    expect(output.text).toMatch(/^False /);
    expect(output.text).not.toContain(server.rootDir);
  });
});
