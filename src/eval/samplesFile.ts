// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { readFileSync } from 'node:fs';

import type { IEvalTask } from './evalTask';

/**
 * Read samples in EvalPlus's format: one JSON object a line with `task_id` and either `solution`
 * (the complete code) or `completion` (what follows the prompt, which is prepended, as EvalPlus does).
 *
 * @param path - the `.jsonl` file.
 * @param tasks - the dataset's tasks (for the prompts of completions).
 * @returns each task's solutions, in file order.
 * @throws when a line is not valid JSON or lacks `task_id` and a solution.
 */
export function readSamples(path: string, tasks: readonly IEvalTask[]): Map<string, string[]> {
  const prompts = new Map(tasks.map(task => [task.taskId, task.prompt]));
  const samples = new Map<string, string[]>();
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (!line.trim()) {
      return;
    }
    let parsed: { task_id?: unknown; solution?: unknown; completion?: unknown };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      throw new Error(`${path}:${index + 1}: not valid JSON.`);
    }
    const taskId = parsed.task_id;
    if (typeof taskId !== 'string') {
      throw new Error(`${path}:${index + 1}: no task_id.`);
    }
    let solution: string;
    if (typeof parsed.solution === 'string') {
      solution = parsed.solution;
    } else if (typeof parsed.completion === 'string') {
      solution = (prompts.get(taskId) ?? '') + parsed.completion;
    } else {
      throw new Error(`${path}:${index + 1}: neither "solution" nor "completion" is a string.`);
    }
    samples.set(taskId, [...(samples.get(taskId) ?? []), solution]);
  });
  return samples;
}
