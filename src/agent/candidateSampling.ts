// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * How the thorough effort samples candidate `index` (from 0): the first is the greedy answer, the
 * fast effort's own, at temperature 0; the others are sampled at `temperature` with seed
 * `seed + index`. Where the candidates' evidence does not tell them apart (no example runs, no
 * majority), ties go to the earlier candidate, so thorough never does worse than fast for want of
 * evidence: measured on HumanEval+, with every candidate sampled, the tasks whose prompts have no
 * example a candidate could run lost 5 of 28 against the greedy answer (bench/RESULTS.md).
 *
 * @param index - the candidate, from 0.
 * @param sampling - the temperature of the sampled candidates and the first seed.
 * @returns the candidate's temperature and seed.
 */
export function candidateSampling(
  index: number,
  sampling: { temperature: number; seed: number }
): { temperature: number; seed: number } {
  return { temperature: index === 0 ? 0 : sampling.temperature, seed: sampling.seed + index };
}
