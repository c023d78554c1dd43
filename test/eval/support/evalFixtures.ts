// Fixtures of the evaluation tests: small data files cut from the shared ones, and deliberately
// wrong solutions built from the canonical ones.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadDataset } from '../../../src/eval/dataset';
import type { IEvalTask } from '../../../src/eval/evalTask';

export const SHARED_DATA = join(__dirname, '..', '..', '..', '..', 'shared', 'data');
export const HUMANEVAL_PLUS = join(SHARED_DATA, 'HumanEvalPlus.jsonl.gz');
export const MBPP_PLUS = join(SHARED_DATA, 'MbppPlus.jsonl.gz');

/**
 * Write the chosen tasks' lines, unchanged, to a new data file.
 */
export function subsetDataFile(source: string, taskIds: string[], target: string): IEvalTask[] {
  const tasks = loadDataset(source).tasks.filter(task => taskIds.includes(task.taskId));
  if (tasks.length !== taskIds.length) {
    throw new Error(`Some tasks are not in ${source}: ${taskIds.join(', ')}`);
  }
  mkdirSync(join(target, '..'), { recursive: true });
  writeFileSync(target, tasks.map(task => `${task.line}\n`).join(''));
  return tasks;
}

/**
 * The canonical solution, complete.
 */
export function canonical(task: IEvalTask): string {
  return task.prompt + task.canonicalSolution;
}

/**
 * The canonical solution with the entry point wrapped: `body` computes the answer from
 * `_out = _reference(*args)`.
 */
function wrapped(task: IEvalTask, body: string): string {
  return `${canonical(task)}\n\n_reference = ${task.entryPoint}\n\ndef ${task.entryPoint}(*args):\n${body}\n`;
}

/**
 * Deliberately wrong (and a few right) variants of a task's canonical solution.
 */
export function variants(task: IEvalTask): Record<string, string> {
  return {
    canonical: canonical(task),
    offByOne: wrapped(
      task,
      [
        '    _out = _reference(*args)',
        '    if isinstance(_out, bool):',
        '        return not _out',
        '    if isinstance(_out, int):',
        '        return _out + 1',
        '    if isinstance(_out, float):',
        '        return _out + 0.5',
        '    if isinstance(_out, (list, tuple)):',
        '        return _out[:-1] if _out else type(_out)([0])',
        '    if isinstance(_out, str):',
        "        return _out + 'x'",
        '    return None if _out is not None else 0'
      ].join('\n')
    ),
    wrongType: wrapped(
      task,
      '    _out = _reference(*args)\n    return [_out] if isinstance(_out, str) else repr(_out)'
    ),
    tinyFloatError: wrapped(
      task,
      '    _out = _reference(*args)\n    return _out + 1e-9 if isinstance(_out, float) else _out'
    ),
    exception: wrapped(task, "    raise ValueError('deliberate')"),
    missing: canonical(task).replace(new RegExp(`def ${task.entryPoint}\\(`, 'g'), `def ${task.entryPoint}_renamed(`),
    sizeDependent: wrapped(task, '    _out = _reference(*args)\n    return None if len(repr(args)) > 60 else _out'),
    noisy: wrapped(task, "    for _ in range(100):\n        print('noise')\n    return _reference(*args)"),
    exits: wrapped(task, '    import sys\n    sys.exit(1)'),
    // EvalPlus disables file and process functions while a solution runs.
    usesDisabledFunction: wrapped(task, '    import os\n    os.getcwd()\n    return _reference(*args)'),
    loadError: `${canonical(task)}\nraise RuntimeError('at import')\n`
  };
}

/**
 * A solution that never returns (only some tasks get it: each costs a time limit per evaluator).
 */
export function infiniteLoop(task: IEvalTask): string {
  return wrapped(task, '    while True:\n        pass');
}
