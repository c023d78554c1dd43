// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ICandidateChoice, ICandidateRecord } from './candidateChoice';
import type { ISectionVerdict, SectionStatus } from './evalTask';

/**
 * One line of `results.jsonl`: a task's (or a sample's) verdicts and how they came about.
 */
export interface IResultRecord {
  task_id: string;
  /**
   * The position of the sample among the task's samples (`evaluate` with several per task).
   */
  sample_index?: number;
  solution: string;
  base_status: SectionStatus;
  /**
   * `null` for the datasets scored on base tests only.
   */
  plus_status: SectionStatus | null;
  base: ISectionVerdict;
  plus?: ISectionVerdict;
  attempts?: number;
  feedback?: string[];
  guidance?: string[];
  /**
   * Answers that repeated an earlier failing solution unchanged.
   */
  repeats?: number;
  /**
   * The solution of every answer, in order, when there was more than one.
   */
  answers?: string[];
  tokens?: { prompt: number; completion: number };
  error?: string;
  /**
   * Every candidate with its visible examples' verdicts (thorough effort).
   */
  candidates?: ICandidateRecord[];
  /**
   * Which candidate became `solution`, and why (thorough effort).
   */
  choice?: ICandidateChoice;
  duration_ms: number;
}

/**
 * The run's outputs in one folder (records of type `R`: {@link IResultRecord} for the code
 * datasets): `results.jsonl` grows a line per finished task (so a stopped
 * run keeps them and `--resume` skips them); `samples.jsonl` (EvalPlus's format) and
 * `summary.json` are written from all records at the end.
 */
export class ResultsFile<R extends ResultsFile.IKeyed = IResultRecord> {
  /**
   * Open the folder.
   *
   * @param outDir - the folder (created when missing).
   * @param resume - keep the records already there; otherwise the folder must hold none.
   * @throws {ResultsFile.ExistsError} when records exist and `resume` is false.
   */
  constructor(
    readonly outDir: string,
    resume: boolean
  ) {
    mkdirSync(outDir, { recursive: true });
    this.resultsPath = join(outDir, 'results.jsonl');
    if (existsSync(this.resultsPath)) {
      const lines = readFileSync(this.resultsPath, 'utf8')
        .split('\n')
        .filter(line => line.trim());
      if (lines.length && !resume) {
        throw new ResultsFile.ExistsError(
          `${this.resultsPath} already holds results: pass --resume to continue that run, or choose another --out.`
        );
      }
      for (const line of lines) {
        try {
          const record = JSON.parse(line) as R;
          this._records.push(record);
          this._keys.add(ResultsFile.keyOf(record));
        } catch {
          // A line cut short by a crash mid-write: that task runs again.
        }
      }
    }
  }

  /**
   * The path of `results.jsonl`.
   */
  readonly resultsPath: string;

  /**
   * Every record, earlier runs' first.
   */
  get records(): readonly R[] {
    return this._records;
  }

  /**
   * Whether a task (or one sample of it) is already done.
   *
   * @param key - {@link ResultsFile.keyOf} of the record.
   * @returns whether a record has that key.
   */
  has(key: string): boolean {
    return this._keys.has(key);
  }

  /**
   * Add a record and write it at once.
   *
   * @param record - the record.
   */
  append(record: R): void {
    this._records.push(record);
    this._keys.add(ResultsFile.keyOf(record));
    appendFileSync(this.resultsPath, `${JSON.stringify(record)}\n`);
  }

  /**
   * Write `samples.jsonl`: one `{task_id, solution}` per record, in the given task order.
   *
   * @param taskOrder - the dataset's task ids, in order.
   */
  writeSamples(this: ResultsFile<IResultRecord>, taskOrder: readonly string[]): void {
    const position = new Map(taskOrder.map((id, index) => [id, index]));
    const sorted = [...this._records].sort(
      (a, b) =>
        (position.get(a.task_id) ?? 0) - (position.get(b.task_id) ?? 0) || (a.sample_index ?? 0) - (b.sample_index ?? 0)
    );
    writeFileSync(
      join(this.outDir, 'samples.jsonl'),
      sorted.map(record => `${JSON.stringify({ task_id: record.task_id, solution: record.solution })}\n`).join('')
    );
  }

  /**
   * Write `summary.json`.
   *
   * @param summary - the summary.
   */
  writeSummary(summary: object): void {
    writeFileSync(join(this.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  }

  /**
   * The summary a previous run of this folder left, if any.
   *
   * @returns its parsed content, or `undefined`.
   */
  previousSummary(): Record<string, unknown> | undefined {
    try {
      return JSON.parse(readFileSync(join(this.outDir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  private _records: R[] = [];
  private _keys = new Set<string>();
}

/**
 * The namespace for `ResultsFile` statics.
 */
export namespace ResultsFile {
  /**
   * What identifies a record: every kind of record (a code task's, a DABench question's) has these.
   */
  export interface IKeyed {
    task_id: string;
    sample_index?: number;
  }

  /**
   * The folder holds results and `--resume` was not given.
   */
  export class ExistsError extends Error {
    constructor(message: string) {
      super(message);
      this.name = 'ResultsFile.ExistsError';
    }
  }

  /**
   * The identity of a record: its task, and its sample index when there is one.
   *
   * @param record - the record (or its identifying fields).
   * @returns the key.
   */
  export function keyOf(record: { task_id: string; sample_index?: number }): string {
    return record.sample_index === undefined ? record.task_id : `${record.task_id}#${record.sample_index}`;
  }
}
