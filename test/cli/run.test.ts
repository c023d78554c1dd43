import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  watch,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { RunCommand } from '../../src/cli/runCommand';
import type { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { projectPython, startJupyter } from '../support/jupyter';
import { ScriptedModelServer, type ScriptedReply } from '../support/scriptedModelServer';
import { lastCellId } from '../support/agentHarness';
import { CLI, runCli } from '../support/cliProcess';

/**
 * Resolves once a file exists in a folder: the folder is watched first, then checked, so that a file
 * made in between is not missed.
 */
function fileAppears(folder: string, name: string): { appeared: Promise<void>; cancel: () => void } {
  let cancel = () => undefined as void;
  const appeared = new Promise<void>(resolve => {
    const watcher = watch(folder, () => {
      if (existsSync(join(folder, name))) {
        watcher.close();
        resolve();
      }
    });
    cancel = () => watcher.close();
    if (existsSync(join(folder, name))) {
      watcher.close();
      resolve();
    }
  });
  return { appeared, cancel };
}

/**
 * The code cells of a notebook file.
 */
function codeCells(path: string): { source: string; outputs: { text?: string | string[] }[] }[] {
  const notebook = JSON.parse(readFileSync(path, 'utf8'));
  return notebook.cells.filter((cell: { cell_type: string }) => cell.cell_type === 'code');
}

/**
 * On disk, nbformat stores multi-line strings as lists of lines.
 */
function joined(text: string | string[] | undefined): string {
  return Array.isArray(text) ? text.join('') : (text ?? '');
}

/**
 * What nbformat's own validator says of a notebook file.
 */
function nbformatValidate(path: string): Promise<string> {
  const script = 'import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print("valid")';
  return new Promise<string>(resolve => {
    const child = spawn(projectPython(), ['-c', script, path]);
    let out = '';
    child.stdout.on('data', chunk => (out += chunk));
    child.stderr.on('data', chunk => (out += chunk));
    child.on('close', () => resolve(out.trim()));
  });
}

describe('code-interpreter run', () => {
  let workdir: string;
  let model: ScriptedModelServer | undefined;

  beforeEach(() => {
    workdir = mkdtempSync(join(tmpdir(), 'ci-run-'));
  });

  afterEach(async () => {
    await model?.stop();
    model = undefined;
    rmSync(workdir, { recursive: true, force: true });
  });

  it('fixes a failing cell with its own private server and leaves a valid notebook', async () => {
    const script = (
      request: { body: { messages: { role: string; content?: unknown }[] } },
      index: number
    ): ScriptedReply | undefined =>
      [
        {
          kind: 'tools',
          calls: [{ name: 'execute_code', arguments: JSON.stringify({ code: 'total = sum(range(10)\nprint(total)' }) }]
        } as ScriptedReply,
        index === 1
          ? ({
              kind: 'tools',
              calls: [
                {
                  name: 'edit_cell',
                  arguments: JSON.stringify({
                    cell_id: lastCellId(request.body.messages),
                    code: 'total = sum(range(10))\nprint(total)'
                  })
                }
              ]
            } as ScriptedReply)
          : undefined,
        { kind: 'text', content: 'The total is 45.' } as ScriptedReply
      ][index];
    model = await ScriptedModelServer.start({ script });
    const transcript = join(workdir, 'run.jsonl');
    const result = await runCli(
      [
        'run',
        'Sum the numbers below 10.',
        '--model',
        'scripted-model',
        '--notebook',
        'sum.ipynb',
        '--transcript',
        transcript
      ],
      { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'k' },
      workdir
    );
    expect(result.stderr).toContain('completed');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The total is 45.');
    expect(result.stderr).toMatch(/^● cell \[1\] error: SyntaxError: '\(' was never closed/m);

    const path = join(workdir, 'sum.ipynb');
    expect(await nbformatValidate(path)).toBe('valid');
    const notebook = JSON.parse(readFileSync(path, 'utf8'));
    const code = notebook.cells.filter((cell: { cell_type: string }) => cell.cell_type === 'code');
    expect(code).toHaveLength(1);
    expect(joined(code[0].source)).toBe('total = sum(range(10))\nprint(total)');
    expect(code[0].outputs).toHaveLength(1);
    expect(joined(code[0].outputs[0].text)).toBe('45\n');
    expect(notebook.metadata.code_interpreter.turns[0]).toMatchObject({
      prompt: 'Sum the numbers below 10.',
      outcome: 'completed'
    });

    const events = readFileSync(transcript, 'utf8')
      .trim()
      .split('\n')
      .map(line => JSON.parse(line).type);
    expect(events).toEqual(expect.arrayContaining(['model-request', 'model-response', 'execution-end', 'turn-end']));
  });

  describe('pointing at a cell of the notebook', () => {
    /**
     * A notebook whose one code cell, the person's, failed with a KeyError.
     */
    function writeFailingNotebook(name: string): void {
      const notebook = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
        cells: [
          {
            id: 'users-cell',
            cell_type: 'code',
            metadata: {},
            execution_count: 1,
            source: "prices = {'apple': 3}\nprint(prices['banana'])",
            outputs: [
              { output_type: 'error', ename: 'KeyError', evalue: "'banana'", traceback: ["KeyError: 'banana'"] }
            ]
          }
        ]
      };
      writeFileSync(join(workdir, name), JSON.stringify(notebook));
    }

    it('fixes the cell --fix-cell names in place, its error in the request', async () => {
      writeFailingNotebook('fix.ipynb');
      model = await ScriptedModelServer.start({
        script: [
          {
            kind: 'tools',
            calls: [
              {
                name: 'execute_code',
                arguments: JSON.stringify({ code: "prices = {'apple': 3}\nprint(prices['apple'])" })
              }
            ]
          },
          { kind: 'text', content: 'There is no banana; the apple costs 3.' }
        ]
      });
      const result = await runCli(
        ['run', '--fix-cell', 'users-cell', '--model', 'scripted-model', '--notebook', 'fix.ipynb'],
        { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'k' },
        workdir
      );
      expect(result.stderr).toContain('completed');
      expect(result.code).toBe(0);
      const request = JSON.stringify(model.requests[0].body.messages.at(-1));
      expect(request).toContain("KeyError: 'banana'");
      expect(request).toContain('Fix the error in this cell.');
      const notebook = JSON.parse(readFileSync(join(workdir, 'fix.ipynb'), 'utf8'));
      expect(notebook.cells).toHaveLength(1);
      expect(notebook.cells[0].id).toBe('users-cell');
      expect(joined(notebook.cells[0].source)).toBe("prices = {'apple': 3}\nprint(prices['apple'])");
      expect(joined(notebook.cells[0].outputs[0].text)).toBe('3\n');
    });

    it('exits 2 naming a cell id the notebook does not hold, before asking the model', async () => {
      writeFailingNotebook('unknown.ipynb');
      model = await ScriptedModelServer.start({ script: [{ kind: 'text', content: 'unused' }] });
      const result = await runCli(
        [
          'run',
          'Explain.',
          '--explain-cell',
          'no-such-cell',
          '--model',
          'scripted-model',
          '--notebook',
          'unknown.ipynb'
        ],
        { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'k' },
        workdir
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('unknown.ipynb has no cell with id "no-such-cell"');
      expect(model.requests).toHaveLength(0);
    });
  });

  it('prints only its own lines on a new notebook in a new folder', async () => {
    model = await ScriptedModelServer.start({
      script: [
        { kind: 'tools', calls: [{ name: 'execute_code', arguments: JSON.stringify({ code: 'print(6 * 7)' }) }] },
        { kind: 'text', content: 'The answer is 42.' }
      ]
    });
    const result = await runCli(
      ['run', 'Multiply 6 by 7.', '--model', 'm', '--notebook', 'results/answer.ipynb'],
      { OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'k' },
      workdir
    );
    expect(result.code).toBe(0);
    // No library logging (the contents API's 404 for a new notebook and its folder, the kernel's
    // websocket): the model's text on stdout, one line a step on stderr.
    expect(result.stdout).toBe('The answer is 42.\n');
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(/^● notebook results\/answer\.ipynb on http:\/\/127\.0\.0\.1:\d+\/$/),
      expect.stringMatching(/^● code cell [0-9a-f]{8} inserted$/),
      expect.stringMatching(/^● running cell [0-9a-f]{8} \(attempt 1 of 3\)$/),
      expect.stringMatching(/^● cell \[1\] ok \([\d.]+ s\)$/),
      expect.stringMatching(/^● completed \(1 executions, \d+ tokens, [\d.]+ s\)$/),
      ''
    ]);
    expect(joined(codeCells(join(workdir, 'results', 'answer.ipynb'))[0].outputs[0].text)).toBe('42\n');
  });

  it('writes a notebook given by an absolute path outside the current folder there, its kernel in its folder', async () => {
    const elsewhere = realpathSync(mkdtempSync(join(tmpdir(), 'ci-elsewhere-')));
    try {
      model = await ScriptedModelServer.start({
        script: [
          {
            kind: 'tools',
            calls: [{ name: 'execute_code', arguments: JSON.stringify({ code: 'import os\nprint(os.getcwd())' }) }]
          },
          { kind: 'text', content: 'Done.' }
        ]
      });
      const notebook = join(elsewhere, 'work', 'deep', 'a.ipynb');
      const result = await runCli(
        ['run', 'Where are we?', '--model', 'm', '--notebook', notebook],
        { OPENAI_BASE_URL: model.baseUrl },
        workdir
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`● notebook ${notebook} on http://127.0.0.1:`);
      expect(await nbformatValidate(notebook)).toBe('valid');
      expect(joined(codeCells(notebook)[0].outputs[0].text)).toBe(`${join(elsewhere, 'work', 'deep')}\n`);
      // Nothing under the current folder: not a copy of the notebook's path below it.
      expect(readdirSync(workdir)).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('stops on Ctrl-C: the cell is interrupted, the notebook saved, exit 130', async () => {
    model = await ScriptedModelServer.start({
      script: [
        {
          kind: 'tools',
          calls: [
            {
              name: 'execute_code',
              // The file says the kernel is inside the cell, past the point where an interrupt could
              // come before the code runs.
              arguments: JSON.stringify({ code: 'import time\nopen("sleeping", "w").close()\ntime.sleep(60)' })
            }
          ]
        },
        { kind: 'text', content: 'never asked' }
      ]
    });
    const started = Date.now();
    const sleeping = fileAppears(workdir, 'sleeping');
    const child = spawn(process.execPath, [CLI, 'run', 'Sleep.', '--notebook', 'sleep.ipynb', '--model', 'm'], {
      cwd: workdir,
      env: { ...process.env, CODE_INTERPRETER_PYTHON: projectPython(), OPENAI_BASE_URL: model.baseUrl }
    });
    const closed = new Promise<number | null>(resolve => child.on('close', resolve));
    // What a terminal's Ctrl-C sends to the foreground process, once the cell is sleeping.
    await Promise.race([sleeping.appeared, closed]);
    sleeping.cancel();
    child.kill('SIGINT');
    const code = await closed;
    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(30_000);
    const notebook = JSON.parse(readFileSync(join(workdir, 'sleep.ipynb'), 'utf8'));
    const cell = notebook.cells.find((c: { cell_type: string }) => c.cell_type === 'code');
    expect(cell.outputs).toEqual([expect.objectContaining({ output_type: 'error', ename: 'KeyboardInterrupt' })]);
    expect(notebook.metadata.code_interpreter.turns[0].outcome).toBe('stopped');
  });

  describe('against a running Jupyter server', () => {
    let server: JupyterServerProcess;

    beforeAll(async () => {
      server = await startJupyter();
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('ends an endless loop at --timeout 2, quickly, with the kernel alive', async () => {
      model = await ScriptedModelServer.start({
        script: [
          {
            kind: 'tools',
            calls: [{ name: 'execute_code', arguments: JSON.stringify({ code: 'while True:\n    pass' }) }]
          },
          { kind: 'text', content: 'The loop never ends; I stopped it.' }
        ]
      });
      const result = await runCli(
        [
          'run',
          'Loop forever.',
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
      expect(result.ms).toBeLessThan(10_000);
      // The kernel of the notebook's session is still there and idle (not restarted, not dead).
      const sessions = await (
        await fetch(`${server.url}api/sessions`, { headers: { Authorization: `token ${server.token}` } })
      ).json();
      const session = sessions.find((s: { path: string }) => s.path === 'loop.ipynb');
      expect(session.kernel.execution_state).toBe('idle');
    });

    it('exits 3 when the model endpoint cannot be reached', async () => {
      const result = await runCli(
        ['run', 'Anything.', '--server-url', server.url, '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm'],
        { JUPYTER_TOKEN: server.token },
        workdir
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/Cannot reach the model endpoint http:\/\/127.0.0.1:9\/v1/);
    });
  });

  it('exits 3 when the Jupyter server cannot be reached, and 2 on usage errors', async () => {
    const unreachable = await runCli(['run', 'x', '--server-url', 'http://127.0.0.1:9/', '--model', 'm'], {}, workdir);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('Cannot reach the Jupyter server');
    const usage = await runCli(['run', 'x', '--protocol', 'smoke-signals', '--model', 'm'], {}, workdir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--protocol must be auto, tools or text');
    // A bad value is reported by name before anything else, such as the model that is not given.
    const badNumber = await runCli(['run', 'x', '--max-attempts', 'abc'], { CODE_INTERPRETER_MODEL: '' }, workdir);
    expect(badNumber.code).toBe(2);
    expect(badNumber.stderr.split('\n')[0]).toBe(
      'code-interpreter run: --max-attempts must be a whole number (1 to 50), not "abc"'
    );
    // With --server-url, the notebook's path is the server's: a local absolute path is refused
    // before the server is contacted (exit 2, not 3).
    const absolute = await runCli(
      ['run', 'x', '--model', 'm', '--server-url', 'http://127.0.0.1:9/', '--notebook', '/home/ana/work/a.ipynb'],
      {},
      workdir
    );
    expect(absolute.code).toBe(2);
    expect(absolute.stderr.split('\n')[0]).toBe(
      'code-interpreter run: --notebook /home/ana/work/a.ipynb is an absolute path; with --server-url it is a path on that server, relative to its root (such as work/analysis.ipynb)'
    );
    const help = await runCli(['run', '--help'], {}, workdir);
    expect(help.code).toBe(0);
    for (const option of [
      '--server-url',
      '--token',
      '--base-url',
      '--api-key',
      '--model',
      '--protocol',
      '--max-attempts',
      '--timeout',
      '--kernel',
      '--notebook',
      '--transcript'
    ]) {
      expect(help.stdout).toContain(option);
    }
  });

  describe('option checks', () => {
    const env = { CODE_INTERPRETER_MODEL: '' };

    it.each([
      ['--max-attempts', 'abc', '--max-attempts must be a whole number (1 to 50), not "abc"'],
      ['--max-attempts', '0', '--max-attempts must be a whole number (1 to 50), not "0"'],
      ['--max-attempts', '51', '--max-attempts must be a whole number (1 to 50), not "51"'],
      ['--timeout', 'soon', '--timeout must be a number of seconds (0 or more), not "soon"'],
      ['--output-budget', '1.5', '--output-budget must be a whole number (100 or more), not "1.5"'],
      ['--output-budget', '50', '--output-budget must be a whole number (100 or more), not "50"'],
      ['--token-budget', 'x1', '--token-budget must be a whole number of at least 0, not "x1"'],
      ['--time-budget', 'NaN', '--time-budget must be a number of seconds (0 or more), not "NaN"'],
      ['--protocol', 'smoke', '--protocol must be auto, tools or text, not "smoke"'],
      ['--server-url', 'localhost-8888', '--server-url is not a URL: "localhost-8888"']
    ])('reports %s %s by name, before the missing model', (option, value, message) => {
      expect(() => RunCommand.parse(['task', option, value], env, '/')).toThrow(message);
    });

    it('reads the cell options: fix or explain (not both), attached cells repeatable, a default task', () => {
      const fix = RunCommand.parse(
        ['--fix-cell', 'a', '--attach-cell', 'b', '--attach-cell', 'a', '--model', 'm'],
        env,
        '/'
      );
      expect(fix.cells).toEqual({
        attachments: [{ cellId: 'a' }, { cellId: 'b' }],
        intent: 'fix',
        defaultTask: 'Fix the error in this cell.'
      });
      expect(fix.task).toBe('Fix the error in this cell.');
      const explain = RunCommand.parse(
        ['What is this?', '--explain-cell', 'a', '--explain-cell', 'b', '--model', 'm'],
        env,
        '/'
      );
      expect(explain.task).toBe('What is this?');
      expect(explain.cells.intent).toBe('explain');
      expect(explain.cells.attachments).toEqual([{ cellId: 'a' }, { cellId: 'b' }]);
      const code = RunCommand.parse(['use a log scale', '--attach-cell', 'a', '--model', 'm'], env, '/');
      expect(code.cells).toEqual({ attachments: [{ cellId: 'a' }], intent: 'code' });
      expect(RunCommand.parse(['task', '--model', 'm'], env, '/').cells).toEqual({ attachments: [], intent: 'code' });
      expect(() => RunCommand.parse(['--fix-cell', 'a', '--explain-cell', 'b', '--model', 'm'], env, '/')).toThrow(
        '--fix-cell and --explain-cell ask for different things; give one of them'
      );
      expect(() => RunCommand.parse(['--attach-cell', 'a', '--model', 'm'], env, '/')).toThrow('no task given');
    });

    it('reports a missing model name for a named endpoint once the values are good, and takes the local model with none', () => {
      expect(() =>
        RunCommand.parse(['task', '--max-attempts', '2', '--base-url', 'http://127.0.0.1:9/v1'], env, '/')
      ).toThrow('No model given');
      expect(RunCommand.parse(['task', '--max-attempts', '2'], env, '/').model).toEqual({ kind: 'local' });
      // For an endpoint, the window to assume where it does not say (Ollama).
      expect(
        RunCommand.parse(
          ['task', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--context-size', '4096'],
          env,
          '/'
        ).model
      ).toMatchObject({ kind: 'endpoint', contextSize: 4096 });
      expect(() => RunCommand.parse(['task', '--local-model', '7b'], env, '/')).toThrow(
        '--local-model must be 1.5b or 0.5b, not "7b"'
      );
    });

    it("locates a local notebook from the current folder, and a server's from its root", () => {
      const cwd = realpathSync(tmpdir());
      const local = RunCommand.parse(['task', '--model', 'm', '--notebook', 'a.ipynb'], env, cwd);
      expect(local.location).toEqual({ rootDir: cwd, serverPath: 'a.ipynb' });
      const outside = RunCommand.parse(['task', '--model', 'm', '--notebook', '/new-folder/b.ipynb'], env, cwd);
      expect(outside.location).toEqual({ rootDir: '/', serverPath: 'new-folder/b.ipynb' });
      const served = RunCommand.parse(
        ['task', '--model', 'm', '--server-url', 'http://127.0.0.1:9/', '--notebook', './work/../c.ipynb'],
        env,
        cwd
      );
      expect(served.location).toEqual({ serverPath: 'c.ipynb' });
      expect(() =>
        RunCommand.parse(
          ['task', '--model', 'm', '--server-url', 'http://127.0.0.1:9/', '--notebook', '../d.ipynb'],
          env,
          cwd
        )
      ).toThrow("--notebook ../d.ipynb is outside the server's root");
    });
  });
});
