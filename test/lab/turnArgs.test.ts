import { attachmentsToArgs, readTurnArgs } from '../../src/lab/turnArgs';

describe('readTurnArgs', () => {
  it('reads attachments and the intent of the ask command', () => {
    const attachments = [{ cellId: 'a', selection: { from: 2, to: 5, text: 'abc' } }, { cellId: 'b' }];
    expect(readTurnArgs({ prompt: 'p', attachments: attachmentsToArgs(attachments), intent: 'fix' })).toEqual({
      attachments,
      intent: 'fix'
    });
  });

  it('defaults to no attachments and a code turn', () => {
    expect(readTurnArgs({ prompt: 'p' })).toEqual({ attachments: [], intent: 'code' });
    expect(readTurnArgs({ intent: 'delete everything' }).intent).toBe('code');
  });

  it('leaves out malformed attachments, duplicates and empty selections', () => {
    const read = readTurnArgs({
      attachments: [
        'a',
        { cellId: '' },
        { cellId: 'x', selection: { from: 4, to: 4, text: '' } },
        { cellId: 'x' },
        { cellId: 'y', selection: { from: 'one', to: 2, text: 'ab' } },
        null
      ]
    });
    expect(read.attachments).toEqual([{ cellId: 'x' }, { cellId: 'y' }]);
  });
});
