import type { HeadlessNotebook } from '../../src/notebook/headlessNotebook';
import type { ScriptedReply } from '../support/scriptedModelServer';
import { AgentHarness, codeCells, contentText, text, toolCall } from '../support/agentHarness';

/**
 * Cells the person points at (issue 20): the model reads them, a fix or a change lands in the
 * cell itself, and an explanation runs nothing.
 */
describe('Agent with attached cells', () => {
  const harness = AgentHarness.forSuite();

  /**
   * The person's own cell, run as they would run it.
   */
  async function userCell(notebook: HeadlessNotebook, source: string): Promise<string> {
    const cellId = await notebook.insertCode(source);
    await notebook.execute(cellId);
    return cellId;
  }

  /**
   * A script whose replies are written once the cells exist (they name the cells' ids).
   */
  function lateScript(): {
    script: (request: unknown, index: number) => ScriptedReply | undefined;
    replies: ScriptedReply[];
  } {
    const replies: ScriptedReply[] = [];
    return { script: (_request, index) => replies[index], replies };
  }

  const FAILING = "prices = {'apple': 3, 'pear': 5}\nprint(prices['banana'] + prices['pear'])";

  it('fixes a failing cell in place with the tools protocol: the first execute_code revises it', async () => {
    const late = lateScript();
    const { agent, notebook, model, events } = await harness.setUp(late.script, { protocol: 'tools' });
    const cellId = await userCell(notebook, FAILING);
    late.replies.push(
      toolCall('execute_code', { code: "print(prices['apple'] + prices['pear'])" }),
      text('The key banana does not exist; with apple the sum is 8.')
    );

    const result = await agent.run('Fix this error.', { attachments: [{ cellId }], intent: 'fix' });

    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(1);
    const request = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(request).toContain(`cell_id: ${cellId}`);
    expect(request).toContain("print(prices['banana'] + prices['pear'])");
    expect(request).toContain("KeyError: 'banana'");
    expect(request).toContain(`call edit_cell with cell_id "${cellId}"`);
    expect(request.trimEnd().endsWith('Fix this error.')).toBe(true);
    const cells = codeCells(notebook);
    expect(cells).toHaveLength(1);
    expect(cells[0].id).toBe(cellId);
    expect(cells[0].source).toBe("print(prices['apple'] + prices['pear'])");
    expect(cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '8\n' }]);
    expect(events.some(event => event.type === 'cell-inserted')).toBe(false);
    expect(events.some(event => event.type === 'cell-revised' && event.cellId === cellId)).toBe(true);
    // Undo of the turn gives the person's cell its source back.
    expect(agent.conversation.turns[0].cells).toEqual([
      { cellId, previousSource: FAILING, agentSourceHash: expect.any(String) }
    ]);
  });

  it('fixes a failing cell in place with edit_cell on its id, and keeps revising it while it fails', async () => {
    const late = lateScript();
    const { agent, notebook } = await harness.setUp(late.script, { protocol: 'tools' });
    const cellId = await userCell(notebook, FAILING);
    late.replies.push(
      toolCall('edit_cell', { cell_id: cellId, code: "print(prices['cherry'])" }),
      toolCall('execute_code', { code: "print(prices['pear'] * 2)" }),
      text('Doubled pear is 10.')
    );

    const result = await agent.run('Fix this error.', { attachments: [{ cellId }], intent: 'fix' });

    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(2);
    const cells = codeCells(notebook);
    // The second try, an execute_code after the revision failed, is a new cell as usual.
    expect(cells.map(cell => cell.id)[0]).toBe(cellId);
    expect(cells[0].source).toBe("print(prices['cherry'])");
    expect(cells).toHaveLength(2);
  });

  it('fixes a failing cell in place with the text protocol: the first block revises it', async () => {
    const late = lateScript();
    const { agent, notebook, model } = await harness.setUp(late.script, { protocol: 'text' });
    const cellId = await userCell(notebook, FAILING);
    late.replies.push(
      text("The key is wrong:\n```python\nprint(prices['apple'] + prices['pear'])\n```"),
      text('The sum is 8.')
    );

    const result = await agent.run('Fix this error.', { attachments: [{ cellId }], intent: 'fix' });

    expect(result.outcome).toBe('completed');
    const request = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(request).toContain("KeyError: 'banana'");
    expect(request).toContain('it replaces cell 1 and runs');
    const cells = codeCells(notebook);
    expect(cells).toHaveLength(1);
    expect(cells[0].id).toBe(cellId);
    expect(cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '8\n' }]);
  });

  it('shows the data file a failing cell reads, and answers the cell sent back unchanged without running it', async () => {
    const late = lateScript();
    const { agent, notebook, model, events } = await harness.setUp(late.script, { protocol: 'text' });
    // Written by a cell the person does not point at: only the failing cell names the file.
    await userCell(notebook, "open('scores.csv', 'w').write('name;score\\nann;3\\nbob;5\\n')");
    const failing = "import pandas as pd\nscores = pd.read_csv('scores.csv')\nprint(scores['score'].mean())";
    const cellId = await userCell(notebook, failing);
    const fixed = "import pandas as pd\nscores = pd.read_csv('scores.csv', sep=';')\nprint(scores['score'].mean())";
    late.replies.push(
      // The habit of small models: the failing cell again, with a final line break.
      text('```python\n' + failing + '\n\n```'),
      text('```python\n' + fixed + '\n```'),
      text('The mean score is 4.0.')
    );

    const result = await agent.run('Fix this error.', { attachments: [{ cellId }], intent: 'fix' });

    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(1);
    const first = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(first).toContain("KeyError: 'score'");
    expect(first).toMatch(/scores\.csv \(file\):[^]*name;score\nann;3/);
    const second = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(second).toContain('This exact code failed');
    expect(second).toContain("KeyError: 'score'");
    expect(events.filter(event => event.type === 'execution-start')).toHaveLength(1);
    const cells = codeCells(notebook);
    expect(cells).toHaveLength(2);
    expect(cells[1].id).toBe(cellId);
    expect(cells[1].source).toBe(fixed);
    expect(cells[1].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '4.0\n' }]);
  });

  it('changes an attached cell in place when asked about it, with its selection in the request', async () => {
    const late = lateScript();
    const { agent, notebook, model } = await harness.setUp(late.script, { protocol: 'tools' });
    const source = 'values = [1, 10, 100, 1000]\nprint(values)';
    const cellId = await userCell(notebook, source);
    late.replies.push(
      toolCall('edit_cell', {
        cell_id: cellId,
        code: 'import math\nvalues = [1, 10, 100, 1000]\nprint([math.log10(v) for v in values])'
      }),
      text('Done: the values are now on a log scale.')
    );
    const from = source.indexOf('print');

    const result = await agent.run('use a log scale', {
      attachments: [{ cellId, selection: { from, to: source.length, text: 'print(values)' } }]
    });

    expect(result.outcome).toBe('completed');
    const request = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(request).toContain('The person selected line 2 of cell 1:\n```\nprint(values)\n```');
    expect(request).toContain('[1, 10, 100, 1000]');
    const cells = codeCells(notebook);
    expect(cells).toHaveLength(1);
    expect(cells[0].id).toBe(cellId);
    expect(cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '[0.0, 1.0, 2.0, 3.0]\n' }]);
  });

  it('maps a block to the attached cell its first line names in the text protocol, else the first', async () => {
    const late = lateScript();
    const { agent, notebook, model } = await harness.setUp(late.script, { protocol: 'text' });
    const first = await userCell(notebook, 'a = 1\nprint(a)');
    const second = await userCell(notebook, 'b = 2\nprint(b)');
    late.replies.push(
      text('```python\n# cell: 2\nb = 20\nprint(b)\n```'),
      text('```python\n# cell: ' + first + '\na = 10\nprint(a)\n```'),
      text('Both changed.')
    );

    const result = await agent.run('multiply by ten', {
      attachments: [{ cellId: first }, { cellId: second }]
    });

    expect(result.outcome).toBe('completed');
    const request = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(request).toContain(`Cell 1 (cell_id: ${first}`);
    expect(request).toContain(`Cell 2 (cell_id: ${second}`);
    expect(request).toContain('make the first line of the block # cell: <its number>');
    const cells = codeCells(notebook);
    expect(cells.map(cell => [cell.id, cell.source])).toEqual([
      [first, 'a = 10\nprint(a)'],
      [second, 'b = 20\nprint(b)']
    ]);
  });

  it('maps calls to attached cells in the tools protocol: edit_cell by id, execute_code to the first', async () => {
    const late = lateScript();
    const { agent, notebook } = await harness.setUp(late.script, { protocol: 'tools' });
    const first = await userCell(notebook, 'a = 1\nprint(a)');
    const second = await userCell(notebook, 'b = 2\nprint(b)');
    late.replies.push(
      {
        kind: 'tools',
        calls: [
          { name: 'edit_cell', arguments: JSON.stringify({ cell_id: second, code: 'b = 20\nprint(b)' }) },
          { name: 'execute_code', arguments: JSON.stringify({ code: 'print(a + b)' }) }
        ]
      },
      text('Done.')
    );

    const result = await agent.run('change b, then add them', { attachments: [{ cellId: first }, { cellId: second }] });

    expect(result.outcome).toBe('completed');
    const cells = codeCells(notebook);
    // edit_cell was the turn's first code: the execute_code after it is a new cell.
    expect(cells.map(cell => [cell.id, cell.source])).toEqual([
      [first, 'a = 1\nprint(a)'],
      [second, 'b = 20\nprint(b)'],
      [expect.any(String), 'print(a + b)']
    ]);
    expect(cells[2].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '21\n' }]);
  });

  it('explains with the tools protocol: calls are refused, nothing is inserted or run, and it completes', async () => {
    const late = lateScript();
    const { agent, notebook, model } = await harness.setUp(late.script, { protocol: 'tools' });
    const cellId = await userCell(notebook, 'print(1234 * 3)');
    late.replies.push({
      kind: 'tools',
      content: 'The cell multiplies 1234 by 3 and prints 3702.',
      calls: [{ name: 'execute_code', arguments: JSON.stringify({ code: 'print(1)' }) }]
    });

    const result = await agent.run('What does this do?', { attachments: [{ cellId }], intent: 'explain' });

    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(0);
    expect(model.requests).toHaveLength(1);
    const request = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(request).toContain('3702');
    expect(request).toContain('Do not call any tool');
    const cells = codeCells(notebook);
    expect(cells).toHaveLength(1);
    expect(cells[0].source).toBe('print(1234 * 3)');
    expect(agent.conversation.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: expect.stringContaining('explanation only')
    });
  });

  it('explains with the text protocol: code blocks are not run, and the answer is read whole', async () => {
    const late = lateScript();
    const { agent, notebook } = await harness.setUp(late.script, { protocol: 'text' });
    const cellId = await userCell(notebook, 'print(1234 * 3)');
    late.replies.push(
      text('It prints 3702. You could also write:\n```python\nprint(3 * 1234)\n```\nwhich prints the same.')
    );

    const result = await agent.run('Explain this cell.', { attachments: [{ cellId }], intent: 'explain' });

    expect(result.outcome).toBe('completed');
    expect(result.executions).toBe(0);
    expect(codeCells(notebook).map(cell => cell.source)).toEqual(['print(1234 * 3)']);
    expect(contentText(agent.conversation.messages.at(-1)?.content)).toContain('which prints the same.');
  });

  it('ends the turn with a clear reason when an attached cell was deleted, without asking the model', async () => {
    const { agent, notebook, model } = await harness.setUp([text('unused')], { protocol: 'tools' });
    // The headless notebook has no way to delete a cell: an id it never held is the same case.
    const cellId = 'a-cell-the-person-deleted';
    await userCell(notebook, FAILING);

    const result = await agent.run('Fix this error.', { attachments: [{ cellId }], intent: 'fix' });

    expect(result.outcome).toBe('gave-up');
    expect(result.reason).toContain(`(${cellId}) is no longer in the notebook`);
    expect(model.requests).toHaveLength(0);
    expect(codeCells(notebook).map(cell => cell.source)).toEqual([FAILING]);
    expect(agent.conversation.turns[0].outcome).toBe('gave-up');
  });
});
