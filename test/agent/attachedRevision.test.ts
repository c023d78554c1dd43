import { ApproximateTokenCounter } from '../../src/feedback/approximateTokenCounter';
import { describeAttachedCells, type IAttachedCell } from '../../src/agent/attachedCells';
import { attachedRevision, withAttachedRevisions } from '../../src/agent/protocols/attachedRevision';
import type { TurnIntent } from '../../src/agent/turnRequest';
import { TurnState } from '../../src/agent/turnState';

/**
 * The rule that maps the model's code to the attached cell it revises, and the attached cells'
 * description, without a kernel.
 */
function turnWith(intent: TurnIntent, ids: string[]): TurnState {
  const record = { prompt: 'p', startedAt: '', cells: [], executions: 0, messageIndex: 0 };
  const turn = new TurnState(record, new AbortController().signal, false, {
    attachments: ids.map(cellId => ({ cellId })),
    intent
  });
  turn.pendingRevision = intent === 'explain' ? undefined : ids[0];
  return turn;
}

describe('attachedRevision', () => {
  it('sends the first code to the first attached cell, and later code nowhere', () => {
    const turn = turnWith('fix', ['first', 'second']);
    expect(attachedRevision('x = 1', turn)).toEqual({ cellId: 'first', code: 'x = 1' });
    expect(attachedRevision('y = 2', turn)).toBeUndefined();
  });

  it('sends code whose first line names an attached cell, by number or id, there, without that line', () => {
    const turn = turnWith('code', ['first', 'second-id']);
    expect(attachedRevision('# cell: 2\nb = 20', turn)).toEqual({ cellId: 'second-id', code: 'b = 20' });
    expect(attachedRevision('#Cell second-id\nb = 2', turn)).toEqual({ cellId: 'second-id', code: 'b = 2' });
    expect(attachedRevision('# cell: first\na = 1', turn)).toEqual({ cellId: 'first', code: 'a = 1' });
    // A name that is no attached cell is an ordinary comment.
    expect(attachedRevision('# cell: 3\nc = 3', turn)).toBeUndefined();
  });

  it('revises nothing in an explanation', () => {
    const turn = turnWith('explain', ['first']);
    expect(attachedRevision('# cell: 1\nx = 1', turn)).toBeUndefined();
  });

  it('makes the first execute_code of an answer a revision, unless an edit_cell came before it', () => {
    const turn = turnWith('fix', ['first']);
    expect(
      withAttachedRevisions(
        [
          { kind: 'execute', code: 'a', toolCallId: '1' },
          { kind: 'execute', code: 'b', toolCallId: '2' }
        ],
        turn
      )
    ).toEqual([
      { kind: 'edit', cellId: 'first', code: 'a', toolCallId: '1' },
      { kind: 'execute', code: 'b', toolCallId: '2' }
    ]);
    const edited = turnWith('fix', ['first']);
    expect(
      withAttachedRevisions(
        [
          { kind: 'edit', cellId: 'elsewhere', code: 'a', toolCallId: '1' },
          { kind: 'execute', code: 'b', toolCallId: '2' }
        ],
        edited
      )[1]
    ).toEqual({ kind: 'execute', code: 'b', toolCallId: '2' });
  });
});

describe('describeAttachedCells', () => {
  const counter = new ApproximateTokenCounter();
  const cell = (overrides: Partial<IAttachedCell>): IAttachedCell => ({
    number: 1,
    id: 'c1',
    cellType: 'code',
    source: 'a = 1\nb = 2\nprint(a + b)',
    status: undefined,
    outputs: '',
    ...overrides
  });

  it('names each cell by number and id, with its source, selected lines and outputs', () => {
    const text = describeAttachedCells(
      [
        cell({ selection: { from: 6, to: 24, text: 'b = 2\nprint(a + b)' }, status: 'ok', outputs: '3' }),
        cell({ number: 2, id: 'c2', cellType: 'markdown', source: '# Title' })
      ],
      { sourceBudgetTokens: 1000, outputBudgetTokens: 500, counter }
    );
    expect(text).toBe(
      [
        'The person points at these cells of the notebook:',
        'Cell 1 (cell_id: c1, a code cell, it ran):',
        '```python\na = 1\nb = 2\nprint(a + b)\n```',
        'The person selected lines 2-3 of cell 1:\n```\nb = 2\nprint(a + b)\n```',
        'Its outputs:\n3',
        '',
        'Cell 2 (cell_id: c2, a markdown cell):',
        '```\n# Title\n```'
      ].join('\n')
    );
  });

  it("keeps a long source's head and tail within the budget", () => {
    const source = Array.from({ length: 2000 }, (_, index) => `line_${index} = ${index}`).join('\n');
    const text = describeAttachedCells([cell({ source })], {
      sourceBudgetTokens: 200,
      outputBudgetTokens: 100,
      counter
    });
    expect(text).toContain('line_0 = 0');
    expect(text).toContain('line_1999 = 1999');
    expect(text).not.toContain('line_1000 = 1000');
    expect(counter.count(text)).toBeLessThan(300);
  });

  it('says nothing when no cell is attached', () => {
    expect(describeAttachedCells([], { sourceBudgetTokens: 100, outputBudgetTokens: 100, counter })).toBe('');
  });
});
