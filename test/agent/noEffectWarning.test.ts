import { AgentHarness, codeCells, contentText, text } from '../support/agentHarness';

/**
 * A cell that runs without an error while pandas warns that part of it changed nothing (pandas 3,
 * Copy-on-Write): the agent counts it as failed, tells the model why and how to write it, refuses
 * the same code again, and the fix revises the cell in place. On a real kernel with the pandas of
 * the test environment.
 */
describe('Agent after a change pandas says did nothing', () => {
  const harness = AgentHarness.forSuite();

  // The mean after filling with the median is 3.5; without the fill it is 4.0.
  const frame = "import pandas as pd\ndf = pd.DataFrame({'t': [1.0, None, 2.0, 9.0]})\n";
  const chained = '```python\n' + frame + "df['t'].fillna(df['t'].median(), inplace=True)\nprint(df['t'].mean())\n```";
  const assigned = '```python\n' + frame + "df['t'] = df['t'].fillna(df['t'].median())\nprint(df['t'].mean())\n```";

  it('counts the cell as failed, says how to write it, refuses it again, and revises it in place', async () => {
    const { agent, notebook, model } = await harness.setUp(
      [text(chained), text(chained), text(assigned), text('The mean temperature is 3.5.')],
      { protocol: 'text' }
    );

    const result = await agent.run('Fill the missing values of t with the median, then print the mean.');

    expect(result).toMatchObject({ outcome: 'completed', executions: 2 });
    const cells = codeCells(notebook);
    expect(cells).toHaveLength(1);
    expect(cells[0].source).toContain("df['t'] = df['t'].fillna(");
    const firstFeedback = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(firstFeedback).toContain('4.0');
    expect(firstFeedback).toContain('ChainedAssignmentError');
    expect(firstFeedback).toContain('so it is wrong');
    expect(firstFeedback).toContain('`df[col] = df[col].fillna(value)`');
    // The line the kernel's warning names, rewritten: a small model copies a line, not a rule.
    expect(firstFeedback).toContain(
      "Write line 3, `df['t'].fillna(df['t'].median(), inplace=True)`, as `df['t'] = df['t'].fillna(df['t'].median())`."
    );
    expect(contentText(model.requests[2].body.messages.at(-1)?.content)).toContain('This exact code failed');
  });

  it('does not end as done when the model answers with the unchanged result', async () => {
    const { agent } = await harness.setUp([text(chained), text('The mean is 4.0.')], { protocol: 'text' });

    const result = await agent.run('Fill the missing values of t with the median, then print the mean.');

    expect(result.outcome).toBe('gave-up');
    expect(result.executions).toBe(1);
  });
});
