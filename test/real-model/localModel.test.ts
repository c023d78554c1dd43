import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runCli } from '../support/cliProcess';

/**
 * The command line on the embedded local model (Qwen2.5-Coder-1.5B-Instruct on llama.cpp, the
 * `local` extra), with no endpoint and no key, greedy decoding. The assertions are on what a
 * correct answer must show (a value in an output, a cell count), never on the model's wording.
 */
// A task is a few model requests of seconds to a minute each on two CPU cores.
jest.setTimeout(600_000);

describe('code-interpreter on the embedded local model', () => {
  let workdir: string;
  const noEndpoint = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, CODE_INTERPRETER_MODEL: undefined };

  beforeEach(() => {
    workdir = mkdtempSync(join(tmpdir(), 'ci-real-'));
  });

  afterEach(() => {
    rmSync(workdir, { recursive: true, force: true });
  });

  const codeCells = (path: string) =>
    (JSON.parse(readFileSync(path, 'utf8')) as { cells: { cell_type: string; outputs?: unknown[] }[] }).cells.filter(
      cell => cell.cell_type === 'code'
    );
  const outputText = (cell: { outputs?: unknown[] }) => JSON.stringify(cell.outputs ?? []);

  it('computes a mean with no endpoint configured: the notebook holds a cell whose output shows 7.5', async () => {
    const run = await runCli(
      ['run', 'Compute the mean of 3, 5, 10, 12.', '--notebook', 'mean.ipynb'],
      noEndpoint,
      workdir
    );
    expect(run.stderr).toContain('local model');
    expect(run.code).toBe(0);
    const cells = codeCells(join(workdir, 'mean.ipynb'));
    expect(cells.some(cell => outputText(cell).includes('7.5'))).toBe(true);
  });

  it('computes the mean and population standard deviation in one cell, without duplicates', async () => {
    const run = await runCli(
      [
        'run',
        'Compute the mean and population standard deviation of 3, 5, 10, 12 and print them.',
        '--notebook',
        'stats.ipynb',
        '--protocol',
        'auto'
      ],
      noEndpoint,
      workdir
    );
    expect(run.code).toBe(0);
    const cells = codeCells(join(workdir, 'stats.ipynb'));
    expect(cells).toHaveLength(1);
    expect(outputText(cells[0])).toContain('7.5');
    expect(outputText(cells[0])).toMatch(/3\.64/);
  });

  it('refuses a corrupted weight file with one line naming the file and the expected sha256', async () => {
    const cache = join(workdir, 'cache');
    const models = join(cache, 'jupyterlab-code-interpreter', 'models');
    mkdirSync(models, { recursive: true });
    const gguf = join(models, 'qwen2.5-coder-1.5b-instruct-q4_k_m.gguf');
    writeFileSync(gguf, 'not a model');
    const run = await runCli(
      ['run', 'Print 1.', '--notebook', 'x.ipynb'],
      { ...noEndpoint, XDG_CACHE_HOME: cache },
      workdir
    );
    expect(run.code).toBe(1);
    const line = run.stderr.split('\n').find(text => text.includes('sha256')) ?? '';
    expect(line).toContain(gguf);
    expect(line).toContain('cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('completes eval --limit 5 on HumanEval+ and scores every task', async () => {
    const out = join(workdir, 'eval');
    const run = await runCli(
      ['eval', '--dataset', 'humaneval+', '--limit', '5', '--workers', '1', '--out', out],
      noEndpoint,
      workdir
    );
    expect(run.code).toBe(0);
    const results = readFileSync(join(out, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(line => JSON.parse(line) as { task_id: string; base_status: string });
    expect(results.map(result => result.task_id).sort()).toEqual(
      ['HumanEval/0', 'HumanEval/1', 'HumanEval/2', 'HumanEval/3', 'HumanEval/4'].sort()
    );
    // These five are easy for this model (it solves 19 of the first 20 greedily): most must pass,
    // which shows its answers were read and scored, not only that the run ended.
    expect(results.filter(result => result.base_status === 'pass').length).toBeGreaterThanOrEqual(3);
    // The local server's prompt cache is off for the run, so a second run gives the same answers.
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { reproducibility?: string };
    expect(summary.reproducibility).toMatch(/^same answers run to run/);
  });
});
