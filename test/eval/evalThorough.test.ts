// `code-interpreter eval --effort thorough` on HumanEval+ against the scripted model server, with
// real kernels: K sampled candidates per task, judged on the prompt's visible examples only.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runEvalCommand } from '../../src/cli/evalCommand';
import type { IEvalSummary } from '../../src/eval/evalSummary';
import { ProgressBar } from '../../src/eval/progressBar';
import type { IResultRecord } from '../../src/eval/resultsFile';
import { ScriptedModelServer, type IRecordedRequest } from '../support/scriptedModelServer';
import { HUMANEVAL_PLUS, subsetDataFile } from './support/evalFixtures';

jest.setTimeout(180_000);

const fence = (code: string) => `\`\`\`python\n${code.trim()}\n\`\`\`\n`;

const RIGHT_PARENS = `def separate_paren_groups(paren_string):
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
    return groups`;

/**
 * The candidates of each task, by the seed's offset from the first seed. The harness sees only
 * the visible examples: has_close_elements' two doctests and separate_paren_groups' one.
 */
const CANDIDATES: Record<string, string[]> = {
  // The first fails the visible example, the second passes it.
  separate_paren_groups: [
    'def separate_paren_groups(paren_string):\n    return []',
    RIGHT_PARENS,
    'def separate_paren_groups(paren_string):\n    return [paren_string]'
  ],
  // Each passes one example of two: the second and third behave alike (False, False) and outvote
  // the first (True, True).
  has_close_elements: [
    'def has_close_elements(numbers, threshold):\n    return True',
    'def has_close_elements(numbers, threshold):\n    return False',
    'def has_close_elements(numbers, threshold):\n    return len(numbers) < 0'
  ],
  // The first two agree and pass the one example: the third is never asked for.
  truncate_number: [
    'def truncate_number(number):\n    return number % 1.0',
    'def truncate_number(number):\n    return number - int(number)',
    'def truncate_number(number):\n    return 0.0'
  ],
  // The first defines a global the second uses without defining: loaded apart, the second fails.
  below_zero: [
    'LEAKED = 0\n\ndef below_zero(operations):\n    balance = LEAKED\n    for op in operations:\n        balance += op\n        if balance < 0:\n            return True\n    return False',
    'def below_zero(operations):\n    return LEAKED > 0',
    'def below_zero(operations):\n    return LEAKED > 0'
  ]
};

function script(request: IRecordedRequest, firstSeed: number) {
  const text = JSON.stringify(request.body.messages);
  const entry = Object.keys(CANDIDATES).find(name => text.includes(`def ${name}(`));
  const seed = (request.body as unknown as { seed?: number }).seed;
  if (!entry || typeof seed !== 'number') {
    return undefined;
  }
  return { kind: 'text' as const, content: fence(CANDIDATES[entry][(seed - firstSeed) % 3]) };
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

describe('code-interpreter eval --effort thorough', () => {
  let server: ScriptedModelServer;
  let firstSeed = 1;
  let dir: string;
  let dataFile: string;
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;

  beforeAll(async () => {
    server = await ScriptedModelServer.start({ script: request => script(request, firstSeed) });
    dir = mkdtempSync(join(tmpdir(), 'eval-thorough-'));
    dataFile = join(dir, 'data.jsonl');
    subsetDataFile(HUMANEVAL_PLUS, ['HumanEval/0', 'HumanEval/1', 'HumanEval/3'], dataFile);
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

  const run = async (outDir: string, extra: string[] = []) => {
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
      '--workers',
      '1',
      '--out',
      outDir,
      '--cache-dir',
      join(dir, 'cache'),
      '--effort',
      'thorough',
      ...extra
    ]);
    return { code, requests: server.requests.slice(before) };
  };

  it('samples K candidates per task, picks by the visible examples, then by agreement, and records them all', async () => {
    const outDir = join(dir, 'k3');
    const { code, requests } = await run(outDir);
    expect(code).toBe(0);
    // Three tasks, three separate requests each: the first greedy, the others at the default
    // temperature, with seeds 1, 2, 3.
    expect(requests).toHaveLength(9);
    expect(requests.map(request => request.body.temperature)).toEqual([0, 0.8, 0.8, 0, 0.8, 0.8, 0, 0.8, 0.8]);
    const seeds = requests.map(request => (request.body as unknown as { seed: number }).seed);
    expect(seeds).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    // Every candidate is asked the same prompt: none sees another's answer.
    expect(requests.every(request => request.body.messages.length === 2)).toBe(true);

    const byTask = Object.fromEntries(readRecords(outDir).map(record => [record.task_id, record]));
    const parens = byTask['HumanEval/1'];
    expect(parens.choice).toEqual({ chosen: 1, best: 1, agreeing: 1 });
    expect(parens.candidates?.map(candidate => candidate.passed)).toEqual([0, 1, 0]);
    expect(parens.candidates?.[0].examples[0]).toMatchObject({ ok: false, actual: '[]' });
    expect(parens.candidates?.map(candidate => candidate.seed)).toEqual([1, 2, 3]);
    // Each candidate's own time, within the task's: what the effort at a smaller k would take.
    const times = parens.candidates?.map(candidate => candidate.duration_ms ?? -1) ?? [];
    expect(times.every(ms => ms >= 0)).toBe(true);
    expect(times.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(parens.duration_ms);
    expect(parens.solution).toContain("current = ''");
    // Measured after the choice, for the table of k: every candidate's hidden verdicts.
    expect(parens.candidates?.map(candidate => candidate.hidden)).toEqual([
      { base: 'fail', plus: 'fail' },
      { base: 'pass', plus: 'pass' },
      { base: 'fail', plus: 'fail' }
    ]);
    expect(parens.base_status).toBe('pass');

    const close = byTask['HumanEval/0'];
    expect(close.candidates?.map(candidate => candidate.passed)).toEqual([1, 1, 1]);
    expect(close.choice).toEqual({ chosen: 1, best: 3, agreeing: 2 });
    expect(close.solution).toContain('return False');

    // Each candidate was loaded apart: the second does not see the first's global.
    const below = byTask['HumanEval/3'];
    expect(below.candidates?.[0].passed).toBe(2);
    expect(below.candidates?.[1].examples[0].error).toContain("NameError: name 'LEAKED' is not defined");
    expect(below.choice?.chosen).toBe(0);

    const summary = readSummary(outDir);
    expect(summary).toMatchObject({
      effort: 'thorough',
      candidates: 3,
      candidate_temperature: 0.8,
      seed: 1,
      mode: 'single',
      'pass@1': { base: 2 / 3 }
    });
    expect(summary.reproducibility).toContain('candidates sampled with fixed seeds');
    expect(summary.task_wall_time_s.median).toBeGreaterThan(0);
    const table = stdout.mock.calls.map(call => String(call[0])).join('');
    expect(table).toMatch(/humaneval\+\s+single\s+scripted-coder\s+3\s+66\.7\s+66\.7\s.*thorough k=3\s+\d+\.\ds/);
    expect(summary.task_wall_time_s.mean).toBeGreaterThan(0);
    // The first candidate alone (greedy) passes below_zero only; the second also finds the parens.
    expect(summary.by_candidates?.map(row => [row.k, row.base, row.plus])).toEqual([
      [1, 1 / 3, 1 / 3],
      [2, 2 / 3, 2 / 3],
      [3, 2 / 3, 2 / 3]
    ]);
    expect(summary.by_candidates?.every(row => row.median_task_s > 0)).toBe(true);
    expect(table).toMatch(/k=1\s+33\.3\s+33\.3\s+\d+\.\ds\n.*k=2\s+66\.7\s+66\.7/);
  });

  it('does not ask for candidates that could not change the choice', async () => {
    const single = join(dir, 'truncate.jsonl');
    subsetDataFile(HUMANEVAL_PLUS, ['HumanEval/2'], single);
    const outDir = join(dir, 'settled');
    const { code, requests } = await run(outDir, ['--data', single]);
    expect(code).toBe(0);
    expect(requests.map(request => (request.body as unknown as { seed: number }).seed)).toEqual([1, 2]);
    const [record] = readRecords(outDir);
    expect(record.candidates?.map(candidate => candidate.passed)).toEqual([1, 1]);
    expect(record.choice).toEqual({ chosen: 0, best: 2, agreeing: 2 });
    expect(readSummary(outDir).by_candidates?.map(row => [row.k, row.base])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1]
    ]);
  });

  it('sends the temperature and seeds asked for, and --resume continues a thorough run', async () => {
    firstSeed = 10;
    try {
      const outDir = join(dir, 'resumed');
      const first = await run(outDir, [
        '--candidates',
        '2',
        '--candidate-temperature',
        '0.5',
        '--seed',
        '10',
        '--limit',
        '1'
      ]);
      expect(first.code).toBe(0);
      expect(first.requests.map(request => request.body.temperature)).toEqual([0, 0.5]);
      expect(first.requests.map(request => (request.body as unknown as { seed: number }).seed)).toEqual([10, 11]);
      expect(readRecords(outDir)).toHaveLength(1);

      const second = await run(outDir, [
        '--candidates',
        '2',
        '--candidate-temperature',
        '0.5',
        '--seed',
        '10',
        '--resume'
      ]);
      expect(second.code).toBe(0);
      // Only the two tasks left: two candidates each.
      expect(second.requests).toHaveLength(4);
      const records = readRecords(outDir);
      expect(records.map(record => record.task_id)).toEqual(['HumanEval/0', 'HumanEval/1', 'HumanEval/3']);
      expect(records.every(record => record.candidates?.length === 2)).toBe(true);
      expect(readSummary(outDir)).toMatchObject({ n: 3, effort: 'thorough', candidates: 2, seed: 10 });
    } finally {
      firstSeed = 1;
    }
  });

  it('shows the candidate under way on the progress bar', () => {
    const written: string[] = [];
    const bar = new ProgressBar({
      stream: { isTTY: true, write: text => written.push(text) },
      total: 3,
      label: 'humaneval+'
    });
    bar.update(1, 1, 1, 'HumanEval/1 candidate 2/3');
    expect(written.join('')).toContain('1/3 pass@1 base 100.0% plus 100.0%');
    expect(written.join('')).toMatch(/ HumanEval\/1 candidate 2\/3$/);
  });

  it('refuses thorough options that do not fit', async () => {
    const outDir = join(dir, 'refused');
    expect((await run(outDir, ['--mode', 'exec-feedback'])).code).toBe(2);
    expect((await run(outDir, ['--candidate-temperature', '0'])).code).toBe(2);
    expect((await run(outDir, ['--candidates', '0'])).code).toBe(2);
    expect(await runEvalCommand(['--dataset', 'humaneval+', '--data', dataFile, '--model', 'm', '--seed', '3'])).toBe(
      2
    );
    expect(server.requests.filter(request => request.body.model === 'm')).toHaveLength(0);
  });
});
