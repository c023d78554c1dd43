import { answerLineInCodeNote, answerLinesNotRunNote, withoutTrailingAnswerLines } from '../../src/agent/answerLines';
import type { IExecutionResult } from '../../src/kernel/executionResult';
import { AgentHarness, codeCells, contentText, text, toolCall } from '../support/agentHarness';

/**
 * Code holding answer lines such as `@mean_x[mean_x]` (the format a DABench prompt asks for in
 * the reply): at its end they are taken off and the code runs, the model told where they go; in
 * the middle the cell cannot compile, and the model is told what the line is. On a real kernel.
 */
describe('Agent with code that holds answer lines', () => {
  const harness = AgentHarness.forSuite();

  const compute = 'mean_x = sum([2, 4, 9]) / 3\nprint(round(mean_x, 2))';

  it('runs the code without the answer lines it ends with, and says where they go (text protocol)', async () => {
    const { agent, notebook, model } = await harness.setUp(
      [text('```python\n' + compute + '\n\n@mean_x[mean_x]\n@n[3]\n```'), text('@mean_x[5.0]\n@n[3]')],
      { protocol: 'text' }
    );

    const result = await agent.run('What is the mean of 2, 4 and 9? Answer as @mean_x[value] and @n[count].');

    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    const cells = codeCells(notebook);
    expect(cells.map(cell => cell.source)).toEqual([compute]);
    expect(cells[0].outputs).toEqual([expect.objectContaining({ output_type: 'stream', text: '5.0\n' })]);
    const feedback = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(feedback).toContain('5.0');
    expect(feedback).toContain('the code ran without its last lines, `@mean_x[mean_x]`, `@n[3]`');
    // mean_x is a name the code assigns, not a value (DABench question 352 printed nothing).
    expect(feedback).toContain('Names your code assigns are not values (mean_x): print them (print(mean_x))');
  });

  it('takes answer lines alone in a fence for the final answer (text protocol)', async () => {
    const { agent, notebook } = await harness.setUp(
      [text('```python\n' + compute + '\n```'), text('```python\n@mean_x[5.0]\n```')],
      { protocol: 'text' }
    );

    const result = await agent.run('What is the mean of 2, 4 and 9? Answer as @mean_x[value].');

    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    expect(codeCells(notebook).map(cell => cell.source)).toEqual([compute]);
  });

  it('does the same for a tool call, and refuses the same code sent again with its answer line', async () => {
    const { agent, notebook, model } = await harness.setUp(
      [
        toolCall('execute_code', { code: compute + '\n@mean_x[mean_x]' }),
        toolCall('execute_code', { code: compute + '\n@mean_x[5.0]' }),
        text('@mean_x[5.0]')
      ],
      { protocol: 'tools' }
    );

    const result = await agent.run('What is the mean of 2, 4 and 9? Answer as @mean_x[value].');

    expect(result.executions).toBe(1);
    expect(codeCells(notebook).map(cell => cell.source)).toEqual([compute]);
    expect(contentText(model.requests[1].body.messages.at(-1)?.content)).toContain('`@mean_x[mean_x]`');
    expect(contentText(model.requests[2].body.messages.at(-1)?.content)).toContain('already ran');
  });

  it('says what an answer line in the middle of code is, where the cell cannot compile', async () => {
    const { agent, model } = await harness.setUp(
      [text('```python\nmean_x = 5.0\n@mean_x[mean_x]\nprint(mean_x)\n```'), text('I could not run it.')],
      { protocol: 'text' }
    );

    await agent.run('What is the mean of 2, 4 and 9? Answer as @mean_x[value].');

    const feedback = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(feedback).toContain('SyntaxError');
    expect(feedback).toContain('`@mean_x[mean_x]` is an answer line, not Python');
  });
});

describe('answer lines', () => {
  const failed = (ename: string): IExecutionResult => ({
    status: 'error',
    executionCount: 1,
    outputs: [{ output_type: 'error', ename, evalue: 'incomplete input', traceback: [] }],
    durationMs: 1,
    outputDroppedByServer: false,
    stdinRequested: false,
    kernelUnresponsive: false,
    error: { ename, evalue: 'incomplete input' }
  });

  it('takes off the answer lines code ends with, unless nothing else is left', () => {
    expect(withoutTrailingAnswerLines('x = 1\nprint(x)\n@x[x]\n\n')).toEqual({
      code: 'x = 1\nprint(x)',
      answerLines: ['@x[x]']
    });
    expect(withoutTrailingAnswerLines('@x[No]\n')).toEqual({ code: '@x[No]\n', answerLines: [] });
    // Inside a block (DABench question 25): taken off, the last one would leave `else:` empty.
    const branches = 'if skew < 0.5:\n    @bmi[normal]\nelse:\n    @bmi[not_normal]\n';
    expect(withoutTrailingAnswerLines(branches)).toEqual({ code: branches, answerLines: [] });
    expect(withoutTrailingAnswerLines('mse = 0.5\n@mse[mse], where "mse" is a number.\n@a[1], @b[2]')).toEqual({
      code: 'mse = 0.5',
      answerLines: ['@mse[mse], where "mse" is a number.', '@a[1], @b[2]']
    });
    expect(withoutTrailingAnswerLines('@cache\ndef f():\n    return 1\n')).toEqual({
      code: '@cache\ndef f():\n    return 1\n',
      answerLines: []
    });
  });

  it('asks for the names the code assigns to be printed, not for words or numbers', () => {
    const code = 'outliers = [1, 2]\ncount = len(outliers)\nif count == 2:\n    pass';
    expect(answerLinesNotRunNote(['@fare_outliers[outliers]', '@n[count]'], code)).toContain(
      '(outliers, count): print them (print(outliers, count))'
    );
    expect(answerLinesNotRunNote(['@kind[normal]', '@n[2]'], code)).not.toContain('Names your code assigns');
  });

  it('names every answer line of code that failed to compile', () => {
    const note = answerLineInCodeNote('a = 1\n@a[a]\n@b [ 2 ]\nprint(a)\n', failed('SyntaxError'));
    expect(note).toContain('`@a[a]`, `@b [ 2 ]` are answer lines');
    const branches = 'if skew < 0.5:\n    @bmi[normal]\nelse:\n    @bmi[not_normal]\n';
    expect(answerLineInCodeNote(branches, failed('IndentationError'))).toContain('`@bmi[normal]`, `@bmi[not_normal]`');
  });

  it('leaves decorators alone, and code that did not fail on compiling', () => {
    expect(answerLineInCodeNote('@registry[0]\ndef f():\n    pass\n', failed('SyntaxError'))).toBeUndefined();
    expect(answerLineInCodeNote('@cache[1]\n\n@other\nclass A: pass\n', failed('SyntaxError'))).toBeUndefined();
    expect(answerLineInCodeNote('@a[a]\n', failed('NameError'))).toBeUndefined();
  });
});
