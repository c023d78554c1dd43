// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * InfiAgent-DABench (Hu et al., ICML 2024): closed-form data-analysis questions on CSV files.
 * The data (CC BY-NC 4.0) is never shipped: a run reads it from the folder given with `--data`,
 * which holds `questions.jsonl`, `labels.jsonl` and `tables/*.csv` as the benchmark releases them.
 */

/**
 * One question with its label.
 */
export interface IDabenchQuestion {
  /**
   * The benchmark's id (a number in the release).
   */
  id: string;
  question: string;
  constraints: string;
  /**
   * The answer format: `@name[value]` lines, each followed by what the value must be.
   */
  format: string;
  /**
   * The CSV file, in `tables/`.
   */
  fileName: string;
  level?: string;
  /**
   * The expected sub-answers, `[name, value]` in the label's order.
   */
  answers: [string, string][];
}

/**
 * The verdict of one sub-answer.
 */
export interface ISubAnswerVerdict {
  name: string;
  label: string;
  /**
   * What the agent answered for this name, or `null` when it gave none.
   */
  answer: string | null;
  correct: boolean;
}

/**
 * The three figures of a DABench run, each in [0, 1].
 */
export interface IDabenchAccuracy {
  /**
   * Questions whose sub-answers are all right, over the questions.
   */
  by_question: number;
  /**
   * Right sub-answers over all sub-answers.
   */
  by_sub_answer: number;
  /**
   * The mean over questions of the fraction of the question's sub-answers that are right.
   */
  proportional_by_sub_answer: number;
}

/**
 * Read a DABench folder: `questions.jsonl` joined with `labels.jsonl` by id.
 *
 * @param dir - the folder.
 * @returns the questions, in the order of `questions.jsonl`.
 * @throws when a file is missing or a line lacks what the harness needs (the message names the
 * file and line).
 */
export function loadDabench(dir: string): IDabenchQuestion[] {
  const questionsFile = join(dir, 'questions.jsonl');
  const labelsFile = join(dir, 'labels.jsonl');
  for (const file of [questionsFile, labelsFile]) {
    if (!existsSync(file)) {
      throw new Error(
        `${file} does not exist: --data must be a DABench folder (questions.jsonl, labels.jsonl, tables/).`
      );
    }
  }
  const labels = new Map<string, [string, string][]>();
  Private.lines(labelsFile).forEach(({ record, where }) => {
    const answers = record.common_answers;
    if (
      record.id === undefined ||
      !Array.isArray(answers) ||
      !answers.every(pair => Array.isArray(pair) && pair.length === 2)
    ) {
      throw new Error(`${where}: not a DABench label (id, common_answers as [name, value] pairs).`);
    }
    labels.set(
      String(record.id),
      answers.map(([name, value]: unknown[]) => [String(name), String(value)])
    );
  });
  return Private.lines(questionsFile).map(({ record, where }) => {
    const { id, question, constraints, format, file_name, level } = record;
    if (
      id === undefined ||
      typeof question !== 'string' ||
      typeof format !== 'string' ||
      typeof file_name !== 'string'
    ) {
      throw new Error(`${where}: not a DABench question (id, question, format, file_name).`);
    }
    const answers = labels.get(String(id));
    if (!answers) {
      throw new Error(`${where}: question ${String(id)} has no label in ${labelsFile}.`);
    }
    return {
      id: String(id),
      question,
      constraints: typeof constraints === 'string' ? constraints : '',
      format,
      fileName: file_name,
      level: typeof level === 'string' ? level : undefined,
      answers
    };
  });
}

/**
 * The prompt the agent gets for a question: what a user would type in a session, naming the CSV
 * file (which sits in the notebook's folder, the kernel's working folder).
 *
 * @param question - the question.
 * @returns the prompt.
 */
export function dabenchPrompt(question: IDabenchQuestion): string {
  return [
    `Answer this question about the data in the file \`${question.fileName}\` (in the current folder).`,
    '',
    `Question: ${question.question.trim()}`,
    ...(question.constraints.trim() ? ['', `Constraints:\n${question.constraints.trim()}`] : []),
    '',
    'When you have the result, give your final answer in exactly this format, one `@name[value]` line per answer:',
    question.format.trim()
  ].join('\n');
}

/**
 * Read the `@name[value]` answers of a text, as the benchmark does (a name of word characters,
 * the value up to the first `]` on the same line), allowing blanks between the name and `[` and
 * around the value. When a name occurs more than once, its last value counts (a model that
 * restates its answer at the end means the restatement).
 *
 * @param text - the answer text.
 * @returns the values by name, trimmed.
 */
export function parseDabenchAnswers(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(/@(\w+)[ \t]*\[([^\]\n]*)\]/g)) {
    found.set(match[1], match[2].trim());
  }
  return found;
}

/**
 * Whether an answer matches a label. The rule (a superset of the benchmark's own check, which
 * accepts the exact string or a number within 1e-6):
 *
 * - Both are trimmed; equal ignoring case -> right (`No` matches `no`).
 * - Both numbers (plain decimal or exponent notation): right when they differ by at most 1e-6, or
 *   when the answer rounds to the label at the label's number of decimals, that is
 *   |answer - label| <= 0.5 * 10^-d where d is the count of digits after the label's point (0 for
 *   an integer label). So `0.2131` matches `0.21`, `0.2` does not match `0.2048`, and `69.3`
 *   matches `69.30`.
 * - A label holding a comma-separated list (`314, 577`) matches an answer with as many items, each
 *   matching by the rules above.
 * - Anything else is wrong.
 *
 * @param answer - what the agent gave.
 * @param label - the benchmark's value.
 * @returns whether it counts as right.
 */
export function dabenchAnswerMatches(answer: string, label: string): boolean {
  if (Private.itemMatches(answer, label)) {
    return true;
  }
  if (label.includes(',')) {
    const labels = label.split(',');
    const answers = answer.split(',');
    return labels.length === answers.length && labels.every((item, index) => Private.itemMatches(answers[index], item));
  }
  return false;
}

/**
 * Score a question's sub-answers against its label.
 *
 * @param question - the question, or its label alone.
 * @param answers - the parsed answers ({@link parseDabenchAnswers}).
 * @returns one verdict per labelled sub-answer, in the label's order.
 */
export function scoreDabench(
  question: Pick<IDabenchQuestion, 'answers'>,
  answers: Map<string, string>
): ISubAnswerVerdict[] {
  const lowerCase = new Map([...answers].map(([name, value]) => [name.toLowerCase(), value]));
  return question.answers.map(([name, label]) => {
    // The exact name first; a name in another case is still the same answer.
    const answer = answers.get(name) ?? lowerCase.get(name.toLowerCase()) ?? null;
    return { name, label, answer, correct: answer !== null && dabenchAnswerMatches(answer, label) };
  });
}

/**
 * The three figures over finished questions. A question with no sub-answers (or one recorded as
 * an error, whose verdicts are all wrong) counts as wrong.
 *
 * @param questions - each question's sub-answer verdicts.
 * @returns the figures (0 when there are no questions).
 */
export function dabenchAccuracy(questions: readonly (readonly ISubAnswerVerdict[])[]): IDabenchAccuracy {
  if (!questions.length) {
    return { by_question: 0, by_sub_answer: 0, proportional_by_sub_answer: 0 };
  }
  let allRight = 0;
  let right = 0;
  let total = 0;
  let proportional = 0;
  for (const verdicts of questions) {
    const count = verdicts.filter(verdict => verdict.correct).length;
    right += count;
    total += verdicts.length;
    if (verdicts.length && count === verdicts.length) {
      allRight++;
    }
    proportional += verdicts.length ? count / verdicts.length : 0;
  }
  return {
    by_question: allRight / questions.length,
    by_sub_answer: total ? right / total : 0,
    proportional_by_sub_answer: proportional / questions.length
  };
}

namespace Private {
  const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

  export function itemMatches(answer: string, label: string): boolean {
    const a = answer.trim();
    const l = label.trim();
    if (a.toLowerCase() === l.toLowerCase()) {
      return true;
    }
    if (!NUMBER.test(a) || !NUMBER.test(l)) {
      return false;
    }
    const value = Number(a);
    const expected = Number(l);
    if (Math.abs(value - expected) <= 1e-6) {
      return true;
    }
    if (/[eE]/.test(l)) {
      return false;
    }
    const decimals = (l.split('.')[1] ?? '').length;
    // The half unit of the label's last digit, with room for binary rounding of the difference.
    return Math.abs(value - expected) <= 0.5 * 10 ** -decimals * (1 + 1e-9);
  }

  export function lines(file: string): { record: Record<string, unknown>; where: string }[] {
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((line, index) => ({ line, where: `${file}:${index + 1}` }))
      .filter(({ line }) => line.trim())
      .map(({ line, where }) => {
        try {
          return { record: JSON.parse(line) as Record<string, unknown>, where };
        } catch {
          throw new Error(`${where}: not JSON.`);
        }
      });
  }
}
