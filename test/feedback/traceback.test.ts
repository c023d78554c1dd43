import { condenseTraceback } from '../../src/feedback/traceback';

// Entries as ipykernel 7 sends them (colours included).
const RULE = '\x1b[31m---------------------------------------------------------------------------\x1b[39m';
const header = (ename: string) =>
  `\x1b[31m${ename}\x1b[39m                                  Traceback (most recent call last)`;
const cellFrame = (cell: number, line: number, code: string, fn = '') =>
  `\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[${cell}]\x1b[39m\x1b[32m, line ${line}\x1b[39m${fn ? `, in \x1b[36m${fn}\x1b[39m` : ''}\n\x1b[32m----> \x1b[39m\x1b[32m${line}\x1b[39m ${code}\n`;
const fileFrame = (path: string, line: number, fn: string, code: string) =>
  `\x1b[36mFile \x1b[39m\x1b[32m${path}:${line}\x1b[39m, in \x1b[36m${fn}\x1b[39m\x1b[34m()\x1b[39m\n\x1b[32m    ${line - 1}\x1b[39m     # context\n\x1b[32m--> \x1b[39m\x1b[32m${line}\x1b[39m     ${code}\n`;
const errorLine = (ename: string, evalue: string) => `\x1b[31m${ename}\x1b[39m: ${evalue}`;

const SITE = '/work/.venv/lib/python3.11/site-packages';

describe('condenseTraceback', () => {
  it('keeps the cell frames and the raising frame, collapses library frames, and strips colours', () => {
    const traceback = [
      RULE,
      header('JSONDecodeError'),
      cellFrame(1, 4, "load('{bad')"),
      cellFrame(1, 3, 'return json.loads(s)', 'load'),
      fileFrame(
        '~/.pyenv/versions/3.11.7/lib/python3.11/json/__init__.py',
        346,
        'loads',
        'return _default_decoder.decode(s)'
      ),
      fileFrame(
        '~/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py',
        337,
        'JSONDecoder.decode',
        'obj, end = self.raw_decode(s)'
      ),
      fileFrame(
        '~/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py',
        353,
        'JSONDecoder.raw_decode',
        'obj, end = self.scan_once(s, idx)'
      ),
      errorLine('JSONDecodeError', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)')
    ];
    const condensed = condenseTraceback(
      traceback,
      'JSONDecodeError',
      'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'
    );
    expect(condensed.error).toBe(
      'JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'
    );
    expect(condensed.omittedFrames).toBe(2);
    expect(condensed.body).not.toContain('\x1b');
    expect(condensed.body).not.toContain('-----');
    expect(condensed.body.split('\n')).toEqual([
      'Traceback (most recent call last):',
      'Cell In[1], line 4',
      "----> 4 load('{bad')",
      'Cell In[1], line 3, in load',
      '----> 3 return json.loads(s)',
      '[... 2 library frames omitted ...]',
      'File ~/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py:353, in JSONDecoder.raw_decode()',
      '    352     # context',
      '--> 353     obj, end = self.scan_once(s, idx)'
    ]);
  });

  it('condenses each exception of a chain, keeping the last frame only in the final one', () => {
    const traceback = [
      RULE,
      header('KeyError'),
      fileFrame(
        `${SITE}/pandas/core/indexes/base.py`,
        3816,
        'Index.get_loc',
        'return self._engine.get_loc(casted_key)'
      ),
      fileFrame('pandas/_libs/index.pyx', 172, 'pandas._libs.index.IndexEngine.get_loc', "'Could not get source'"),
      fileFrame(
        'pandas/_libs/hashtable_class_helper.pxi',
        7734,
        'pandas._libs.hashtable.PyObjectHashTable.get_item',
        "'Could not get source'"
      ),
      errorLine('KeyError', "'b'"),
      '\nThe above exception was the direct cause of the following exception:\n',
      header('KeyError'),
      cellFrame(2, 3, "df['b']"),
      fileFrame(`${SITE}/pandas/core/frame.py`, 4330, 'DataFrame.__getitem__', 'indexer = self.columns.get_loc(key)'),
      fileFrame(`${SITE}/pandas/core/indexes/base.py`, 3823, 'Index.get_loc', 'raise KeyError(key) from err'),
      errorLine('KeyError', "'b'")
    ];
    const condensed = condenseTraceback(traceback, 'KeyError', "'b'");
    expect(condensed.error).toBe("KeyError: 'b'");
    expect(condensed.omittedFrames).toBe(4);
    const lines = condensed.body.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'Traceback (most recent call last):',
      '[... 3 library frames omitted ...]',
      "KeyError: 'b'",
      '',
      'The above exception was the direct cause of the following exception:',
      ''
    ]);
    expect(condensed.body).toContain("----> 3 df['b']");
    expect(condensed.body).toContain('[... 1 library frame omitted ...]');
    expect(condensed.body).toContain('--> 3823     raise KeyError(key) from err');
    expect(condensed.body).not.toContain('frame.py');
  });

  it('keeps a frame of the user own module outside site-packages', () => {
    const traceback = [
      header('ValueError'),
      cellFrame(5, 1, 'run()'),
      fileFrame(`${SITE}/numpy/core/fromnumeric.py`, 59, '_wrapfunc', 'return bound(*args, **kwds)'),
      fileFrame('/home/me/project/helpers.py', 12, 'check', 'raise ValueError("bad")'),
      fileFrame(`${SITE}/numpy/core/fromnumeric.py`, 80, 'inner', 'raise ValueError("bad")'),
      errorLine('ValueError', 'bad')
    ];
    const condensed = condenseTraceback(traceback, 'ValueError', 'bad');
    expect(condensed.body).toContain('/home/me/project/helpers.py:12');
    expect(condensed.body).toContain('fromnumeric.py:80');
    expect(condensed.body).not.toContain('fromnumeric.py:59');
    expect(condensed.omittedFrames).toBe(1);
  });

  it('keeps one copy of a frame repeated by recursion', () => {
    const frame = cellFrame(4, 1, 'def f(n): return f(n+1)', 'f');
    const traceback = [
      RULE,
      header('RecursionError'),
      cellFrame(4, 2, 'f(0)'),
      ...new Array(974).fill(frame),
      errorLine('RecursionError', 'maximum recursion depth exceeded')
    ];
    const condensed = condenseTraceback(traceback, 'RecursionError', 'maximum recursion depth exceeded');
    expect(condensed.omittedFrames).toBe(973);
    expect(condensed.body.split('\n')).toEqual([
      'Traceback (most recent call last):',
      'Cell In[4], line 2',
      '----> 2 f(0)',
      'Cell In[4], line 1, in f',
      '----> 1 def f(n): return f(n+1)',
      '[... the frame above repeated 973 more times ...]'
    ]);
  });

  it('finds the error line at the end of a syntax error entry', () => {
    const traceback = [
      '  \x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[3]\x1b[39m\x1b[32m, line 1\x1b[39m\n\x1b[31m    \x1b[39m\x1b[31mdef f(:\x1b[39m\n          ^\n\x1b[31mSyntaxError\x1b[39m\x1b[31m:\x1b[39m invalid syntax\n'
    ];
    const condensed = condenseTraceback(traceback, 'SyntaxError', 'invalid syntax');
    expect(condensed.error).toBe('SyntaxError: invalid syntax');
    expect(condensed.body).toBe('  Cell In[3], line 1\n    def f(:\n          ^');
    expect(condensed.omittedFrames).toBe(0);
  });

  it('keeps every line of a multi-line message and makes one when the traceback is empty', () => {
    const multi = condenseTraceback(
      [header('AssertionError'), cellFrame(9, 1, 'check()'), errorLine('AssertionError', 'first\nsecond')],
      'AssertionError',
      'first\nsecond'
    );
    expect(multi.error).toBe('AssertionError: first\nsecond');
    expect(condenseTraceback([], 'KeyboardInterrupt', '')).toEqual({
      body: '',
      error: 'KeyboardInterrupt',
      omittedFrames: 0
    });
    expect(condenseTraceback([], 'NameError', "name 'x' is not defined").error).toBe(
      "NameError: name 'x' is not defined"
    );
  });
});
