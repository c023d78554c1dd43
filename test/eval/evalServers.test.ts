// `code-interpreter eval` over several Jupyter servers: the workers are spread over two real local
// servers and the verdicts are the ones a single server gives.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runEvalCommand } from '../../src/cli/evalCommand';
import { parseServers } from '../../src/cli/evalOptions';
import type { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import type { IResultRecord } from '../../src/eval/resultsFile';
import type { IEvalTask } from '../../src/eval/evalTask';
import { startJupyter } from '../support/jupyter';
import { ScriptedModelServer, type IRecordedRequest } from '../support/scriptedModelServer';
import { HUMANEVAL_PLUS, subsetDataFile, variants } from './support/evalFixtures';

jest.setTimeout(180_000);

const TASKS = ['HumanEval/0', 'HumanEval/1', 'HumanEval/2', 'HumanEval/3', 'HumanEval/4', 'HumanEval/5'];

/** Per task, the answer at each attempt: right, wrong then right, wrong twice, ... */
const PLAN: Array<['canonical' | 'offByOne' | 'exception', 'canonical' | 'offByOne' | 'exception']> = [
  ['canonical', 'canonical'],
  ['offByOne', 'canonical'],
  ['exception', 'offByOne'],
  ['canonical', 'canonical'],
  ['offByOne', 'offByOne'],
  ['exception', 'canonical']
];

/**
 * The scripted coder: the planned answer for the task the prompt names, at this attempt.
 */
function coder(tasks: IEvalTask[]) {
  return (request: IRecordedRequest) => {
    const messages = request.body.messages;
    const first = messages.find(message => message.role === 'user');
    const prompt = typeof first?.content === 'string' ? first.content : '';
    const index = tasks.findIndex(task => prompt.includes(`def ${task.entryPoint}(`));
    if (index < 0) {
      return undefined;
    }
    const attempt = Math.min(messages.filter(message => message.role === 'assistant').length, 1);
    const code = variants(tasks[index])[PLAN[index][attempt]];
    return { kind: 'text' as const, content: `\`\`\`python\n${code}\n\`\`\`\n` };
  };
}

function verdicts(outDir: string): Record<string, [string, string | null, number | undefined]> {
  const records = readFileSync(join(outDir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as IResultRecord);
  return Object.fromEntries(
    records.map(record => [record.task_id, [record.base_status, record.plus_status, record.attempts]])
  );
}

/** How many kernels a server has started so far (its log says so for each). */
function kernelsStarted(server: JupyterServerProcess): number {
  return server.log.split('\n').filter(line => line.includes('Kernel started:')).length;
}

describe('code-interpreter eval over several servers', () => {
  let model: ScriptedModelServer;
  let first: JupyterServerProcess;
  let second: JupyterServerProcess;
  let dir: string;
  let dataFile: string;
  let quiet: jest.SpyInstance[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eval-servers-'));
    dataFile = join(dir, 'data.jsonl');
    const tasks = subsetDataFile(HUMANEVAL_PLUS, TASKS, dataFile);
    model = await ScriptedModelServer.start({ script: coder(tasks) });
    [first, second] = await Promise.all([startJupyter(), startJupyter()]);
  });

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop(), model?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    quiet = [
      jest.spyOn(process.stdout, 'write').mockImplementation(() => true),
      jest.spyOn(process.stderr, 'write').mockImplementation(() => true)
    ];
  });

  afterEach(() => quiet.forEach(spy => spy.mockRestore()));

  const run = (name: string, servers: string[]) =>
    runEvalCommand([
      '--dataset',
      'humaneval+',
      '--data',
      dataFile,
      '--mode',
      'exec-feedback',
      '--base-url',
      model.baseUrl,
      '--api-key',
      'test-key',
      '--model',
      'scripted-coder',
      '--workers',
      '4',
      '--out',
      join(dir, name),
      '--cache-dir',
      join(dir, 'cache'),
      ...servers
    ]);

  it('spreads the workers over two servers and gives the verdicts of one', async () => {
    expect(await run('one', ['--server-url', first.url, '--token', first.token])).toBe(0);
    const before = [kernelsStarted(first), kernelsStarted(second)];
    expect(before[1]).toBe(0);
    // A comma list with a token per server.
    const both = `${first.url},${second.url}`;
    expect(await run('two', ['--server-url', both, '--token', first.token, '--token', second.token])).toBe(0);
    // Four workers, two kernels on each server.
    expect(kernelsStarted(first) - before[0]).toBe(2);
    expect(kernelsStarted(second)).toBe(2);
    const one = verdicts(join(dir, 'one'));
    expect(Object.keys(one).sort()).toEqual(TASKS);
    expect(verdicts(join(dir, 'two'))).toEqual(one);
    // The plan's outcomes: right at once, right after feedback, wrong twice, ...
    expect(TASKS.map(id => one[id][0])).toEqual(['pass', 'pass', 'fail', 'pass', 'fail', 'pass']);
  });

  it('reads repeated --server-url and comma lists, and matches tokens to servers', () => {
    expect(
      parseServers({ 'server-url': ['http://a:1/,http://b:2/', 'http://c:3/'], token: ['x'] }, { JUPYTER_TOKEN: 'e' })
    ).toEqual([
      { url: 'http://a:1/', token: 'x' },
      { url: 'http://b:2/', token: 'x' },
      { url: 'http://c:3/', token: 'x' }
    ]);
    expect(parseServers({ 'server-url': ['http://a:1/', 'http://b:2/'] }, { JUPYTER_TOKEN: 'e' })).toEqual([
      { url: 'http://a:1/', token: 'e' },
      { url: 'http://b:2/', token: 'e' }
    ]);
    expect(() => parseServers({ 'server-url': ['http://a:1/,http://b:2/'], token: ['x', 'y', 'z'] }, {})).toThrow(
      '--token is given 3 times for 2 servers: give one for all, or one per --server-url.'
    );
    expect(() => parseServers({ 'server-url': ['localhost-8888'] }, {})).toThrow(
      '--server-url is not a URL: "localhost-8888"'
    );
  });
});
