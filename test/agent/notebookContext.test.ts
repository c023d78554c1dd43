import { NotebookContext } from '../../src/agent/notebookContext';
import { ApproximateTokenCounter } from '../../src/feedback/approximateTokenCounter';
import type { ICellSummary } from '../../src/notebook/notebookTarget';

const cell = (n: number, source = `df${n} = load(${n})`): ICellSummary => ({
  id: `c${n}`,
  cellType: 'code',
  source,
  executionCount: n
});

describe('NotebookContext', () => {
  const counter = new ApproximateTokenCounter();
  const describeNotebook = (cells: ICellSummary[], budget: number) =>
    new NotebookContext(counter).describe(cells, budget);

  it('shows every cell, newest last, with ids and execution counts', () => {
    const text = describeNotebook(
      [cell(1), { id: 'm', cellType: 'markdown', source: '# Title', executionCount: null }, cell(2)],
      1000
    );
    expect(text).toBe(
      [
        '--- cell c1 (code In [1]) ---',
        'df1 = load(1)',
        '--- cell m (markdown) ---',
        '# Title',
        '--- cell c2 (code In [2]) ---',
        'df2 = load(2)'
      ].join('\n')
    );
  });

  it('keeps the latest cells within the budget however large the notebook', () => {
    const sizes = [10, 100, 1000].map(n => {
      const text = describeNotebook(
        Array.from({ length: n }, (_, i) => cell(i + 1)),
        300
      );
      expect(text).toContain(`df${n} = load(${n})`);
      return counter.count(text);
    });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(320);
    expect(
      describeNotebook(
        Array.from({ length: 1000 }, (_, i) => cell(i + 1)),
        300
      )
    ).toMatch(/^\(\d+ earlier cells not shown\)/);
  });

  it('counts a cell again only when it changed', () => {
    const counting = { calls: 0, count: (text: string) => (counting.calls++, counter.count(text)) };
    const context = new NotebookContext(counting);
    const cells = Array.from({ length: 50 }, (_, i) => cell(i + 1));
    const first = context.describe(cells, 300);
    const callsFirst = counting.calls;
    expect(context.describe(cells, 300)).toBe(first);
    expect(counting.calls).toBe(callsFirst + 1); // the first cell past the budget, never kept
    cells[49] = cell(50, 'df50 = load(50, fresh=True)');
    const changed = context.describe(cells, 300);
    expect(changed).toContain('fresh=True');
    expect(counting.calls).toBe(callsFirst + 3);
  });

  it('shortens long cells and skips empty ones', () => {
    const long = Array.from({ length: 100 }, (_, i) => `x${i} = ${i}`).join('\n');
    const text = describeNotebook([cell(1, long), cell(2, '   ')], 5000);
    expect(text).toContain('... (75 more lines)');
    expect(text).not.toContain('cell c2');
    expect(describeNotebook([cell(1)], 0)).toBe('');
  });
});
