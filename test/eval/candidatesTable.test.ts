import type { ICandidateRecord } from '../../src/eval/candidateChoice';
import { candidatesTable } from '../../src/eval/candidatesTable';
import { choiceIsSettled } from '../../src/eval/candidateChoice';
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
    const rows = candidatesTable(
      [
        // Greedy fails its example and the tests; the second passes both.
        record('A', [candidate(0, 0, 'fail', 10), candidate(1, 1, 'pass', 20), candidate(2, 0, 'fail', 30)]),
        // Greedy is right and stays chosen: a later candidate that also passes the example only ties.
        record('B', [candidate(0, 1, 'pass', 2), candidate(1, 1, 'fail', 4), candidate(2, 0, 'fail', 6)])
      ],
      3
    );
    expect(rows).toEqual([
      { k: 1, base: 0.5, plus: 0.5, median_task_s: 6 },
      { k: 2, base: 1, plus: 1, median_task_s: 18 },
      { k: 3, base: 1, plus: 1, median_task_s: 36 }
    ]);
  });

  it('gives a task settled before K the same choice for every larger k', () => {
    // Two that agree on every example: the third was not asked for.
    const same = (index: number) => ({ ...candidate(index, 1, 'pass', 5), solution: 'def f():\n    return 1' });
    const agreeing = [same(0), { ...same(1), examples: same(0).examples }];
    expect(candidatesTable([record('A', agreeing)], 3)?.map(row => [row.k, row.base, row.median_task_s])).toEqual([
      [1, 1, 5],
      [2, 1, 10],
      [3, 1, 10]
    ]);
  });

  it('has no table for records written before candidates kept their hidden verdicts', () => {
    const old = candidate(0, 1, 'pass', 1);
    delete old.hidden;
    expect(candidatesTable([record('A', [old])], 1)).toBeUndefined();
    expect(candidatesTable([record('A', [])], 1)).toBeUndefined();
    expect(candidatesTable([], 1)).toBeUndefined();
  });
});

describe('choiceIsSettled', () => {
  const ran = (index: number, passed: number, actual: string, examples = 2): ICandidateRecord => ({
    index,
    temperature: index ? 0.8 : 0,
    seed: 1 + index,
    solution: `def f():\n    return ${actual}`,
    examples: Array.from({ length: examples }, (_, at) => ({ source: `f(${at})`, ok: at < passed, actual })),
    passed
  });

  it('is settled when the best pass every example and agree by more than those to come', () => {
    expect(choiceIsSettled([ran(0, 2, '1'), ran(1, 2, '1')], 1)).toBe(true);
    expect(choiceIsSettled([ran(0, 2, '1'), ran(1, 2, '1')], 2)).toBe(false);
    expect(choiceIsSettled([ran(0, 2, '1'), ran(1, 2, '1'), ran(2, 2, '1')], 2)).toBe(true);
  });

  it('is not settled while a candidate to come could pass more examples, or disagree enough', () => {
    expect(choiceIsSettled([ran(0, 1, '1'), ran(1, 1, '1')], 1)).toBe(false);
    expect(choiceIsSettled([ran(0, 2, '1'), ran(1, 2, '2')], 1)).toBe(false);
    const failed = { ...ran(0, 0, '1', 0), error: 'Loading the solution raised: SyntaxError' };
    expect(choiceIsSettled([failed, { ...failed, index: 1 }], 1)).toBe(false);
  });

  it('compares solutions without examples by their code', () => {
    expect(choiceIsSettled([ran(0, 0, '1', 0), ran(1, 0, '1', 0)], 1)).toBe(true);
    expect(choiceIsSettled([ran(0, 0, '1', 0), ran(1, 0, '2', 0)], 1)).toBe(false);
    expect(choiceIsSettled([ran(0, 0, '1', 0)], 0)).toBe(true);
  });
});
