import { existsSync } from 'node:fs';
import { join } from 'node:path';

import {
  cellsOfTurn,
  factShown,
  type INotebookCell,
  loadSuiteTasks,
  numberMatches,
  numbersIn,
  scoredCells,
  scoreTurn,
  setupNotebook,
  SUITE_DATA_DIR
} from '../../bench/support/suiteScoring';

/**
 * The real-model suite's scoring (bench/support/suiteScoring.ts), on made-up notebooks: what counts
 * as an output showing a fact, and the committed fixtures' shape.
 */
const cell = (id: string, outputs: INotebookCell['outputs'], source = 'x'): INotebookCell => ({
  id,
  cell_type: 'code',
  source,
  outputs
});
const printed = (text: string) => [{ output_type: 'stream', text }];

describe('the real-model suite scoring', () => {
  it('reads numbers with thousands separators, percentages and dates as a user would', () => {
    expect(numbersIn('Total: 12,417.75')).toEqual([12417.75]);
    expect(numbersIn('[3, 5, 10, 12]')).toEqual([3, 5, 10, 12]);
    expect(numbersIn('2024-03 -1.5')).toEqual([2024, 3, -1.5]);
    expect(numbersIn('72.3%')).toEqual([72.3, 0.723]);
    expect(numbersIn('np.float64(7.5) 1e-3')).toEqual([64, 7.5, 0.001]);
  });

  it('matches a number when it rounds to the expected value at its decimals', () => {
    expect(numberMatches(3.6400549446, 3.6400549446, 2)).toBe(true);
    expect(numberMatches(3.64, 3.6400549446, 2)).toBe(true);
    expect(numberMatches(3.6, 3.6400549446, 2)).toBe(false);
    expect(numberMatches(31.48, 31.48375, 2)).toBe(true);
    expect(numberMatches(72, 72, 0)).toBe(true);
    expect(numberMatches(73, 72, 0)).toBe(false);
  });

  it('takes texts ignoring case, and images from image/png outputs only', () => {
    expect(factShown({ text: ['Keller GmbH'] }, ['customer\nkeller gmbh    1234.5'], false)).toBe(true);
    expect(factShown({ text: ['2024-03', 'March'] }, ['Period 2024-03'], false)).toBe(true);
    expect(factShown({ image: true }, [], false)).toBe(false);
    expect(factShown({ number: 7.5, decimals: 2 }, ['The mean is 7.50'], false)).toBe(true);
  });

  it('scores a turn on the cells it added or changed, not on tracebacks or older cells', () => {
    const before = [cell('a', printed('72\n'))];
    const after = [
      cell('a', printed('72\n')),
      cell('b', [{ output_type: 'error', text: 'x = 7593.25' }]),
      cell('c', [{ output_type: 'display_data', data: { 'image/png': 'iVBOR', 'text/plain': '<Figure>' } }])
    ];
    const turn = { prompt: 'p', expect: [{ number: 72, decimals: 0 }] };
    expect(cellsOfTurn(before, after).map(entry => entry.id)).toEqual(['b', 'c']);
    expect(scoreTurn(turn, cellsOfTurn(before, after), [], true).correct).toBe(false);
    expect(scoreTurn({ prompt: 'p', expect: [{ number: 7593.25, decimals: 2 }] }, after, [], true).correct).toBe(false);
    expect(scoreTurn({ prompt: 'p', expect: [{ image: true }] }, after, [], true).correct).toBe(true);
  });

  it('scores a turn that fixes a cell on that cell alone, once the turn changed it', () => {
    const failed = cell('mine', [{ output_type: 'error', text: "KeyError: 'Region'" }], "print(df['Region'])");
    const turn = { prompt: 'Fix this cell.', expect: [{ number: 7593.25, decimals: 2 }], fixCell: 'mine' };
    const fixed = cell('mine', printed('7593.25\n'), "print(df['region'])");
    const elsewhere = cell('new', printed('7593.25\n'));
    expect(scoredCells(turn, [failed], [failed, elsewhere]).map(entry => entry.id)).toEqual([]);
    expect(scoreTurn(turn, scoredCells(turn, [failed], [failed, elsewhere]), [], true).correct).toBe(false);
    expect(scoreTurn(turn, scoredCells(turn, [failed], [fixed, elsewhere]), [], true).correct).toBe(true);
    const plain = { prompt: turn.prompt, expect: turn.expect };
    expect(scoredCells(plain, [failed], [failed, elsewhere]).map(entry => entry.id)).toEqual(['new']);
  });

  it('has fix-error tasks whose setup notebook holds the failing cell the turn fixes, with its traceback', () => {
    const fixes = loadSuiteTasks().filter(task => task.category === 'fix-error');
    expect(fixes.length).toBeGreaterThanOrEqual(3);
    for (const task of fixes) {
      const notebook = JSON.parse(setupNotebook(task)!);
      const fixCell = task.turns[0].fixCell;
      const target = notebook.cells.find((entry: INotebookCell) => entry.id === fixCell);
      expect(target.cell_type).toBe('code');
      expect(target.outputs[0].output_type).toBe('error');
      expect(task.turns[0].expect.length).toBeGreaterThan(0);
    }
    expect(setupNotebook({ id: 'x', category: 'c', ci: false, needsCode: true, files: [], turns: [] })).toBeUndefined();
  });

  it("reads a no-code question's answer from the model's text", () => {
    const turn = { prompt: 'Which function reads a CSV?', expect: [{ text: ['read_csv'] }] };
    expect(scoreTurn(turn, [], ['Use `pandas.read_csv`.'], false).correct).toBe(true);
    expect(scoreTurn(turn, [], ['Use `pandas.read_csv`.'], true).correct).toBe(false);
  });

  it('has at least 40 committed tasks over every category, whose files exist, and a CI subset', () => {
    const tasks = loadSuiteTasks();
    expect(tasks.length).toBeGreaterThanOrEqual(40);
    expect(new Set(tasks.map(task => task.category))).toEqual(
      new Set([
        'arithmetic',
        'aggregation',
        'filters',
        'dates',
        'missing',
        'joins',
        'delimiters',
        'plots',
        'multi-turn',
        'error-recovery',
        'no-code',
        'fix-error'
      ])
    );
    for (const task of tasks) {
      for (const file of task.files) {
        expect(existsSync(join(SUITE_DATA_DIR, file))).toBe(true);
      }
    }
    const ci = tasks.filter(task => task.ci);
    expect(ci.length).toBeGreaterThanOrEqual(8);
    expect(ci.length).toBeLessThanOrEqual(14);
  });
});
