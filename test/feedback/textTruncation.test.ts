import { clipText } from '../../src/feedback/textClipping';
import { formatCutMarker, truncateText } from '../../src/feedback/textTruncation';
import { createTiktokenCounter, type TiktokenCounter } from '../../src/feedback/tiktokenCounter';

const MARKER = /\n?\.\.\. \[(?:(~?)([\d,]+) lines \/ )?(~?)([\d,]+) characters \/ (~?)([\d,]+) tokens cut\] \.\.\.\n?/;

function parseMarker(text: string) {
  const match = MARKER.exec(text);
  if (!match) {
    throw new Error(`no marker in ${JSON.stringify(text.slice(0, 200))}`);
  }
  const number = (value: string | undefined) => (value === undefined ? 0 : Number(value.replace(/,/g, '')));
  return {
    index: match.index,
    marker: match[0],
    lines: number(match[2]),
    linesExact: match[1] !== '~',
    characters: number(match[4]),
    charactersExact: match[3] !== '~',
    tokens: number(match[6]),
    tokensExact: match[5] !== '~'
  };
}

function numberedLines(count: number, start = 0): string {
  return Array.from({ length: count }, (_, i) => `line ${start + i}: value=${(start + i) * 3}`).join('\n') + '\n';
}

describe('truncateText', () => {
  let counter: TiktokenCounter;

  beforeAll(async () => {
    counter = await createTiktokenCounter();
  });

  it('keeps a text that fits whole', () => {
    const text = numberedLines(10);
    const result = truncateText(text, 500, counter);
    expect(result).toEqual({ text, tokens: counter.count(text), cut: null });
  });

  it('keeps head and tail within the budget, with exact numbers in the marker', () => {
    const text = numberedLines(400);
    const budget = 300;
    const result = truncateText(text, budget, counter);
    expect(result.tokens).toBe(counter.count(result.text));
    expect(result.tokens).toBeLessThanOrEqual(budget);
    // The budget is used, not wasted.
    expect(result.tokens).toBeGreaterThan(budget * 0.85);

    const marker = parseMarker(result.text);
    const head = result.text.slice(0, marker.index + 1);
    const tail = result.text.slice(marker.index + marker.marker.length);
    expect(text.startsWith(head)).toBe(true);
    expect(text.endsWith(tail)).toBe(true);
    // Cuts fall on line breaks.
    expect(head.endsWith('\n')).toBe(true);
    expect(tail.startsWith('line ')).toBe(true);

    const removed = text.slice(head.length, text.length - tail.length);
    expect(marker.characters).toBe(removed.length);
    expect(marker.characters).toBe(text.length - head.length - tail.length);
    expect(marker.lines).toBe(removed.split('\n').length - 1);
    expect(marker.tokens).toBe(counter.count(removed));
    expect([marker.linesExact, marker.charactersExact, marker.tokensExact]).toEqual([true, true, true]);
    expect(result.cut).toEqual({
      characters: removed.length,
      charactersExact: true,
      lines: marker.lines,
      linesExact: true,
      tokens: marker.tokens,
      tokensExact: true
    });
  });

  it('respects the budget across sizes and budgets', () => {
    const texts = [
      numberedLines(1000),
      'x'.repeat(50_000),
      'word '.repeat(20_000),
      '数据分析结果。'.repeat(3000),
      '\n'.repeat(30_000) + 'end'
    ];
    for (const text of texts) {
      for (const budget of [0, 5, 20, 40, 100, 1000]) {
        const result = truncateText(text, budget, counter);
        expect(counter.count(result.text)).toBeLessThanOrEqual(budget);
        expect(result.tokens).toBe(counter.count(result.text));
        if (budget >= 40) {
          expect(result.cut).not.toBeNull();
          expect(result.text).toMatch(MARKER);
        }
      }
    }
  });

  it('gives more of the budget to the head when asked', () => {
    const text = numberedLines(400);
    const result = truncateText(text, 300, counter, { headShare: 0.8 });
    const marker = parseMarker(result.text);
    expect(marker.index).toBeGreaterThan((result.text.length - marker.marker.length) * 0.7);
  });

  it('estimates the tokens of a cut longer than 16 KB and says so', () => {
    const text = numberedLines(5000);
    const result = truncateText(text, 200, counter);
    const marker = parseMarker(result.text);
    expect(marker.tokensExact).toBe(false);
    const exact = counter.count(text) - counter.count(result.text) + counter.count(marker.marker);
    expect(Math.abs(marker.tokens - exact) / exact).toBeLessThan(0.1);
    expect(marker.characters).toBe(result.cut?.characters);
    expect(marker.linesExact).toBe(true);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(5000);
    const result = truncateText(text, 100, counter);
    expect(result.text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});

describe('clipText', () => {
  let counter: TiktokenCounter;

  beforeAll(async () => {
    counter = await createTiktokenCounter();
  });

  it('keeps short texts whole and cleaned', () => {
    expect(clipText('ab\x1b[31mc', 100, text => text.replace(/\x1b\[31m/g, ''))).toEqual({ text: 'abc', gap: null });
  });

  it('clips a huge text to two windows and counts the gap exactly', () => {
    const raw = numberedLines(60_000);
    const clipped = clipText(raw, 10_000);
    expect(clipped.text).toBe(raw.slice(0, 10_000) + raw.slice(raw.length - 10_000));
    expect(clipped.gap).toEqual({
      at: 10_000,
      characters: raw.length - 20_000,
      charactersExact: true,
      lines: raw.slice(10_000, raw.length - 10_000).split('\n').length - 1,
      linesExact: true
    });
    const result = truncateText(clipped.text, 500, counter, { gap: clipped.gap! });
    expect(result.tokens).toBeLessThanOrEqual(500);
    const marker = parseMarker(result.text);
    const head = result.text.slice(0, marker.index + 1);
    const tail = result.text.slice(marker.index + marker.marker.length);
    expect(raw.startsWith(head) && raw.endsWith(tail)).toBe(true);
    expect(marker.characters).toBe(raw.length - head.length - tail.length);
    expect(marker.lines).toBe(raw.slice(head.length, raw.length - tail.length).split('\n').length - 1);
    expect(marker.tokensExact).toBe(false);
  });

  it('estimates the lines of a gap over 2 MB, and marks the estimate', () => {
    const raw = numberedLines(100_000);
    const clipped = clipText(raw, 10_000);
    const lines = raw.slice(10_000, raw.length - 10_000).split('\n').length - 1;
    expect(clipped.gap?.linesExact).toBe(false);
    expect(Math.abs((clipped.gap?.lines ?? 0) - lines) / lines).toBeLessThan(0.15);
    const result = truncateText(clipped.text, 300, counter, { gap: clipped.gap! });
    expect(parseMarker(result.text).linesExact).toBe(false);
  });

  it('estimates the characters of a gap full of escape codes, and marks the estimate', () => {
    const raw = '\x1b[31mred\x1b[0m\n'.repeat(100_000);
    const clipped = clipText(raw, 5000, text => text.replace(/\x1b\[\d+m/g, ''));
    expect(clipped.gap?.charactersExact).toBe(false);
    const cleanGap = (raw.length - 10_000) * (4 / 13);
    expect(Math.abs((clipped.gap?.characters ?? 0) - cleanGap) / cleanGap).toBeLessThan(0.01);
    const result = truncateText(clipped.text, 100, counter, { gap: clipped.gap! });
    expect(parseMarker(result.text).charactersExact).toBe(false);
    expect(result.text).not.toContain('\x1b');
  });
});

describe('formatCutMarker', () => {
  it('writes thousands separators, omits zero lines and marks estimates', () => {
    expect(
      formatCutMarker({
        characters: 12345,
        charactersExact: true,
        lines: 321,
        linesExact: true,
        tokens: 3210,
        tokensExact: true
      })
    ).toBe('... [321 lines / 12,345 characters / 3,210 tokens cut] ...');
    expect(
      formatCutMarker({
        characters: 9_988_311,
        charactersExact: true,
        lines: 0,
        linesExact: true,
        tokens: 1_250_141,
        tokensExact: false
      })
    ).toBe('... [9,988,311 characters / ~1,250,141 tokens cut] ...');
  });
});
