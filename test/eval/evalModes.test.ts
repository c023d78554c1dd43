// End-to-end runs of `code-interpreter eval` in each mode against the scripted model server, with
// answers chosen so that each mode's pass@1 is known in advance.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runEvalCommand } from '../../src/cli/evalCommand';
import { runEvaluateCommand } from '../../src/cli/evaluateCommand';
import { CRITIC_SYSTEM_PROMPT } from '../../src/eval/evalPrompts';
import { runEvaluation } from '../../src/eval/evalRun';
import type { IEvalSummary } from '../../src/eval/evalSummary';
import type { IResultRecord } from '../../src/eval/resultsFile';
import { TaskSolver } from '../../src/eval/taskSolver';
import { ModelClient } from '../../src/model/modelClient';
import { projectPython } from '../support/jupyter';
import { lastUserMessageText, ScriptedModelServer, type IRecordedRequest } from '../support/scriptedModelServer';
import { HUMANEVAL_PLUS, subsetDataFile } from './support/evalFixtures';

jest.setTimeout(180_000);

const TASKS = ['HumanEval/0', 'HumanEval/1', 'HumanEval/2', 'HumanEval/3'];

const fence = (code: string) => `Here is the solution.\n\n\`\`\`python\n${code.trim()}\n\`\`\`\n`;

const RIGHT: Record<string, string> = {
  has_close_elements: `from typing import List

def has_close_elements(numbers: List[float], threshold: float) -> bool:
    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for j, b in enumerate(numbers) if i != j)

print(has_close_elements([1.0, 2.0], 0.5))
assert has_close_elements([1.0, 1.1], 0.5)`,
  separate_paren_groups: `def separate_paren_groups(paren_string):
    groups, depth, current = [], 0, ''
    for char in paren_string:
        if char == '(':
            depth += 1
            current += char
        elif char == ')':
            depth -= 1
            current += char
            if depth == 0:
                groups.append(current)
                current = ''
    return groups`,
  below_zero: `def below_zero(operations):
    balance = 0
    for op in operations:
        balance += op
        if balance < 0:
            return True
    return False

if __name__ == '__main__':
    print(below_zero([1, -2]))`
};

const WRONG: Record<string, string> = {
  separate_paren_groups: 'def separate_paren_groups(paren_string):\n    return []',
  truncate_number: 'def truncate_number(number):\n    return 0.0',
  // Right on the prompt's two examples, wrong on the hidden tests.
  below_zero: `def below_zero(operations):
    balance = 0
    for op in operations[:3]:
        balance += op
        if balance < 0:
            return True
    return False`
};

/** Which answer each task gets at each attempt: right at first, wrong then right, wrong twice, right on the examples only then right. */
const PLAN: Record<string, [string, string]> = {
  has_close_elements: [RIGHT.has_close_elements, RIGHT.has_close_elements],
  separate_paren_groups: [WRONG.separate_paren_groups, RIGHT.separate_paren_groups],
  truncate_number: [WRONG.truncate_number, 'def truncate_number(number):\n    return number'],
  below_zero: [WRONG.below_zero, RIGHT.below_zero]
};

const GUIDANCE = 'GUIDANCE: look again at how the result is built.';

function script(request: IRecordedRequest) {
  const messages = request.body.messages;
  const system = messages[0];
  if (system.role === 'system' && system.content === CRITIC_SYSTEM_PROMPT) {
    return { kind: 'text' as const, content: GUIDANCE };
  }
  const firstUser = messages.find(message => message.role === 'user');
  const text = typeof firstUser?.content === 'string' ? firstUser.content : '';
  const entry = Object.keys(PLAN).find(name => text.includes(`def ${name}(`));
  if (!entry) {
    return undefined;
  }
  const attempt = messages.filter(message => message.role === 'assistant').length;
  return { kind: 'text' as const, content: fence(PLAN[entry][Math.min(attempt, 1)]) };
}

function readRecords(outDir: string): IResultRecord[] {
  return readFileSync(join(outDir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as IResultRecord);
}

function readSummary(outDir: string): IEvalSummary {
  return JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as IEvalSummary;
}

/** The Python reprs of every hidden test input's arguments, except those the prompts show. */
function hiddenInputs(dataFile: string): string[] {
  const program = [
    'import json, sys',
    'found = set()',
    'for line in open(sys.argv[1]):',
    '    task = json.loads(line)',
    "    for args in task['base_input'] + task['plus_input']:",
    "        text = repr(tuple(args))[1:-1].rstrip(',')",
    "        if len(text) > 6 and text not in task['prompt']:",
    '            found.add(text)',
    'print(json.dumps(sorted(found)))'
  ].join('\n');
  const result = spawnSync(projectPython(), ['-c', program, dataFile], { encoding: 'utf8' });
  return JSON.parse(result.stdout) as string[];
}

describe('code-interpreter eval', () => {
  let server: ScriptedModelServer;
  let dir: string;
  let dataFile: string;
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;

  beforeAll(async () => {
    server = await ScriptedModelServer.start({ script: request => script(request) });
    dir = mkdtempSync(join(tmpdir(), 'eval-modes-'));
    dataFile = join(dir, 'data.jsonl');
    subsetDataFile(HUMANEVAL_PLUS, TASKS, dataFile);
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    stdout.mockRestore();
    stderr.mockRestore();
  });

  const run = async (mode: string, extra: string[] = []) => {
    const before = server.requests.length;
    const outDir = join(dir, mode);
    const code = await runEvalCommand([
      '--dataset',
      'humaneval+',
      '--data',
      dataFile,
      '--mode',
      mode,
      '--base-url',
      server.baseUrl,
      '--api-key',
      'test-key',
      '--model',
      'scripted-coder',
      '--workers',
      '2',
      '--out',
      outDir,
      '--cache-dir',
      join(dir, 'cache'),
      ...extra
    ]);
    return { code, outDir, requests: server.requests.slice(before) };
  };

  it('single: one answer per task, sanitized to the solution', async () => {
    const { code, outDir, requests } = await run('single');
    expect(code).toBe(0);
    expect(requests).toHaveLength(4);
    expect(requests.every(request => request.body.temperature === 0)).toBe(true);
    const summary = readSummary(outDir);
    expect(summary).toMatchObject({ dataset: 'humaneval+', mode: 'single', model: 'scripted-coder', n: 4 });
    // An endpoint's batching and prompt cache are beyond the harness: the summary says so.
    expect(summary.reproducibility).toMatch(/^not guaranteed: greedy, but/);
    expect(summary['pass@1']).toEqual({ base: 0.25, plus: 0.25 });
    const records = readRecords(outDir);
    const first = records.find(record => record.task_id === 'HumanEval/0') as IResultRecord;
    // The prints and asserts after the function are gone; the import it needs stays.
    expect(first.solution).toContain('from typing import List');
    expect(first.solution).not.toContain('print(');
    expect(first.solution).not.toContain('assert');
    const samples = readFileSync(join(outDir, 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(line => JSON.parse(line));
    expect(samples.map(sample => sample.task_id)).toEqual(TASKS);
    expect(Object.keys(samples[0]).sort()).toEqual(['solution', 'task_id']);
    const table = stdout.mock.calls.map(call => String(call[0])).join('');
    expect(table).toMatch(/humaneval\+\s+single\s+scripted-coder\s+4\s+25\.0\s+25\.0/);
  });

  it('exec-feedback: a failure on the tests goes back to the model once', async () => {
    const { code, outDir, requests } = await run('exec-feedback');
    expect(code).toBe(0);
    expect(requests).toHaveLength(7);
    expect(readSummary(outDir)['pass@1']).toEqual({ base: 0.75, plus: 0.75 });
    const records = readRecords(outDir);
    const byTask = Object.fromEntries(records.map(record => [record.task_id, record]));
    expect(byTask['HumanEval/0'].attempts).toBe(1);
    expect(byTask['HumanEval/2'].attempts).toBe(2);
    expect(byTask['HumanEval/2'].base_status).toBe('fail');
    const feedback = byTask['HumanEval/1'].feedback?.[0] ?? '';
    expect(feedback.startsWith('Execution result: \n')).toBe(true);
    // Wrong output: the input, the expected and the actual values.
    expect(feedback).toContain('Test failed: separate_paren_groups(');
    expect(feedback).toContain("Expected: ['(()())', '((()))', '()', '((())()())']");
    expect(feedback).toContain('Actual: []');
    expect(byTask['HumanEval/3'].base_status).toBe('pass');
  });

  it('exec-feedback: a repeated failing solution is told so and asked once more, sampled under --retry-temperature', async () => {
    // Wrong, the same wrong code again after the feedback, then right.
    const answers = [WRONG.separate_paren_groups, WRONG.separate_paren_groups, RIGHT.separate_paren_groups];
    const repeating = await ScriptedModelServer.start({
      script: request => ({
        kind: 'text' as const,
        content: fence(answers[request.body.messages.filter(message => message.role === 'assistant').length])
      })
    });
    const oneTask = join(dir, 'one-task.jsonl');
    subsetDataFile(HUMANEVAL_PLUS, ['HumanEval/1'], oneTask);
    const args = (outDir: string, temperature: string) => [
      '--dataset',
      'humaneval+',
      '--data',
      oneTask,
      '--mode',
      'exec-feedback',
      '--base-url',
      repeating.baseUrl,
      '--model',
      'scripted-coder',
      '--workers',
      '1',
      '--out',
      outDir,
      '--cache-dir',
      join(dir, 'cache'),
      '--retry-temperature',
      temperature
    ];
    try {
      expect(await runEvalCommand(args(join(dir, 'bad-temperature'), 'hot'))).toBe(2);
      const outDir = join(dir, 'repeat');
      expect(await runEvalCommand(args(outDir, '0.7'))).toBe(0);
      const requests = repeating.requests.map(request => request.body);
      expect(requests).toHaveLength(3);
      expect(requests.map(body => body.temperature)).toEqual([0, 0, 0.7]);
      expect(requests[0].seed).toBeUndefined();
      expect(typeof requests[2].seed).toBe('number');
      expect(lastUserMessageText(requests[2])).toContain('This is the same code as your previous answer');
      const [record] = readRecords(outDir);
      expect(record).toMatchObject({ attempts: 2, repeats: 1, base_status: 'pass' });
      expect(record.answers?.map(answer => answer.includes('return []'))).toEqual([true, true, false]);
      expect(readSummary(outDir)).toMatchObject({ retry_temperature: 0.7 });
      expect(readSummary(outDir).reproducibility).toContain('retries sampled with fixed seeds');
    } finally {
      await repeating.stop();
    }
  });

  it("self-feedback: only the code's own run and the visible examples reach the model", async () => {
    const { code, outDir, requests } = await run('self-feedback');
    expect(code).toBe(0);
    // below_zero's first answer passes the prompt's examples: no feedback, it stays wrong.
    expect(requests).toHaveLength(6);
    expect(readSummary(outDir)['pass@1']).toEqual({ base: 0.5, plus: 0.5 });
    const byTask = Object.fromEntries(readRecords(outDir).map(record => [record.task_id, record]));
    expect(byTask['HumanEval/3']).toMatchObject({ attempts: 1, base_status: 'fail' });
    expect(byTask['HumanEval/1'].feedback?.[0]).toContain(
      "The example `separate_paren_groups('( ) (( )) (( )( ))')` returned [], but the task says ['()', '(())', '(()())']."
    );
    const sent = JSON.stringify(requests.map(request => request.body.messages));
    const hidden = hiddenInputs(dataFile);
    expect(hidden.length).toBeGreaterThan(100);
    expect(hidden.filter(input => sent.includes(JSON.stringify(input).slice(1, -1)))).toEqual([]);
    expect(sent).not.toContain('Test failed');
  });

  it('human-feedback: a critic turns the execution result into guidance for the coder', async () => {
    const { code, outDir, requests } = await run('human-feedback', ['--critic-model', 'scripted-critic']);
    expect(code).toBe(0);
    const critic = requests.filter(request => request.body.model === 'scripted-critic');
    expect(critic).toHaveLength(3);
    expect(requests).toHaveLength(10);
    expect(readSummary(outDir)).toMatchObject({
      'pass@1': { base: 0.75, plus: 0.75 },
      critic_model: 'scripted-critic'
    });
    // The critic sees the problem, the code and the execution result...
    const criticText = lastUserMessageText(critic[0].body);
    expect(criticText).toContain('Running it on the tests gave:');
    expect(criticText).toMatch(/Test failed|raised an error/);
    // ...and the coder gets the guidance.
    const revisions = requests.filter(
      request =>
        request.body.model === 'scripted-coder' && request.body.messages.some(message => message.role === 'assistant')
    );
    expect(revisions).toHaveLength(3);
    expect(revisions.every(request => lastUserMessageText(request.body).startsWith(GUIDANCE))).toBe(true);
    const records = readRecords(outDir);
    expect(records.find(record => record.task_id === 'HumanEval/2')?.guidance).toEqual([GUIDANCE]);
  });

  it('stops cleanly on abort, keeps what finished, and --resume continues', async () => {
    const outDir = join(dir, 'interrupted');
    const controller = new AbortController();
    const coder = new ModelClient({ baseURL: server.baseUrl, apiKey: 'k', model: 'scripted-coder' });
    const solver = new TaskSolver({
      coder,
      mode: 'single',
      family: 'humaneval',
      sections: ['base', 'plus'],
      feedbackSections: ['base'],
      maxAttempts: 1
    });
    let seen = 0;
    const summary = await runEvaluation({
      dataset: 'humaneval+',
      dataFile,
      outDir,
      workers: 1,
      resume: false,
      jupyter: {},
      cacheDir: join(dir, 'cache'),
      solver: { solver, mode: 'single', model: 'scripted-coder', maxAttempts: 1 },
      progress: {
        write: () => {
          // Into a pipe, the bar writes a line after each of these 4 tasks.
          if (++seen === 2) {
            controller.abort();
          }
          return true;
        }
      },
      signal: controller.signal
    });
    expect(summary.interrupted).toBe(true);
    expect(summary.n).toBe(2);
    expect(readRecords(outDir)).toHaveLength(2);

    const before = server.requests.length;
    const code = await runEvalCommand([
      '--dataset',
      'humaneval+',
      '--data',
      dataFile,
      '--base-url',
      server.baseUrl,
      '--model',
      'scripted-coder',
      '--out',
      outDir,
      '--resume',
      '--cache-dir',
      join(dir, 'cache'),
      '--workers',
      '1'
    ]);
    expect(code).toBe(0);
    expect(server.requests.length - before).toBe(2);
    expect(readSummary(outDir)).toMatchObject({ n: 4, interrupted: false, 'pass@1': { base: 0.25 } });
    // Without --resume the folder is refused rather than overwritten.
    expect(
      await runEvalCommand([
        '--dataset',
        'humaneval+',
        '--data',
        dataFile,
        '--model',
        'm',
        '--base-url',
        server.baseUrl,
        '--out',
        outDir
      ])
    ).toBe(2);
  });

  it('exit codes: usage errors and unreachable endpoints', async () => {
    expect(await runEvalCommand(['--dataset', 'nope'])).toBe(2);
    // An endpoint without a model name (with neither, the embedded local model is used).
    expect(await runEvalCommand(['--dataset', 'humaneval+', '--data', dataFile, '--base-url', server.baseUrl])).toBe(2);
    expect(
      await runEvalCommand(['--dataset', 'humaneval+', '--data', dataFile, '--model', 'm', '--mode', 'other'])
    ).toBe(2);
    expect(await runEvalCommand(['--help'])).toBe(0);
    expect(await runEvaluateCommand(['--dataset', 'humaneval+', '--data', dataFile])).toBe(2); // no samples
    expect(
      await runEvalCommand([
        '--dataset',
        'humaneval+',
        '--data',
        dataFile,
        '--model',
        'm',
        '--base-url',
        server.baseUrl,
        '--server-url',
        'http://127.0.0.1:9/',
        '--out',
        join(dir, 'no-jupyter')
      ])
    ).toBe(3);
    const unreachableModel = join(dir, 'no-model');
    expect(
      await runEvalCommand([
        '--dataset',
        'humaneval+',
        '--data',
        dataFile,
        '--model',
        'm',
        '--base-url',
        'http://127.0.0.1:9/v1',
        '--out',
        unreachableModel,
        '--cache-dir',
        join(dir, 'cache'),
        '--workers',
        '1',
        '--limit',
        '1'
      ])
    ).toBe(3);
    expect(existsSync(join(unreachableModel, 'summary.json'))).toBe(true);
  });
});
