import type * as nbformat from '@jupyterlab/nbformat';

import type { IExecutionResult } from '../../src/kernel/executionResult';
import { outputNotes } from '../../src/feedback/outputNotes';

function failed(ename: string, evalue: string): IExecutionResult {
  const error: nbformat.IError = { output_type: 'error', ename, evalue, traceback: [] };
  return {
    status: 'error',
    executionCount: 1,
    outputs: [error],
    durationMs: 5,
    outputDroppedByServer: false,
    stdinRequested: false,
    kernelUnresponsive: false
  };
}

describe('outputNotes', () => {
  it.each(['Series', 'DataFrame', 'numpy.ndarray'])(
    'says a %s holds many values when a format spec failed on it',
    kind => {
      const [note] = outputNotes(failed('TypeError', `unsupported format string passed to ${kind}.__format__`), []);
      expect(note).toContain(`Note: a ${kind} holds many values`);
    }
  );

  it('names the missing module and the installed data packages', () => {
    const notes = outputNotes(failed('ModuleNotFoundError', "No module named 'sklearn'"), ['numpy', 'pandas']);
    expect(notes).toEqual([
      'Note: sklearn is not installed in this kernel; do not import it, do the job with what is installed. Installed data packages: numpy, pandas.'
    ]);
  });

  it('has nothing to say of other errors', () => {
    expect(outputNotes(failed('TypeError', "unsupported operand type(s) for +: 'int' and 'str'"), [])).toEqual([]);
    expect(outputNotes(failed('ValueError', 'unsupported format string passed to Series.__format__'), [])).toEqual([]);
  });
});
