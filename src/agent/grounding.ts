// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * Whether the figures of a final answer were computed.
 *
 * Small models state results that no cell printed ("The average unit_price is 12.34"). The rule
 * (docs/jupyterlab.md, "Answers grounded in outputs"): every number the answer states, outside its
 * code, must be shown by an output of the conversation or be in the user's prompt, after this
 * normalisation:
 * - thousands separators are dropped (`1,234.5` is 1234.5); a decimal comma is not read;
 * - a number matches a shown one that rounds to it at the answer's decimals (`3.64` matches
 *   `3.640054944640259`, `8` matches `7.5`), whatever the sign;
 * - a percentage matches its value or its fraction (`45.3%` matches `45.3` and `0.4532`);
 * - integers below 10 are not checked (they count things: "2 columns", "step 1"), nor numbers
 *   inside words or names (`df2`, `c1`, `x86_64`), nor those in code, HTML tags, link targets and
 *   URLs.
 */
export interface IGrounding {
  /**
   * The figures the answer states, as written.
   */
  figures: string[];

  /**
   * Those that nothing shown to the model supports.
   */
  ungrounded: string[];
}

/**
 * Check an answer's figures against what the conversation showed.
 *
 * @param answer - the model's final answer (markdown).
 * @param evidence - the texts that count: execution outputs and the user's prompt.
 * @returns the figures and the ungrounded ones.
 */
export function checkGrounding(answer: string, evidence: readonly string[]): IGrounding {
  const figures = Private.answerFigures(answer);
  if (!figures.length) {
    return { figures: [], ungrounded: [] };
  }
  const shown = Private.shownNumbers(evidence);
  const ungrounded = figures.filter(figure => !Private.isShown(figure, shown)).map(figure => figure.text);
  return { figures: figures.map(figure => figure.text), ungrounded: [...new Set(ungrounded)] };
}

/**
 * Whether a question needs code to be answered truthfully: it names a data file or a variable of
 * the kernel (an `@` mention counts), whose contents the model can only know by reading them.
 *
 * @param prompt - what the user asked.
 * @param known - the names of the kernel's variables and of the files in its folder.
 * @returns whether an answer without any execution cannot be trusted.
 */
export function needsCode(prompt: string, known: readonly string[]): boolean {
  if (DATA_FILE.test(prompt)) {
    return true;
  }
  const words = new Set(prompt.match(/[A-Za-z_][\w.-]*/g) ?? []);
  return known.some(name => words.has(name) || words.has(name.replace(/\/$/, '')));
}

/**
 * A word that names a data file: `orders.csv`, `data/sales.xlsx`.
 */
export const DATA_FILE = /(?:^|[\s"'`(@])([\w./-]*\w\.(?:csv|tsv|txt|json|jsonl|xlsx|xls|parquet|feather|dat))\b/i;

/**
 * The data files a prompt names, in order, without repeats.
 *
 * @param prompt - what the user asked.
 * @returns the paths as written.
 */
export function namedDataFiles(prompt: string): string[] {
  const global = new RegExp(DATA_FILE.source, 'gi');
  return [...new Set([...prompt.matchAll(global)].map(match => match[1]))];
}

namespace Private {
  /**
   * A figure of the answer.
   */
  export interface IFigure {
    text: string;
    value: number;
    decimals: number;
    percent: boolean;
  }

  /**
   * The figures an answer states outside its fenced and inline code.
   */
  export function answerFigures(answer: string): IFigure[] {
    // Code, markup, link targets and URLs state no figures.
    const prose = answer
      .replace(/```[\s\S]*?(```|$)/g, ' ')
      .replace(/`[^`\n]*`/g, ' ')
      .replace(/<[^>\n]*>/g, ' ')
      .replace(/\]\([^)\s]*\)/g, '] ')
      .replace(/\b(?:https?|data|file):\S+/gi, ' ');
    const figures: IFigure[] = [];
    for (const match of prose.matchAll(/(?<![\w.$-])-?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])(\s?%)?/g)) {
      const [text, whole, fraction = '', percent] = match;
      // "3.64." ends a sentence; "v1.2.3" is a version: skip dotted runs.
      if (/^\.\d/.test(prose.slice(match.index + text.length))) {
        continue;
      }
      const value = Number(`${whole.replace(/,/g, '')}${fraction}`);
      if (!fraction && !percent && Math.abs(value) < 10) {
        continue;
      }
      figures.push({
        text: text.trim(),
        value,
        decimals: fraction ? fraction.length - 1 : 0,
        percent: Boolean(percent)
      });
    }
    return figures;
  }

  /**
   * Every number in the evidence, with and without thousands separators.
   */
  export function shownNumbers(evidence: readonly string[]): number[] {
    const numbers: number[] = [];
    for (const text of evidence) {
      for (const match of text.matchAll(/\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|\.\d+/g)) {
        numbers.push(Number(match[0].replace(/,/g, '')));
      }
    }
    return numbers;
  }

  /**
   * Whether a figure is a shown number, rounded to the figure's decimals.
   */
  export function isShown(figure: IFigure, shown: readonly number[]): boolean {
    const target = Math.abs(figure.value);
    const candidates: [number, number][] = [[target, figure.decimals]];
    if (figure.percent) {
      candidates.push([target / 100, figure.decimals + 2]);
    }
    return candidates.some(([value, decimals]) => {
      const tolerance = 0.5 * 10 ** -decimals + 1e-9 * Math.max(1, value);
      return shown.some(number => Math.abs(number - value) <= tolerance);
    });
  }
}
