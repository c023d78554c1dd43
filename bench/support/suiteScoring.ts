// The real-model suite's tasks (bench/real-model-suite/tasks.jsonl, written with their data by
// bench/real-model-suite/generate.py) and how an answer is scored: on the facts a correct answer
// must show in a code cell's outputs, never on the model's wording. Used by bench/realModelSuite.ts
// (the command line), test/real-model/ (jest) and ui-tests/real-model/ (the sidebar in Chromium).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The folder of the suite's fixtures.
 */
export const SUITE_DIR = join(__dirname, '..', 'real-model-suite');

/**
 * Where a task's data files are: `files` names paths under this folder.
 */
export const SUITE_DATA_DIR = join(SUITE_DIR, 'data');

/**
 * A fact a correct answer shows: a number (matched at `decimals` decimals), one of some texts
 * (ignoring case), or an image/png output.
 */
export type Fact = { number: number; decimals: number } | { text: string[] } | { image: true };

/**
 * One prompt of a task, and what its outputs must show.
 */
export interface ISuiteTurn {
  prompt: string;
  expect: Fact[];
  /**
   * A setup cell the turn fixes (`run --fix-cell`): only that cell's outputs are scored.
   */
  fixCell?: string;
}

/**
 * A task of the suite.
 */
export interface ISuiteTask {
  id: string;
  category: string;
  /** In the CI subset (`--ci`). */
  ci: boolean;
  /** False for a question answered without code: its facts may be in the answer's text too. */
  needsCode: boolean;
  /** Data files (under SUITE_DATA_DIR) placed in the notebook's folder before the first turn. */
  files: string[];
  /** Run one after another on the same notebook and kernel. */
  turns: ISuiteTurn[];
  /**
   * Code cells the notebook holds before the first turn, as the person left them (with their
   * outputs, a traceback for a cell that failed).
   */
  setup?: INotebookCell[];
}

/**
 * Read the suite's tasks.
 *
 * @param file - tasks.jsonl; default the committed one.
 * @returns the tasks, in file order.
 */
export function loadSuiteTasks(file = join(SUITE_DIR, 'tasks.jsonl')): ISuiteTask[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(line => line.trim())
    .map(line => JSON.parse(line) as ISuiteTask);
}

/**
 * The parts of an nbformat cell the scoring reads.
 */
export interface INotebookCell {
  id?: string;
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; text?: string | string[]; data?: Record<string, unknown> }[];
}

/**
 * The code cells of a saved notebook (.ipynb text).
 */
export function codeCellsOf(ipynb: string): INotebookCell[] {
  const notebook = JSON.parse(ipynb) as { cells: INotebookCell[] };
  return notebook.cells.filter(cell => cell.cell_type === 'code');
}

/**
 * The cells of `after` that are new or changed (source or outputs) since `before`: what one turn did.
 */
export function cellsOfTurn(before: INotebookCell[], after: INotebookCell[]): INotebookCell[] {
  const seen = new Set(before.map(cell => JSON.stringify([cell.id, cell.source, cell.outputs])));
  return after.filter(cell => !seen.has(JSON.stringify([cell.id, cell.source, cell.outputs])));
}

/**
 * The cells a turn is scored on: those it added or changed, or, for a turn that fixes a cell,
 * that cell alone once the turn changed it.
 *
 * @param turn - the turn.
 * @param before - the notebook's code cells before it.
 * @param after - its code cells after it.
 * @returns the cells whose outputs count.
 */
export function scoredCells(turn: ISuiteTurn, before: INotebookCell[], after: INotebookCell[]): INotebookCell[] {
  const changed = cellsOfTurn(before, after);
  return turn.fixCell === undefined ? changed : changed.filter(cell => cell.id === turn.fixCell);
}

/**
 * The notebook a task starts from: its setup cells, or none.
 *
 * @param task - the task.
 * @returns the .ipynb text, or `undefined` when the task has no setup.
 */
export function setupNotebook(task: ISuiteTask): string | undefined {
  if (!task.setup?.length) {
    return undefined;
  }
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: task.setup
  });
}

/**
 * What a cell's outputs show as text: streams and the text/plain of results and displays. Error
 * outputs are left out: a traceback quotes the code, and a figure in the code is not a result.
 */
export function outputText(cell: INotebookCell): string {
  const join = (value: unknown) => (Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '');
  return (cell.outputs ?? [])
    .map(output => {
      if (output.output_type === 'stream') {
        return join(output.text);
      }
      if (output.output_type === 'execute_result' || output.output_type === 'display_data') {
        return join(output.data?.['text/plain']);
      }
      return '';
    })
    .join('\n');
}

/**
 * Whether a cell has an image/png output (a plot).
 */
export function hasImage(cell: INotebookCell): boolean {
  return (cell.outputs ?? []).some(output => output.data?.['image/png'] !== undefined);
}

/**
 * The numbers a text shows, after this normalisation: a comma between a digit and exactly three
 * digits is a thousands separator (`12,417.75` is 12417.75); a minus sign counts only where it does
 * not follow a letter or digit (so `2024-03` is not -3); a number followed by `%` counts both as
 * itself and divided by 100 (`72.3%` shows 0.723 as well).
 *
 * @param text - what an output shows.
 * @returns every number in it, in order (a percentage gives two).
 */
export function numbersIn(text: string): number[] {
  const plain = text.replace(/(\d),(?=\d{3}(?!\d))/g, '$1');
  const numbers: number[] = [];
  for (const match of plain.matchAll(/(-?)(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(\s?%)?/g)) {
    const signed = match[1] === '-' && !/[\w.]/.test(plain.charAt((match.index ?? 0) - 1));
    const value = Number(match[2]) * (signed ? -1 : 1);
    if (Number.isFinite(value)) {
      numbers.push(value);
      if (match[3]) {
        numbers.push(value / 100);
      }
    }
  }
  return numbers;
}

/**
 * Whether a shown number is the expected one at its decimals: it rounds to the expected value at
 * `decimals` decimals (within half a unit of the last decimal, so 3.6400549 and 3.64 show 3.64,
 * 3.6 does not).
 */
export function numberMatches(shown: number, expected: number, decimals: number): boolean {
  const half = 0.5 * 10 ** -decimals;
  return Math.abs(shown - expected) <= half * (1 + 1e-9) || shown.toFixed(decimals) === expected.toFixed(decimals);
}

/**
 * Whether some text or image shows a fact.
 *
 * @param fact - the fact.
 * @param texts - what the turn's outputs (and for a no-code question, its answers) show.
 * @param image - whether an output holds an image/png.
 */
export function factShown(fact: Fact, texts: string[], image: boolean): boolean {
  if ('image' in fact) {
    return image;
  }
  if ('text' in fact) {
    const all = texts.join('\n').toLowerCase();
    return fact.text.some(alternative => all.includes(alternative.toLowerCase()));
  }
  return texts.some(text => numbersIn(text).some(shown => numberMatches(shown, fact.number, fact.decimals)));
}

/**
 * The verdict on one turn.
 */
export interface ITurnScore {
  correct: boolean;
  /** The facts no output showed. */
  missing: Fact[];
}

/**
 * Score one turn: correct when every expected fact is shown by an output of a cell the turn
 * added or changed (for a question that needs no code, by the model's answers as well).
 *
 * @param turn - the turn's prompt and facts.
 * @param cells - the code cells the turn added or changed.
 * @param answers - the model's answers in the turn (used only when the task needs no code).
 * @param needsCode - whether the task needs code.
 */
export function scoreTurn(turn: ISuiteTurn, cells: INotebookCell[], answers: string[], needsCode: boolean): ITurnScore {
  const texts = cells.map(outputText);
  if (!needsCode) {
    texts.push(...answers);
  }
  const image = cells.some(hasImage);
  const missing = turn.expect.filter(fact => !factShown(fact, texts, image));
  return { correct: missing.length === 0, missing };
}

/**
 * A fact, as a short text for reports.
 */
export function describeFact(fact: Fact): string {
  if ('image' in fact) {
    return 'an image';
  }
  if ('text' in fact) {
    return fact.text.map(text => JSON.stringify(text)).join(' or ');
  }
  return fact.number.toFixed(fact.decimals);
}
