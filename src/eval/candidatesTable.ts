// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { chooseCandidate } from './candidateChoice';
import type { IResultRecord } from './resultsFile';
import { taskWallTime } from './taskWallTime';

/**
 * What the thorough effort would have scored with its first k candidates.
 */
export interface ICandidatesRow {
  k: number;
  /**
   * pass@1 in [0, 1] of the solutions chosen among the first k candidates; `plus` requires base
   * and plus tests, `null` for the base-only datasets.
   */
  base: number;
  plus: number | null;
  /**
   * The median over tasks of the first k candidates' own times (request and examples), in seconds.
   */
  median_task_s: number;
}

/**
 * The table of k of a thorough run: for each k from 1 to the run's K, the choice among each
 * task's first k candidates, as `chooseCandidate` makes it, scored by the hidden verdicts each
 * candidate's record keeps. Candidate i is sampled the same way whatever K is (the first greedy,
 * then seed + i), so the first k of a run at K are what a run at k would have sampled. A task
 * whose choice was settled before its K-th candidate (`choiceIsSettled`) has fewer: for a larger
 * k its choice is the same.
 *
 * @param records - the run's records.
 * @param candidates - the run's K.
 * @returns the rows, k = 1 first; `undefined` when a record has no candidates, or candidates
 *   without their hidden verdicts or their times (written before those were kept).
 */
export function candidatesTable(records: readonly IResultRecord[], candidates: number): ICandidatesRow[] | undefined {
  const tasks = records.map(record => record.candidates ?? []);
  const complete = tasks.every(
    ran => ran.length && ran.every(candidate => candidate.hidden && candidate.duration_ms !== undefined)
  );
  if (!tasks.length || !complete) {
    return undefined;
  }
  const scoresPlus = tasks.every(ran => ran.every(candidate => candidate.hidden?.plus !== null));
  const rows: ICandidatesRow[] = [];
  for (let k = 1; k <= candidates; k++) {
    let base = 0;
    let plus = 0;
    const times: { duration_ms: number }[] = [];
    for (const ran of tasks) {
      const first = ran.slice(0, k);
      const hidden = first[chooseCandidate(first).chosen].hidden;
      if (hidden?.base === 'pass') {
        base++;
        plus += hidden.plus === 'pass' ? 1 : 0;
      }
      times.push({ duration_ms: first.reduce((sum, candidate) => sum + (candidate.duration_ms ?? 0), 0) });
    }
    rows.push({
      k,
      base: base / tasks.length,
      plus: scoresPlus ? plus / tasks.length : null,
      median_task_s: taskWallTime(times).median
    });
  }
  return rows;
}
