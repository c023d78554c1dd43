import type * as nbformat from '@jupyterlab/nbformat';

import { allMissingValuesNote } from '../../src/feedback/allMissingNote';
import type { IExecutionResult } from '../../src/kernel/executionResult';

function ran(outputs: nbformat.IOutput[], status: IExecutionResult['status'] = 'ok'): IExecutionResult {
  return {
    status,
    executionCount: 1,
    outputs,
    durationMs: 5,
    outputDroppedByServer: false,
    stdinRequested: false,
    kernelUnresponsive: false
  };
}

const stdout = (text: string): nbformat.IStream => ({ output_type: 'stream', name: 'stdout', text });
const plain = (text: string): nbformat.IExecuteResult => ({
  output_type: 'execute_result',
  execution_count: 1,
  data: { 'text/plain': text },
  metadata: {}
});

describe('allMissingValuesNote', () => {
  it.each([
    ["Correlation between 'neg' and 'text_length': nan\nCorrelation between 'pos' and 'text_length': nan\n"],
    ['mean_2024: NaN\n']
  ])('speaks when every value printed is NaN: %j', text => {
    expect(allMissingValuesNote(ran([stdout(text)]))).toContain('every value the output shows is NaN');
  });

  it('reads the plain text of a result too', () => {
    expect(allMissingValuesNote(ran([plain('nan')]))).toBeDefined();
  });

  it.each([
    ['a table with some missing values', 'x    1.5\ny    NaN\n'],
    ['a number beside the NaN', 'mean: nan, rows: 0\n'],
    ['no NaN at all', 'mean: 7.5\n'],
    ['a word holding nan', 'banana nanny\n']
  ])('stays silent for %s', (_, text) => {
    expect(allMissingValuesNote(ran([stdout(text)]))).toBeUndefined();
  });

  it('stays silent on a failed cell and on stderr', () => {
    expect(allMissingValuesNote(ran([stdout('nan')], 'error'))).toBeUndefined();
    expect(allMissingValuesNote(ran([{ output_type: 'stream', name: 'stderr', text: 'nan' }]))).toBeUndefined();
  });
});
