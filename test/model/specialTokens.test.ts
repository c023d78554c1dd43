import { SpecialTokenFilter, removeSpecialTokens } from '../../src/model/specialTokens';

describe('special tokens', () => {
  it('are removed from complete text', () => {
    expect(removeSpecialTokens('Done.<|EOT|>')).toBe('Done.');
    expect(removeSpecialTokens('a<unk>b</s>')).toBe('ab');
    expect(removeSpecialTokens('x < y and a <b> tag')).toBe('x < y and a <b> tag');
  });

  it('are removed when split across streamed pieces, without holding back other text', () => {
    const filter = new SpecialTokenFilter();
    const pieces = ['The answer', ' is 4.<|', 'EO', 'T|>', ''];
    const shown = pieces.map(piece => filter.push(piece));
    expect(shown.join('') + filter.flush()).toBe('The answer is 4.');
    // Text that only looks like the start of a token is released at the end.
    const other = new SpecialTokenFilter();
    expect(other.push('a <')).toBe('a ');
    expect(other.push('= b')).toBe('<= b');
    expect(other.flush()).toBe('');
  });
});
