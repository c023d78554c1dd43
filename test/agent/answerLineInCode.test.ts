import { answerLineInCodeNote } from '../../src/feedback/answerLineInCode';
import type { IExecutionResult } from '../../src/kernel/executionResult';
import { AgentHarness, codeCells, contentText, text } from '../support/agentHarness';

/**
 * Code that ends with an answer line such as `@mean_x[mean_x]` (the format a DABench prompt asks
 * for in the reply) cannot compile: the model is told it is an answer line, not Python, and the
 * revision runs. On a real kernel.
 */
describe('Agent after code that holds an answer line', () => {
  const harness = AgentHarness.forSuite();

  const withAnswerLine = '```python\nmean_x = sum([2, 4, 9]) / 3\n@mean_x[mean_x]\n```';
  const printed = '```python\nmean_x = sum([2, 4, 9]) / 3\nprint(round(mean_x, 2))\n```';

  it('says the line is not Python, and the printed revision runs in place', async () => {
    const { agent, notebook, model } = await harness.setUp(
      [text(withAnswerLine), text(printed), text('@mean_x[5.0]')],
      {
        protocol: 'text'
      }
    );

    const result = await agent.run('What is the mean of 2, 4 and 9? Answer as @mean_x[value].');

    expect(result).toMatchObject({ outcome: 'completed', executions: 2 });
    const feedback = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(feedback).toContain('SyntaxError');
    expect(feedback).toContain('`@mean_x[mean_x]` is an answer line, not Python');
    const cells = codeCells(notebook);
    expect(cells).toHaveLength(1);
    expect(cells[0].outputs).toEqual([expect.objectContaining({ output_type: 'stream', text: '5.0\n' })]);
  });
});

describe('answerLineInCodeNote', () => {
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

  it('names every answer line of code that failed to compile', () => {
    const note = answerLineInCodeNote('a = 1\n@a[a]\n@b [ 2 ]\n', failed('SyntaxError'));
    expect(note).toContain('`@a[a]`, `@b [ 2 ]` are answer lines');
  });

  it('leaves decorators alone, and code that did not fail on compiling', () => {
    expect(answerLineInCodeNote('@registry[0]\ndef f():\n    pass\n', failed('SyntaxError'))).toBeUndefined();
    expect(answerLineInCodeNote('@cache[1]\n\n@other\nclass A: pass\n', failed('SyntaxError'))).toBeUndefined();
    expect(answerLineInCodeNote('@a[a]\n', failed('NameError'))).toBeUndefined();
  });
});
