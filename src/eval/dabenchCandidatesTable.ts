// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { voteOnAnswers } from '../agent/answerVote';
import { dabenchAccuracy, scoreDabench, type ISubAnswerVerdict } from './dabench';
import type { IDabenchRecord } from './dabenchSummary';
import { taskWallTime } from './taskWallTime';

/**
 * What the thorough effort on DABench would have scored with its first k candidates.
 */
export interface IDabenchCandidatesRow {
  k: number;
  /**
   * The figures of the answers voted among each question's first k candidates, in [0, 1].
   */
  by_question: number;
  by_sub_answer: number;
  /**
   * The median over questions of the first k candidates' times, in seconds.
   */
  median_task_s: number;
}

/**
 * The table of k of a thorough DABench run: for each k from 1 to the run's K, the vote among
 * each question's first k candidates (`voteOnAnswers`, as the run votes), scored against the
 * labels the record's sub-answers keep. Candidate i is sampled the same way whatever K is, so the
 * first k of a run at K are what a run at k would have sampled. A question whose vote was settled
 * before its K-th candidate (`voteIsSettled`) has fewer: for a larger k its vote is the same.
 *
 * @param records - the run's records.
 * @param candidates - the run's K.
 * @returns the rows, k = 1 first; `undefined` when a question has no candidates or its labels
 *   were taken out of the record (as in the committed records of bench/runs).
 */
export function dabenchCandidatesTable(
  records: readonly IDabenchRecord[],
  candidates: number
): IDabenchCandidatesRow[] | undefined {
  const labelled = records.every(
    record => record.candidates?.length && record.sub_answers.every(verdict => typeof verdict.label === 'string')
  );
  if (!records.length || !labelled) {
    return undefined;
  }
  const rows: IDabenchCandidatesRow[] = [];
  for (let k = 1; k <= candidates; k++) {
    const verdicts: ISubAnswerVerdict[][] = [];
    const times: { duration_ms: number }[] = [];
    for (const record of records) {
      const first = (record.candidates ?? []).slice(0, k);
      const names = record.sub_answers.map(verdict => verdict.name);
      const vote = voteOnAnswers(
        names,
        first.map(candidate => ({
          answers: new Map(Object.entries(candidate.answers)),
          completed: candidate.outcome === 'completed'
        }))
      );
      const label = { answers: record.sub_answers.map(({ name, label }): [string, string] => [name, label]) };
      verdicts.push(scoreDabench(label, vote.answers));
      times.push({ duration_ms: first.reduce((sum, candidate) => sum + candidate.duration_ms, 0) });
    }
    const accuracy = dabenchAccuracy(verdicts);
    rows.push({
      k,
      by_question: accuracy.by_question,
      by_sub_answer: accuracy.by_sub_answer,
      median_task_s: taskWallTime(times).median
    });
  }
  return rows;
}
