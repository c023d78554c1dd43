// `code-interpreter run --effort thorough`: K candidate turns, each in a fresh kernel working in a
// temporary copy of the folder, compared on the figures of their answers; the winner's cells are
// written into the user's notebook and run in its kernel (real Jupyter server and kernels, the
// scripted model server).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { RunCommand, runRunCommand } from '../../src/cli/runCommand';
import { contentText, toolCall } from '../support/agentHarness';
import { projectPython } from '../support/jupyter';
import { ScriptedModelServer, type IRecordedRequest, type ScriptedReply } from '../support/scriptedModelServer';

jest.setTimeout(240_000);

/**
 * By seed: the first writes a file, defines a name and finds 41; the second and third find 42,
 * the third also looking for the first's name.
 */
const CANDIDATES: { code: string; answer: string }[] = [
  { code: "open('scratch.txt', 'w').write('x')\nsecret = 1\nprint('total =', 41)", answer: 'The total is 41.' },
  {
    code: "import pandas as pd\ntotal = int(pd.read_csv('data.csv')['v'].sum())\nprint('total =', total)",
    answer: 'The total is 42.'
  },
  { code: "print('total =', 40 + 2)\nprint('secret' in globals())", answer: 'The total is 42.' }
];

// Set by a test: called when the second candidate's first request arrives.
let onSecondCandidate: (() => void) | undefined;

function script(request: IRecordedRequest): ScriptedReply | undefined {
  const seed = (request.body as unknown as { seed?: number }).seed;
  if (typeof seed !== 'number') {
    return undefined;
  }
  if (seed === 2) {
    onSecondCandidate?.();
  }
  const candidate = CANDIDATES[(seed - 1) % CANDIDATES.length];
  const ran = request.body.messages.some(message => message.role === 'tool');
  return ran ? { kind: 'text', content: candidate.answer } : toolCall('execute_code', { code: candidate.code });
}

describe('code-interpreter run --effort thorough', () => {
  let workdir: string;
  let model: ScriptedModelServer;

  beforeEach(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'ci-thorough-'));
    writeFileSync(join(workdir, 'data.csv'), 'v\n20\n22\n');
    model = await ScriptedModelServer.start({ script });
  });

  afterEach(async () => {
    onSecondCandidate = undefined;
    await model?.stop();
    rmSync(workdir, { recursive: true, force: true });
  });

  /**
   * `code-interpreter run --effort thorough` on the task, in the test's folder, against the
   * scripted model; what it printed and its exit code.
   */
  async function runThorough(io: Pick<RunCommand.IIO, 'onInterrupt'> = {}, extra: string[] = []) {
    let stdout = '';
    let stderr = '';
    const code = await runRunCommand(
      [
        'What is the total of v in data.csv?',
        '--effort',
        'thorough',
        '--model',
        'scripted',
        '--notebook',
        'task.ipynb',
        ...extra
      ],
      {
        streams: {
          out: { write: (text: string) => (stdout += text) },
          err: { write: (text: string) => (stderr += text) }
        },
        env: {
          ...process.env,
          OPENAI_BASE_URL: model.baseUrl,
          OPENAI_API_KEY: 'k',
          CODE_INTERPRETER_PYTHON: projectPython()
        },
        cwd: workdir,
        ...io
      }
    );
    return { code, stdout, stderr };
  }

  it('runs isolated candidates with their seeds, and the majority answer’s cells run in the notebook', async () => {
    const { code, stdout, stderr } = await runThorough();
    expect(stderr).toContain('● candidate 2 chosen (3 voted');
    expect(code).toBe(0);
    const bodies = model.requests.map(request => request.body as unknown as { temperature: number; seed: number });
    // The first candidate is the greedy answer, the others sampled.
    expect(bodies.every(body => body.temperature === (body.seed === 1 ? 0 : 0.8))).toBe(true);
    expect([...new Set(bodies.map(body => body.seed))]).toEqual([1, 2, 3]);
    expect(stdout).toContain('The total is 42.');

    // The first candidate's file stayed in its copy; its name did not reach the third's kernel.
    expect(existsSync(join(workdir, 'scratch.txt'))).toBe(false);
    const third = model.requests.find(
      request =>
        (request.body as unknown as { seed: number }).seed === 3 &&
        request.body.messages.some(message => message.role === 'tool')
    );
    const toolResult = contentText(third?.body.messages.find(message => message.role === 'tool')?.content);
    expect(toolResult).toContain('total = 42');
    expect(toolResult).toContain('False');

    // The winner's cell is in the user's notebook, run there, with the conversation pointing at it.
    const notebook = JSON.parse(readFileSync(join(workdir, 'task.ipynb'), 'utf8')) as {
      cells: { id: string; cell_type: string; source: string | string[]; outputs?: unknown[] }[];
      metadata: Record<string, unknown>;
    };
    const cells = notebook.cells.filter(cell => cell.cell_type === 'code');
    expect(cells).toHaveLength(1);
    expect([cells[0].source].flat().join('')).toContain("pd.read_csv('data.csv')");
    expect(JSON.stringify(cells[0].outputs)).toContain('total = 42');
    expect(JSON.stringify(notebook.metadata.code_interpreter)).toContain(cells[0].id);
  });

  it('does not run a candidate that could not change the vote', async () => {
    // Seeds 2 and 3 both find 42: the third candidate (seed 4) could not outvote them.
    const { code, stdout, stderr } = await runThorough({}, ['--seed', '2']);
    expect(code).toBe(0);
    expect([...new Set(model.requests.map(request => (request.body as unknown as { seed: number }).seed))]).toEqual([
      2, 3
    ]);
    expect(stderr).toContain('● candidate 1 chosen (2 voted; 1 more could not have changed the vote and did not run;');
    expect(stdout).toContain('The total is 42.');
  });

  it('writes nothing into the notebook on Ctrl-C, though a candidate had finished', async () => {
    let interrupt: (() => void) | undefined;
    onSecondCandidate = () => interrupt?.();
    const { code, stderr } = await runThorough({
      onInterrupt: handler => {
        interrupt = handler;
        return () => (interrupt = undefined);
      }
    });
    expect(code).toBe(130);
    expect(stderr).toContain('● candidate 1: completed');
    expect(stderr).not.toContain('chosen');
    expect(model.requests.some(request => (request.body as unknown as { seed: number }).seed === 3)).toBe(false);
    const notebook = JSON.parse(readFileSync(join(workdir, 'task.ipynb'), 'utf8')) as {
      cells: { cell_type: string }[];
    };
    expect(notebook.cells.filter(cell => cell.cell_type === 'code')).toHaveLength(0);
  });

  it('refuses a folder over 200 MB before copying it or asking the model', async () => {
    // Sparse files: their sizes count, no disk is used. Under node_modules they are not copied.
    mkdirSync(join(workdir, 'node_modules'));
    writeFileSync(join(workdir, 'node_modules', 'big.bin'), '');
    truncateSync(join(workdir, 'node_modules', 'big.bin'), 250 * 2 ** 20);
    const scratchBefore = readdirSync(tmpdir()).filter(name => name.startsWith('code-interpreter-thorough-'));

    expect((await runThorough()).code).toBe(0);
    const requestsWithin = model.requests.length;
    expect(requestsWithin).toBeGreaterThan(0);

    writeFileSync(join(workdir, 'more.bin'), '');
    truncateSync(join(workdir, 'more.bin'), 201 * 2 ** 20);
    const { code, stderr } = await runThorough();

    expect(code).toBe(1);
    expect(stderr).toContain('The folder holds 201 MB; the thorough effort copies it once per candidate');
    expect(stderr).toContain('--effort fast');
    expect(model.requests).toHaveLength(requestsWithin);
    expect(readdirSync(tmpdir()).filter(name => name.startsWith('code-interpreter-thorough-'))).toEqual(scratchBefore);
  });

  it('refuses thorough with a running server, and thorough options without it', async () => {
    let stderr = '';
    const io = {
      streams: { out: { write: () => true }, err: { write: (text: string) => (stderr += text) } },
      env: { ...process.env, OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: 'k' },
      cwd: workdir
    };
    expect(
      await runRunCommand(['x', '--effort', 'thorough', '--model', 'm', '--server-url', 'http://127.0.0.1:9/'], io)
    ).toBe(2);
    expect(stderr).toContain('it needs the private server');
    expect(await runRunCommand(['x', '--candidates', '2', '--model', 'm'], io)).toBe(2);
    expect(stderr).toContain('--candidates applies to --effort thorough only');
    expect(model.requests).toHaveLength(0);
  });
});
