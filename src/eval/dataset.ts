// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

import type { DatasetFamily, DatasetName, IEvalTask, TestSection } from './evalTask';

/**
 * The datasets, in the order `--help` lists them.
 */
export const DATASET_NAMES: readonly DatasetName[] = ['humaneval', 'humaneval+', 'mbpp', 'mbpp+'];

/**
 * Whether a string names a dataset.
 *
 * @param name - what the user typed.
 * @returns whether it is one of {@link DATASET_NAMES}.
 */
export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}

/**
 * The family of a dataset (EvalPlus's special cases depend on it).
 *
 * @param name - the dataset.
 * @returns `humaneval` or `mbpp`.
 */
export function datasetFamily(name: DatasetName): DatasetFamily {
  return name.startsWith('humaneval') ? 'humaneval' : 'mbpp';
}

/**
 * The test sections a dataset is scored on.
 *
 * @param name - the dataset.
 * @returns `['base']`, or `['base', 'plus']` for the EvalPlus versions.
 */
export function datasetSections(name: DatasetName): TestSection[] {
  return name.endsWith('+') ? ['base', 'plus'] : ['base'];
}

/**
 * The file of a dataset's family in the shared data folder (EvalPlus's releases: the base inputs
 * are the original benchmark's tests, so one file serves both versions).
 *
 * @param name - the dataset.
 * @returns the file name.
 */
export function datasetFileName(name: DatasetName): string {
  return datasetFamily(name) === 'humaneval' ? 'HumanEvalPlus.jsonl.gz' : 'MbppPlus.jsonl.gz';
}

/**
 * Where the data file comes from, for the message when it is missing.
 *
 * @param name - the dataset.
 * @returns one line with the download address.
 */
export function datasetSourceHint(name: DatasetName): string {
  return datasetFamily(name) === 'humaneval'
    ? 'https://github.com/evalplus/humanevalplus_release/releases/download/v0.1.10/HumanEvalPlus.jsonl.gz'
    : 'https://github.com/evalplus/mbppplus_release/releases/download/v0.2.0/MbppPlus.jsonl.gz';
}

/**
 * The root folder of this package (the one holding its package.json), found from this file's
 * location so that it works from src/, lib/ and a bundle alike.
 *
 * @param start - where to start looking; default this module's folder.
 * @returns the folder, or `undefined` when none is found.
 */
export function packageRoot(start: string = Private.moduleFolder()): string | undefined {
  let folder = resolve(start);
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (parsed.name === 'jupyterlab-code-interpreter') {
          return folder;
        }
      } catch {
        // An unreadable manifest belongs to someone else; keep looking upwards.
      }
    }
    const parent = dirname(folder);
    if (parent === folder) {
      return undefined;
    }
    folder = parent;
  }
}

/**
 * The default data file of a dataset: the shared copy next to a source checkout
 * (`<checkout>/../shared/data`), when it exists. An installed package has no such neighbour (its
 * parent is a `node_modules` folder), so it has no default.
 *
 * @param name - the dataset.
 * @param root - the package's root; default the one this module belongs to.
 * @returns the path, or `undefined` when the package is not a checkout or there is no copy.
 */
export function defaultDataFile(name: DatasetName, root: string | undefined = packageRoot()): string | undefined {
  // A checkout has its sources; the published package ships only lib/, dist/ and bin/.
  if (!root || !existsSync(join(root, 'src'))) {
    return undefined;
  }
  const candidate = join(root, '..', 'shared', 'data', datasetFileName(name));
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * A loaded data file.
 */
export interface IDatasetFile {
  /**
   * The tasks, in file order.
   */
  tasks: IEvalTask[];

  /**
   * The MD5 of the file's bytes (the key of cached expected outputs, as EvalPlus keys its own).
   */
  hash: string;
}

/**
 * Read a data file (`.jsonl` or `.jsonl.gz`, EvalPlus's format).
 *
 * @param path - the file.
 * @returns the tasks and the file's hash.
 * @throws when the file cannot be read or a line lacks the fields the harness needs.
 */
export function loadDataset(path: string): IDatasetFile {
  const bytes = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const tasks: IEvalTask[] = [];
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    if (!line.trim()) {
      continue;
    }
    const record = Private.parseLenient(line) as Record<string, unknown>;
    const { task_id, prompt, entry_point, canonical_solution } = record;
    if (
      typeof task_id !== 'string' ||
      typeof prompt !== 'string' ||
      typeof entry_point !== 'string' ||
      typeof canonical_solution !== 'string' ||
      !('base_input' in record)
    ) {
      throw new Error(
        `${path}:${lineNumber}: not an EvalPlus task (task_id, prompt, entry_point, canonical_solution, base_input).`
      );
    }
    tasks.push({
      taskId: task_id,
      prompt,
      entryPoint: entry_point,
      canonicalSolution: canonical_solution,
      line
    });
  }
  return { tasks, hash: createHash('md5').update(bytes).digest('hex') };
}

namespace Private {
  /**
   * This module's folder: `__dirname` in CommonJS (src/ under ts-jest, lib/, a CJS bundle); in an
   * ES module bundle, where it does not exist, the running script's folder.
   */
  export function moduleFolder(): string {
    return typeof __dirname === 'string' ? __dirname : dirname(resolve(process.argv[1] ?? '.'));
  }

  /**
   * Parse a JSON line that may hold Python's `NaN`, `Infinity` and `-Infinity` (Python's json
   * writes them; one MBPP+ task has them). They become `null` here: the harness reads only the
   * strings of a task in JavaScript, the kernel parses the raw line itself.
   */
  export function parseLenient(line: string): unknown {
    try {
      return JSON.parse(line);
    } catch {
      return JSON.parse(replaceNonFinite(line));
    }
  }

  /**
   * Replace the non-finite number tokens outside strings with `null`.
   */
  function replaceNonFinite(line: string): string {
    let out = '';
    let inString = false;
    for (let i = 0; i < line.length; i++) {
      const char = line[i];
      if (inString) {
        out += char;
        if (char === '\\') {
          out += line[++i] ?? '';
        } else if (char === '"') {
          inString = false;
        }
        continue;
      }
      if (char === '"') {
        inString = true;
        out += char;
        continue;
      }
      const token = /^(-?Infinity|NaN)/.exec(line.slice(i, i + 9));
      if (token) {
        out += 'null';
        i += token[1].length - 1;
        continue;
      }
      out += char;
    }
    return out;
  }
}
