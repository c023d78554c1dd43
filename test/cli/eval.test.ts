import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defaultDataFile } from '../../src/eval/dataset';

const ROOT = join(__dirname, '..', '..');

/**
 * Run a built command-line script, and collect what it printed.
 */
function runNode(
  script: string,
  args: string[],
  cwd: string
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd,
      env: { ...process.env, CODE_INTERPRETER_MODEL: '', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

/**
 * A package folder named as this one, with `../shared/data/HumanEvalPlus.jsonl.gz` next to it;
 * with `src/` it is a checkout, without it an installed copy.
 */
function packageNextToSharedData(parent: string, checkout: boolean): string {
  const root = join(parent, 'jupyterlab-code-interpreter');
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'jupyterlab-code-interpreter' }));
  if (checkout) {
    mkdirSync(join(root, 'src'));
  }
  mkdirSync(join(parent, 'shared', 'data'), { recursive: true });
  writeFileSync(join(parent, 'shared', 'data', 'HumanEvalPlus.jsonl.gz'), '');
  return root;
}

describe('code-interpreter eval options', () => {
  let workdir: string;

  beforeEach(() => {
    workdir = mkdtempSync(join(tmpdir(), 'ci-eval-'));
  });

  afterEach(() => {
    rmSync(workdir, { recursive: true, force: true });
  });

  it('defaults --data to ../shared/data in a checkout only, not next to an installed package', () => {
    const checkout = packageNextToSharedData(join(workdir, 'work'), true);
    expect(defaultDataFile('humaneval+', checkout)).toBe(
      join(workdir, 'work', 'shared', 'data', 'HumanEvalPlus.jsonl.gz')
    );
    expect(defaultDataFile('mbpp+', checkout)).toBeUndefined();
    const installed = packageNextToSharedData(join(workdir, 'node_modules'), false);
    expect(defaultDataFile('humaneval+', installed)).toBeUndefined();
  });

  it('asks an installed package for --data by name, and says so in --help', async () => {
    const installed = packageNextToSharedData(join(workdir, 'node_modules'), false);
    const cli = join(installed, 'dist', 'cli.js');
    copyFileSync(join(ROOT, 'dist', 'cli.js'), cli);
    const result = await runNode(cli, ['eval', '--dataset', 'humaneval+', '--model', 'm'], workdir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'code-interpreter eval: --data FILE is required for humaneval+: download HumanEvalPlus.jsonl.gz from https://github.com/evalplus/humanevalplus_release/releases/download/v0.1.10/HumanEvalPlus.jsonl.gz and pass its path.\n'
    );
    const help = await runNode(cli, ['eval', '--help'], workdir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /--data FILE {17}the EvalPlus data file \(\.jsonl or \.jsonl\.gz\); required, except in a\n {30}source checkout with \.\.\/shared\/data\/<file> next to it \(the default there\)/
    );
  });

  it.each([
    [['--workers', 'abc'], '--workers must be a positive integer, not "abc".'],
    [['--limit', '0'], '--limit must be a positive integer, not "0".'],
    [['--min-time-limit', 'x'], '--min-time-limit must be a positive number, not "x".'],
    [['--mode', 'single', '--max-attempts', 'abc'], '--max-attempts must be a positive integer, not "abc".'],
    [['--max-tokens', '-'], '--max-tokens must be a positive integer, not "-".'],
    [['--mode', 'loud'], 'Unknown mode "loud": use single, exec-feedback, self-feedback, human-feedback.'],
    [['--feedback-tests', 'some'], '--feedback-tests must be base or all, not "some".']
  ])('reports %j by name before the missing data file and model', async (args, message) => {
    // A data file that does not exist and no model: the bad value is still what is reported.
    const result = await runNode(
      join(ROOT, 'bin', 'code-interpreter.js'),
      ['eval', '--dataset', 'mbpp', '--data', join(workdir, 'missing.jsonl'), ...args],
      workdir
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`code-interpreter eval: ${message}\n`);
  });
});
