import type { ICandidateRecord } from '../../src/eval/candidateChoice';
import { candidatesTable } from '../../src/eval/candidatesTable';
import type { IResultRecord } from '../../src/eval/resultsFile';

/**
 * A candidate that passed `passed` of one visible example, with its hidden verdicts.
 */
function candidate(index: number, passed: number, hidden: 'pass' | 'fail', seconds: number): ICandidateRecord {
  return {
    index,
    temperature: index ? 0.8 : 0,
    seed: 1 + index,
    solution: `def f():\n    return ${index}`,
    examples: [{ source: 'f()', ok: passed > 0, actual: String(index) }],
    passed,
    duration_ms: seconds * 1000,
    hidden: { base: hidden, plus: hidden }
  };
}

function record(task: string, candidates: ICandidateRecord[]): IResultRecord {
  return {
    task_id: task,
    solution: '',
    base_status: 'fail',
    plus_status: 'fail',
    base: { status: 'fail', passed: 0, total: 1 },
    candidates,
    duration_ms: 0
  };
}

describe('candidatesTable', () => {
  it('scores the choice among the first k candidates, with their time, for each k', () => {
    const rows = candidatesTable([
      // Greedy fails its example and the tests; the second passes both.
      record('A', [candidate(0, 0, 'fail', 10), candidate(1, 1, 'pass', 20), candidate(2, 0, 'fail', 30)]),
      // Greedy is right and stays chosen: a later candidate that also passes the example only ties.
      record('B', [candidate(0, 1, 'pass', 2), candidate(1, 1, 'fail', 4), candidate(2, 0, 'fail', 6)])
    ]);
    expect(rows).toEqual([
      { k: 1, base: 0.5, plus: 0.5, median_task_s: 6 },
      { k: 2, base: 1, plus: 1, median_task_s: 18 },
      { k: 3, base: 1, plus: 1, median_task_s: 36 }
    ]);
  });

  it('has no table for records written before candidates kept their hidden verdicts', () => {
    const old = candidate(0, 1, 'pass', 1);
    delete old.hidden;
    expect(candidatesTable([record('A', [old])])).toBeUndefined();
    expect(candidatesTable([record('A', [])])).toBeUndefined();
    expect(candidatesTable([])).toBeUndefined();
  });
});
