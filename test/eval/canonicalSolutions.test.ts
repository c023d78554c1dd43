// Every canonical solution passes its own tests, base and plus, on the full data files: the
// harness's inputs, expected outputs, time limits and comparisons are right for all 542 tasks.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runEvaluateCommand } from '../../src/cli/evaluateCommand';
import { loadDataset } from '../../src/eval/dataset';
import type { IEvalSummary } from '../../src/eval/evalSummary';
import type { IResultRecord } from '../../src/eval/resultsFile';
import { HUMANEVAL_PLUS, MBPP_PLUS } from './support/evalFixtures';

jest.setTimeout(300_000);

describe('canonical solutions', () => {
  let dir: string;
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eval-canonical-'));
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterAll(() => {
    stdout.mockRestore();
    stderr.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['humaneval+', 164, HUMANEVAL_PLUS, 'solution'],
    ['mbpp+', 378, MBPP_PLUS, 'completion']
  ])('%s: all %i canonical solutions pass base and plus', async (dataset, count, dataFile, field) => {
    const tasks = loadDataset(dataFile).tasks;
    expect(tasks).toHaveLength(count as number);
    const samples = join(dir, `${dataset}.jsonl`);
    // Both sample formats EvalPlus reads: complete solutions, and completions of the prompt.
    writeFileSync(
      samples,
      tasks
        .map(task =>
          JSON.stringify(
            field === 'solution'
              ? { task_id: task.taskId, solution: task.prompt + task.canonicalSolution }
              : { task_id: task.taskId, completion: task.canonicalSolution }
          )
        )
        .join('\n')
    );
    const outDir = join(dir, `${dataset}-out`);
    const code = await runEvaluateCommand([
      '--dataset',
      dataset as string,
      '--data',
      dataFile as string,
      '--samples',
      samples,
      '--out',
      outDir,
      '--workers',
      '2',
      '--cache-dir',
      join(dir, 'cache')
    ]);
    expect(code).toBe(0);
    const records = readFileSync(join(outDir, 'results.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line) as IResultRecord);
    const failing = records.filter(record => record.base_status !== 'pass' || record.plus_status !== 'pass');
    expect(failing.map(record => `${record.task_id}: ${JSON.stringify([record.base, record.plus])}`)).toEqual([]);
    expect(records).toHaveLength(count as number);
    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as IEvalSummary;
    expect(summary).toMatchObject({ n: count, mode: 'samples', 'pass@1': { base: 1, plus: 1 } });
  });
});
