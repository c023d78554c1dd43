import { ApproximateTokenCounter } from '../../src/feedback/approximateTokenCounter';
import { LazyTokenCounter } from '../../src/feedback/lazyTokenCounter';
import { truncateText } from '../../src/feedback/textTruncation';
import { createTiktokenCounter, type TiktokenCounter } from '../../src/feedback/tiktokenCounter';
import type { ITokenCounter } from '../../src/feedback/tokenCounter';

const TEXTS: Record<string, string> = {
  lines: Array.from({ length: 300 }, (_, i) => `epoch ${i}: loss=${(1 / (i + 1)).toFixed(6)}`).join('\n'),
  run: 'x'.repeat(10_000),
  blanks: `a${' '.repeat(5000)}b`,
  chinese: '数据分析结果。'.repeat(500),
  emoji: '😀 ok '.repeat(500),
  special: 'before <|endoftext|> after '.repeat(100)
};

const HALF_PAIR = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What every counter's cuts must give: a start and an end of the text within the tokens asked
 * for, never half a surrogate pair, and the whole text when it has no more tokens.
 */
function checkCuts(counter: ITokenCounter, text: string): void {
  const total = counter.count(text);
  for (const tokens of [0, 1, 7, 100, total - 1, total, total + 5]) {
    if (tokens < 0) {
      continue;
    }
    const headEnd = counter.headEnd(text, tokens);
    const tailStart = counter.tailStart(text, tokens);
    const head = text.slice(0, headEnd);
    const tail = text.slice(tailStart);
    expect(counter.count(head)).toBeLessThanOrEqual(tokens);
    expect(counter.count(tail)).toBeLessThanOrEqual(tokens);
    expect(head).not.toMatch(HALF_PAIR);
    expect(tail).not.toMatch(HALF_PAIR);
    if (tokens >= total) {
      expect([headEnd, tailStart]).toEqual([text.length, 0]);
    }
  }
}

describe('TiktokenCounter encode and decode', () => {
  let counter: TiktokenCounter;

  beforeAll(async () => {
    counter = await createTiktokenCounter();
  });

  it.each(Object.keys(TEXTS))('round-trips %s, with as many tokens as it counts', name => {
    const text = TEXTS[name];
    const tokens = counter.encode(text);
    expect(tokens.length).toBe(counter.count(text));
    expect(counter.decode(tokens)).toBe(text);
  });

  it.each(Object.keys(TEXTS))('cuts %s at its first and last tokens', name => {
    checkCuts(counter, TEXTS[name]);
  });

  it('keeps exactly the first and last tokens of plain text', () => {
    const text = TEXTS.lines;
    const tokens = counter.encode(text);
    expect(text.slice(0, counter.headEnd(text, 50))).toBe(counter.decode(tokens.slice(0, 50)));
    expect(text.slice(counter.tailStart(text, 50))).toBe(counter.decode(tokens.slice(-50)));
  });
});

describe('ApproximateTokenCounter cuts', () => {
  const counter = new ApproximateTokenCounter();

  it.each(Object.keys(TEXTS))('cuts %s within the tokens asked for', name => {
    checkCuts(counter, TEXTS[name]);
  });

  it('uses most of the tokens asked for', () => {
    const text = TEXTS.lines;
    expect(counter.count(text.slice(0, counter.headEnd(text, 200)))).toBeGreaterThanOrEqual(195);
    expect(counter.count(text.slice(counter.tailStart(text, 200)))).toBeGreaterThanOrEqual(195);
  });

  it('looks only near the end it keeps, however long the text', () => {
    const text = 'word '.repeat(2_000_000);
    const counting = new ApproximateTokenCounter();
    const seen: number[] = [];
    const count = counting.count.bind(counting);
    counting.count = (piece: string) => (seen.push(piece.length), count(piece));
    counting.headEnd(text, 100);
    counting.tailStart(text, 100);
    expect(Math.max(...seen)).toBeLessThanOrEqual(101 * 16);
  });
});

describe('LazyTokenCounter cuts', () => {
  it('cuts by the estimate before the tokenizer loads and exactly after', async () => {
    const lazy = new LazyTokenCounter();
    const text = TEXTS.lines;
    const approximate = new ApproximateTokenCounter();
    if (!lazy.isExact) {
      expect(lazy.headEnd(text, 40)).toBe(approximate.headEnd(text, 40));
      expect(lazy.tailStart(text, 40)).toBe(approximate.tailStart(text, 40));
    }
    await lazy.ready;
    const exact = await createTiktokenCounter();
    expect(lazy.headEnd(text, 40)).toBe(exact.headEnd(text, 40));
    expect(lazy.tailStart(text, 40)).toBe(exact.tailStart(text, 40));
  });
});

describe('truncateText with the estimate (the agent counter before the tokenizer loads)', () => {
  it('respects the budget and keeps both ends', () => {
    const counter = new ApproximateTokenCounter();
    for (const text of Object.values(TEXTS)) {
      for (const budget of [0, 20, 60, 300]) {
        const result = truncateText(text, budget, counter);
        expect(result.tokens).toBe(counter.count(result.text));
        expect(result.tokens).toBeLessThanOrEqual(budget);
        expect(result.text).not.toMatch(HALF_PAIR);
      }
    }
  });
});
