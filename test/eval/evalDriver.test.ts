// The kernel-side driver and its TypeScript wrappers: sanitizing answers, the self-check's visible
// examples, time limits, kernel replacement after code that cannot be interrupted, and data files.
import { KernelManager } from '@jupyterlab/services';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeNodeServerSettings } from '../../src/node/serverConnection';
import { loadDataset } from '../../src/eval/dataset';
import { EvalKernel } from '../../src/eval/evalKernel';
import { describeSelfCheck, describeTestFailure, type ISelfCheckReport } from '../../src/eval/evalPrompts';
import { GroundTruthStore } from '../../src/eval/groundTruth';
import { checkSolution, timeLimits } from '../../src/eval/solutionChecker';
import type { IEvalTask } from '../../src/eval/evalTask';
import type { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { startJupyter } from '../support/jupyter';
import { HUMANEVAL_PLUS, MBPP_PLUS } from './support/evalFixtures';

jest.setTimeout(120_000);

describe('evaluation driver', () => {
  let server: JupyterServerProcess;
  let manager: KernelManager;
  let kernel: EvalKernel;
  let dir: string;
  const humaneval = loadDataset(HUMANEVAL_PLUS).tasks;
  const task = (id: string, tasks: IEvalTask[] = humaneval) => tasks.find(t => t.taskId === id) as IEvalTask;

  beforeAll(async () => {
    server = await startJupyter();
    manager = new KernelManager({ serverSettings: makeNodeServerSettings(server.url, server.token) });
    await manager.ready;
    kernel = await EvalKernel.start(manager);
    dir = mkdtempSync(join(tmpdir(), 'eval-driver-'));
  });

  afterAll(async () => {
    await kernel.dispose();
    manager.dispose();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sanitize = async (code: string, entry_point: string, prompt = '') =>
    (await kernel.call({ op: 'sanitize', code, entry_point, prompt }, { timeoutMs: 10000 })).result as {
      code: string;
      has_entry_point: boolean;
    };

  it('sanitizes an answer to the entry point and what it needs', async () => {
    const result = await sanitize(
      [
        'import os',
        'LIMIT = 3',
        'UNUSED = 4',
        'def helper(x):',
        '    return x + LIMIT',
        '',
        'def unrelated():',
        '    return 1',
        '',
        '@staticmethod',
        'def decorated(): pass',
        '',
        'def solve(values: List[int]):',
        '    return [helper(v) for v in values]',
        '',
        'print(solve([1]))',
        'assert solve([1]) == [4]',
        "if __name__ == '__main__':",
        '    solve([2])',
        'Some trailing prose that is not Python.'
      ].join('\n'),
      'solve',
      'from typing import List\n\ndef solve(values):\n    """doc"""\n'
    );
    expect(result.has_entry_point).toBe(true);
    expect(result.code).toBe(
      [
        'from typing import List',
        '',
        'import os',
        '',
        'LIMIT = 3',
        '',
        'def helper(x):',
        '    return x + LIMIT',
        '',
        'def solve(values: List[int]):',
        '    return [helper(v) for v in values]',
        ''
      ].join('\n')
    );
    expect((await sanitize('def other():\n    pass\n', 'solve')).has_entry_point).toBe(false);
  });

  it('runs the visible examples of HumanEval and MBPP prompts, never the hidden tests', async () => {
    const mbpp = loadDataset(MBPP_PLUS).tasks;
    const selfCheck = async (t: IEvalTask, code: string) =>
      (
        await kernel.call(
          { op: 'self_check', raw: code, code, prompt: t.prompt, entry_point: t.entryPoint, seconds: 5 },
          { timeoutMs: 30000 }
        )
      ).result as unknown as ISelfCheckReport;
    const wrongTruncate = await selfCheck(
      task('HumanEval/2'),
      'def truncate_number(number):\n    print("hi")\n    return 1.5\n'
    );
    expect(wrongTruncate.examples).toEqual([
      { source: 'truncate_number(3.5)', expected: '0.5', actual: '1.5', ok: false }
    ]);
    expect(describeSelfCheck(task('HumanEval/2'), wrongTruncate)).toBe(
      'The example `truncate_number(3.5)` returned 1.5, but the task says 0.5.'
    );
    const similar = task('Mbpp/2', mbpp);
    const wrongSimilar = await selfCheck(similar, 'def similar_elements(a, b):\n    return (1, 2)\n');
    expect(wrongSimilar.examples).toHaveLength(1);
    expect(wrongSimilar.examples[0]).toMatchObject({ ok: false, actual: '{1, 2}' });
    expect(describeSelfCheck(similar, wrongSimilar)).toContain('(the left side is {1, 2})');
    const right = await selfCheck(similar, 'def similar_elements(a, b):\n    return tuple(set(a) & set(b))\n');
    expect(describeSelfCheck(similar, right)).toBeUndefined();
    const crashing = await selfCheck(
      similar,
      'def similar_elements(a, b):\n    return 1 / 0\nsimilar_elements(1, 2)\n'
    );
    expect(crashing.run.status).toBe('error');
    expect(describeSelfCheck(similar, crashing)).toContain('ZeroDivisionError');
  });

  it("finds no fault in a canonical solution from its prompt's examples, except where the prompt is wrong", async () => {
    const mbpp = loadDataset(MBPP_PLUS).tasks;
    const faulted: string[] = [];
    for (const [t, code] of [
      ...humaneval.map(t => [t, t.prompt + t.canonicalSolution] as const),
      ...mbpp.map(t => [t, t.canonicalSolution] as const)
    ]) {
      const report = (
        await kernel.call(
          { op: 'self_check', raw: code, code, prompt: t.prompt, entry_point: t.entryPoint, seconds: 5 },
          { timeoutMs: 30000 }
        )
      ).result as unknown as ISelfCheckReport;
      if (describeSelfCheck(t, report) !== undefined) {
        faulted.push(t.taskId);
      }
    }
    // Examples with nothing under them (`longest([])` is None, `f(x) == y` holds), lines that are
    // not Python, and MBPP+'s `math.isclose` without an import once gave correct solutions
    // made-up faults. The examples written as lines (`f(x) ==> y`) are read too. These three
    // prompts' examples contradict their own tests (HumanEval/148 writes the tuple ("Venus",)
    // as ("Venus"), a string).
    expect(faulted).toEqual(['HumanEval/47', 'HumanEval/116', 'HumanEval/148']);
  });

  it('limits each call, reports timeouts and replaces a kernel that ignores interrupts', async () => {
    const t = task('HumanEval/2');
    const store = new GroundTruthStore({ cacheDir: join(dir, 'cache'), dataHash: 'test', family: 'humaneval' });
    const truth = await store.compute(kernel, t, ['base', 'plus']);
    expect(truth?.base_time).toHaveLength(3);
    const check = (code: string) =>
      checkSolution(kernel, {
        task: t,
        family: 'humaneval',
        code,
        sections: ['base'],
        truth: truth!,
        timeLimits: { minTimeLimit: 0.5 }
      });

    const slow = await check('def truncate_number(number):\n    while True:\n        pass\n');
    expect(slow.base).toMatchObject({
      status: 'fail',
      passed: 0,
      failure: { kind: 'timeout', index: 0, limit: 0.5, input: '(3.5,)' }
    });
    expect(describeTestFailure(t, slow)).toBe(
      'Calling truncate_number(3.5) did not finish within 0.5 seconds (time limit exceeded).'
    );
    // Swallowing the per-call alarm does not escape the section's budget.
    const swallowing = await check(
      'def truncate_number(number):\n    while True:\n        try:\n            sum(range(10**6))\n        except Exception:\n            pass\n'
    );
    expect(swallowing.base?.status).toBe('timeout');

    const restartsBefore = kernel.restarts;
    // Sleeping in C with every exception swallowed: only a new kernel ends it.
    const stuck = await check(
      'import time\ndef truncate_number(number):\n    while True:\n        try:\n            time.sleep(100)\n        except BaseException:\n            pass\n'
    );
    expect(stuck.base).toMatchObject({ status: 'timeout', failure: { kind: 'timeout' } });
    expect(kernel.restarts).toBe(restartsBefore + 1);
    // The new kernel works, and the expected outputs are still found.
    const right = await check('def truncate_number(number):\n    return number % 1.0\n');
    expect(right.base).toEqual({ status: 'pass', passed: 3, total: 3 });

    const missing = await check('def truncate(number):\n    return 0\n');
    expect(describeTestFailure(t, missing)).toBe('The code does not define a function named `truncate_number`.');
    const raising = await check('def truncate_number(number):\n    raise ValueError("no")\n');
    expect(describeTestFailure(t, raising)).toMatch(
      /^Calling truncate_number\(3\.5\) raised an error:\n[\s\S]*ValueError: no$/
    );
    // The traceback shows the solution's failing line itself, not only its number.
    const indexing = await check('def truncate_number(number):\n    digits = [number]\n    return digits[3] % 1.0\n');
    expect(describeTestFailure(t, indexing)).toContain(
      '  File "<solution>", line 3, in truncate_number\n    return digits[3] % 1.0\n'
    );
    // Solutions cannot leave interpreter-wide settings behind for the next task.
    const lowered = await check(
      'import sys\nsys.setrecursionlimit(200)\ndef truncate_number(number):\n    return number % 1.0\n'
    );
    expect(lowered.base?.status).toBe('pass');
    const deep = await check(
      'def _depth(n):\n    return 0 if n == 0 else 1 + _depth(n - 1)\ndef truncate_number(number):\n    _depth(500)\n    return number % 1.0\n'
    );
    expect(deep.base?.status).toBe('pass');
  });

  it('disables file removal and process control while a solution runs, as EvalPlus', async () => {
    const t = task('HumanEval/2');
    const store = new GroundTruthStore({ cacheDir: join(dir, 'guard'), dataHash: 'test', family: 'humaneval' });
    const truth = (await store.compute(kernel, t, ['base']))!;
    const precious = join(dir, 'precious.txt');
    writeFileSync(precious, 'keep me');
    const check = (code: string) =>
      checkSolution(kernel, { task: t, family: 'humaneval', code, sections: ['base'], truth });
    const remover = await check(
      `import os\ndef truncate_number(number):\n    os.remove(${JSON.stringify(precious)})\n    return number % 1.0\n`
    );
    expect(remover.base?.status).toBe('fail');
    expect(remover.base?.failure?.error).toContain("'NoneType' object is not callable");
    expect(existsSync(precious)).toBe(true);
    // A memory bomb meets EvalPlus's 4 GiB cap instead of the machine's limits.
    const bomb = await check('def truncate_number(number):\n    return len(bytearray(5 * 2 ** 30))\n');
    expect(bomb.base?.failure?.error).toContain('MemoryError');
    // Everything is back afterwards: the driver itself reads and writes files again.
    const again = await store.compute(kernel, t, ['base']);
    expect(again?.base_time).toHaveLength(3);
    expect((await check('def truncate_number(number):\n    return number % 1.0\n')).base?.status).toBe('pass');
  });

  it('computes expected outputs again when the kernel-side file is gone', async () => {
    const t = task('HumanEval/0');
    const store = new GroundTruthStore({ cacheDir: join(dir, 'gone'), dataHash: 'test', family: 'humaneval' });
    const truth = await store.compute(kernel, t, ['base']);
    rmSync(truth!.file);
    let recomputed = 0;
    const verdicts = await checkSolution(kernel, {
      task: t,
      family: 'humaneval',
      code: t.prompt + t.canonicalSolution,
      sections: ['base'],
      truth: truth!,
      recomputeTruth: async on => {
        recomputed++;
        return store.compute(on, t, ['base']);
      }
    });
    expect(recomputed).toBe(1);
    expect(verdicts.base?.status).toBe('pass');
  });

  it('derives time limits as EvalPlus does', () => {
    expect(timeLimits([0.01, 0.5, 2])).toEqual({ limits: [1, 2, 8], budget: 13 });
    expect(timeLimits(Array(100).fill(1))).toEqual({ limits: Array(100).fill(4), budget: 62 });
  });

  it('reads data files with NaN and Infinity, keeping the raw line for the kernel', () => {
    const file = join(dir, 'odd.jsonl');
    const line =
      '{"task_id": "X/1", "prompt": "NaN \\" Infinity", "entry_point": "f", "canonical_solution": "", "base_input": [[NaN, -Infinity, Infinity]], "plus_input": []}';
    writeFileSync(file, `${line}\n\n`);
    const [only] = loadDataset(file).tasks;
    expect(only).toMatchObject({ taskId: 'X/1', prompt: 'NaN " Infinity', entryPoint: 'f', line });
    expect(loadDataset(MBPP_PLUS).tasks).toHaveLength(378);
  });
});
