// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { SectionStatus } from './evalTask';

/**
 * What one candidate of a task did on the examples visible in the prompt (thorough effort).
 */
export interface ICandidateRecord {
  /**
   * The candidate's position, from 0: its request was the task's (index + 1)th.
   */
  index: number;
  temperature: number;
  seed: number;
  /**
   * The candidate's solution, sanitized.
   */
  solution: string;
  /**
   * Each visible example: its source, whether it held, the value it gave and any error.
   */
  examples: { source: string; ok: boolean; actual?: string; error?: string }[];
  /**
   * How many visible examples held.
   */
  passed: number;
  /**
   * Loading the solution raised, it lacks the entry point, the kernel could not run it, or the
   * endpoint refused the request: the candidate passes nothing.
   */
  error?: string;
  /**
   * The candidate's time: its request, and the run of its solution on the examples (absent in
   * records written before it was kept). The first k candidates' times are what the thorough
   * effort at k would have taken.
   */
  duration_ms?: number;
  /**
   * The candidate's verdicts on the hidden tests (`plus` null for the base-only datasets),
   * measured after the choice for the table of k (`candidatesTable`), never read by the choice.
   * Absent in records written before they were kept.
   */
  hidden?: { base: SectionStatus; plus: SectionStatus | null };
}

/**
 * Why a candidate was chosen.
 */
export interface ICandidateChoice {
  /**
   * The chosen candidate's index.
   */
  chosen: number;
  /**
   * How many candidates passed as many visible examples as the chosen one.
   */
  best: number;
  /**
   * How many of those behaved as the chosen one did on the examples (itself included).
   */
  agreeing: number;
}

/**
 * Pick a task's candidate: the one that passes most of the prompt's visible examples; among
 * those, the one whose behaviour on the examples (the values and errors each gave) most of them
 * share; then the first. With no visible example, identical solutions count as agreeing.
 *
 * @param candidates - the task's candidates, in order (at least one).
 * @returns the choice.
 * @throws {Error} when there is no candidate.
 */
export function chooseCandidate(candidates: readonly ICandidateRecord[]): ICandidateChoice {
  if (!candidates.length) {
    throw new Error('There is no candidate to choose from.');
  }
  const { best, counts } = Private.best(candidates);
  let chosen = best[0];
  let agreeing = 0;
  // Candidates are in order and only a strictly larger count replaces: ties go to the first.
  for (const candidate of best) {
    const count = counts.get(Private.behaviour(candidate)) ?? 0;
    if (count > agreeing) {
      chosen = candidate;
      agreeing = count;
    }
  }
  return { chosen: chosen.index, best: best.length, agreeing };
}

/**
 * Whether the candidates still to come could no longer change the choice, so need not run: one
 * candidate loaded and ran the examples, the best pass all of them (none to come can pass more),
 * and the behaviour most of the best share is ahead of any other by more than the candidates to
 * come. The choice among all K is then the one among those that ran.
 *
 * @param candidates - the candidates so far, in order.
 * @param remaining - how many are still to come.
 * @returns whether the choice is settled.
 */
export function choiceIsSettled(candidates: readonly ICandidateRecord[], remaining: number): boolean {
  if (remaining <= 0) {
    return true;
  }
  const ran = candidates.filter(candidate => candidate.error === undefined);
  if (!ran.length) {
    return false;
  }
  const examples = Math.max(...ran.map(candidate => candidate.examples.length));
  const { most, counts } = Private.best(candidates);
  if (most < examples) {
    return false;
  }
  const [first = 0, second = 0] = [...counts.values()].sort((a, b) => b - a);
  return first > second + remaining;
}

namespace Private {
  /**
   * The candidates that pass the most examples (`most`), and how many of them share each
   * behaviour.
   */
  export function best(candidates: readonly ICandidateRecord[]): {
    most: number;
    best: ICandidateRecord[];
    counts: Map<string, number>;
  } {
    const most = Math.max(...candidates.map(candidate => candidate.passed));
    const best = candidates.filter(candidate => candidate.passed === most);
    const counts = new Map<string, number>();
    for (const candidate of best) {
      const key = behaviour(candidate);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return { most, best, counts };
  }

  /**
   * What a candidate did, as a key: equal keys agree.
   */
  export function behaviour(candidate: ICandidateRecord): string {
    if (candidate.error !== undefined) {
      return `error\u0000${candidate.error}`;
    }
    if (!candidate.examples.length) {
      return `code\u0000${candidate.solution.trim()}`;
    }
    return JSON.stringify(
      candidate.examples.map(example => [example.ok, example.actual ?? null, example.error ? 'error' : null])
    );
  }
}
