import { codeToRun, endOfFirstBlock, extractCodeBlocks } from '../../src/model/textProtocol';

describe('the text protocol', () => {
  it('runs the first python block of an answer, as the paper does', () => {
    const answer = [
      'First the data:',
      '```python',
      'x = 1',
      '```',
      'Some shell, which does not run:',
      '```bash',
      'ls',
      '```',
      'Then the result:',
      '```python',
      'print(x + 1)',
      '```',
      'Done.'
    ].join('\n');
    expect(extractCodeBlocks(answer)).toEqual(['x = 1', 'print(x + 1)']);
    expect(codeToRun(answer)).toBe('x = 1');
  });

  it('ends an answer just after its first closed block, dropping an invented result', () => {
    const answer = 'Compute it:\n```python\nprint(sum([3, 5]))\n```\nExecution result: 9\n';
    const end = endOfFirstBlock(answer);
    expect(answer.slice(0, end)).toBe('Compute it:\n```python\nprint(sum([3, 5]))\n```');
    // While streaming, a block is closed only once the line after its fence has begun.
    expect(endOfFirstBlock('```python\nprint(1)\n```')).toBeUndefined();
    expect(endOfFirstBlock('```python\nprint(1)\n')).toBeUndefined();
    // A shell block does not end the answer.
    expect(endOfFirstBlock('```bash\nls\n```\nthen\n```python\nx = 1\n```\nmore')).toBe(
      '```bash\nls\n```\nthen\n```python\nx = 1\n```'.length
    );
  });

  it('accepts unlabelled and py blocks, and a block cut off by the length limit', () => {
    expect(codeToRun('```\nprint(1)\n```')).toBe('print(1)');
    expect(codeToRun('```py\nprint(2)\n```')).toBe('print(2)');
    expect(codeToRun('Here:\n```python\nfor i in range(3):\n    print(i)')).toBe('for i in range(3):\n    print(i)');
  });

  it('keeps nested backtick fences inside a longer fence', () => {
    const answer = '````python\ns = """\n```\ninner\n```\n"""\nprint(s)\n````';
    expect(codeToRun(answer)).toBe('s = """\n```\ninner\n```\n"""\nprint(s)');
  });

  it('takes a fenced block of sentences or answer lines for an answer, not code', () => {
    // What the 1.5B wrote after its code had printed the figure (real-model suite, join-segment-mean).
    const answer = '```python\nThe average order amount of customers in the Enterprise segment is: 436.81\n```';
    expect(codeToRun(answer)).toBeUndefined();
    expect(codeToRun('```\nThe mean is 7.5.\n\nThe median is 4.\n```')).toBeUndefined();
    // Answer lines alone, as DABench asks for them in the reply (the 1.5B fences them).
    expect(codeToRun('```python\n@mean_age[19.0]\n@is_normal[no]\n```')).toBeUndefined();
    expect(codeToRun('```python\nx = 1\n@x[x]\n```')).toBe('x = 1\n@x[x]');
    // Several on a line, and the format's own line copied with its words (DABench question 23).
    expect(codeToRun('```python\n@mean_age[19.0], @std_age[2.5]\n```')).toBeUndefined();
    expect(
      codeToRun('```python\n@Mean_Squared_Error[NaN], where "NaN" is a number rounded to two decimal places.\n```')
    ).toBeUndefined();
    // A decorator with a call, and matrix products, stay code.
    expect(codeToRun('```python\n@registry[0](name)\n```')).toBe('@registry[0](name)');
    expect(codeToRun('```python\ny = (a\n     @b[0] + c)\n```')).toBe('y = (a\n     @b[0] + c)');
    // Code that reads like words is still code.
    expect(codeToRun('```python\nTrue if x else y and z\n```')).toBe('True if x else y and z');
    expect(codeToRun('```python\nResult = compute(data) or fallback\n```')).toBe('Result = compute(data) or fallback');
    expect(codeToRun("```python\nThe answer is:\nprint('42')\n```")).toBe("The answer is:\nprint('42')");
  });

  it('finds no code in a plain answer', () => {
    expect(codeToRun('The answer is 42.')).toBeUndefined();
    expect(codeToRun('```python\n\n```')).toBeUndefined();
  });
});
