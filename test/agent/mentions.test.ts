import { ApproximateTokenCounter } from '../../src/feedback/approximateTokenCounter';
import { findMentions, mentionedCell, renderMentions } from '../../src/agent/mentions';
import type { ICellSummary } from '../../src/notebook/notebookTarget';

const CELLS: ICellSummary[] = [
  { id: 'a', cellType: 'code', source: 'df = load()', executionCount: 3 },
  { id: 'b', cellType: 'markdown', source: '# Notes', executionCount: null }
];

describe('findMentions', () => {
  it('finds variables, paths, cells and quoted names, without sentence punctuation', () => {
    expect(findMentions('Plot @df against @data/sales.csv, then fix @cell2. Use @"my file.csv"?')).toEqual([
      'df',
      'data/sales.csv',
      'cell2',
      'my file.csv'
    ]);
  });

  it('takes no e-mail address or decorator inside a word, and each name once', () => {
    expect(findMentions('Mail me@example.com about x@y and @df (@df)')).toEqual(['df']);
  });

  it('keeps at most eight', () => {
    const prompt = Array.from({ length: 12 }, (_, i) => `@v${i}`).join(' ');
    expect(findMentions(prompt)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']);
  });
});

describe('renderMentions', () => {
  const counter = new ApproximateTokenCounter();

  it('names a cell by its id; a variable of a cell-like name stays a variable; names of nothing are left out', () => {
    expect(mentionedCell('cell1', CELLS)?.cell.id).toBe('a');
    expect(mentionedCell('cell3', CELLS)).toBeUndefined();
    const note = renderMentions(
      ['cell1', 'cell2', 'nowhere', 'mean[1.5]', 'cell9'],
      [
        { name: 'cell2', kind: 'variable', text: 'int: 5' },
        { name: 'nowhere', kind: 'missing', text: '' },
        { name: 'mean[1.5]', kind: 'missing', text: '' },
        { name: 'cell9', kind: 'missing', text: '' }
      ],
      CELLS,
      { budgetTokens: 600, counter }
    );
    expect(note).toBe(
      [
        'What the user mentioned:',
        '@cell1 (cell a, code, In [3]):',
        'df = load()',
        '@cell2 (variable):',
        'int: 5'
      ].join('\n')
    );
  });

  it('keeps a long description within its share, with its beginning and end', () => {
    const long = Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n');
    const note = renderMentions(['big'], [{ name: 'big', kind: 'file', text: long }], CELLS, {
      budgetTokens: 200,
      counter
    });
    expect(counter.count(note)).toBeLessThanOrEqual(220);
    expect(note).toMatch(/^What the user mentioned:\n@big \(file\):\nline 0\n/);
    expect(note).toMatch(/characters left out/);
    expect(note.endsWith('line 399')).toBe(true);
  });

  it('is empty when nothing is mentioned or nothing mentioned exists', () => {
    expect(renderMentions(['df'], [], [], { budgetTokens: 100, counter })).toBe('');
    expect(renderMentions([], [], CELLS, { budgetTokens: 100, counter })).toBe('');
  });
});
