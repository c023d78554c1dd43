import { describeNotebook } from '../../src/agent/notebookContext';
import { ApproximateTokenCounter } from '../../src/feedback/approximateTokenCounter';
import type { ICellSummary } from '../../src/notebook/tokens';

const cell = (n: number, source = `df${n} = load(${n})`): ICellSummary => ({
  id: `c${n}`,
  cellType: 'code',
  source,
  executionCount: n
});

describe('describeNotebook', () => {
  const counter = new ApproximateTokenCounter();

  it('shows every cell, newest last, with ids and execution counts', () => {
    const text = describeNotebook([cell(1), { id: 'm', cellType: 'markdown', source: '# Title', executionCount: null }, cell(2)], 1000, counter);
    expect(text).toBe(
      ['--- cell c1 (code In [1]) ---', 'df1 = load(1)', '--- cell m (markdown) ---', '# Title', '--- cell c2 (code In [2]) ---', 'df2 = load(2)'].join('\n')
    );
  });

  it('keeps the latest cells within the budget however large the notebook', () => {
    const sizes = [10, 100, 1000].map(n => {
      const text = describeNotebook(Array.from({ length: n }, (_, i) => cell(i + 1)), 300, counter);
      expect(text).toContain(`df${n} = load(${n})`);
      return counter.count(text);
    });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(320);
    expect(describeNotebook(Array.from({ length: 1000 }, (_, i) => cell(i + 1)), 300, counter)).toMatch(/^\(\d+ earlier cells not shown\)/);
  });

  it('shortens long cells and skips empty ones', () => {
    const long = Array.from({ length: 100 }, (_, i) => `x${i} = ${i}`).join('\n');
    const text = describeNotebook([cell(1, long), cell(2, '   ')], 5000, counter);
    expect(text).toContain('... (75 more lines)');
    expect(text).not.toContain('cell c2');
    expect(describeNotebook([cell(1)], 0, counter)).toBe('');
  });
});
