import { codeToRun, extractCodeBlocks } from '../../src/model/textProtocol';

describe('the text protocol', () => {
  it('runs the last python block of an answer', () => {
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
    expect(codeToRun(answer)).toBe('print(x + 1)');
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

  it('finds no code in a plain answer', () => {
    expect(codeToRun('The answer is 42.')).toBeUndefined();
    expect(codeToRun('```python\n\n```')).toBeUndefined();
  });
});
