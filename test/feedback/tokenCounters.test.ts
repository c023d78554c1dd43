import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';

import { ApproximateTokenCounter } from '../../src/feedback/approximateTokenCounter';
import { LazyTokenCounter } from '../../src/feedback/lazyTokenCounter';
import { createTiktokenCounter, TiktokenCounter } from '../../src/feedback/tiktokenCounter';

const TRACEBACK = `Traceback (most recent call last):
Cell In[1], line 4
      1 import json
      2 def load(s):
      3     return json.loads(s)
----> 4 load('{bad')
File ~/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py:353, in JSONDecoder.raw_decode(self, s, idx)
    352 try:
--> 353     obj, end = self.scan_once(s, idx)
    354 except StopIteration as err:
    355     raise JSONDecodeError("Expecting value", s, err.value) from None
JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)`;

const SAMPLES: Record<string, string> = {
  traceback: TRACEBACK,
  table: '   a  b         c\n0  1  x  0.123456\n1  2  y  1.500000\n2  3  z -2.718282\n'.repeat(20),
  code: 'def has_close_elements(numbers: List[float], threshold: float) -> bool:\n    for idx, elem in enumerate(numbers):\n        for idx2, elem2 in enumerate(numbers):\n            if idx != idx2 and abs(elem - elem2) < threshold:\n                return True\n    return False\n',
  numbers: Array.from({ length: 200 }, (_, i) => (Math.sin(i) * 1000).toFixed(6)).join(' '),
  prose:
    'The quick brown fox jumps over the lazy dog. Execution feedback lifts the model from 79.0 to 83.2 average pass@1.',
  json: JSON.stringify({ a: [1, 2, 3], name: 'value', nested: { x: 1.5, y: 'text here' } }, null, 2).repeat(10),
  progress: Array.from(
    { length: 50 },
    (_, i) => `Epoch ${i}/50 - loss: 0.${(i * 7919) % 10000} - acc: 0.${(i * 104729) % 10000}`
  ).join('\n')
};

describe('TiktokenCounter', () => {
  let counter: TiktokenCounter;
  const reference = new Tiktoken(cl100k);

  beforeAll(async () => {
    counter = await createTiktokenCounter();
  });

  it('counts like cl100k_base', () => {
    expect(counter.count('hello world')).toBe(2);
    expect(counter.count('')).toBe(0);
    for (const text of Object.values(SAMPLES)) {
      expect(counter.count(text)).toBe(reference.encode(text).length);
    }
  });

  it('counts special-token text as plain text instead of throwing', () => {
    expect(counter.count('print("<|endoftext|>")')).toBeGreaterThan(3);
  });

  it('counts long runs in chunks, within a token per chunk of the exact count', () => {
    for (const run of ['x'.repeat(1000), ' '.repeat(700) + 'a', '-'.repeat(900), 'ab'.repeat(400)]) {
      const exact = reference.encode(run).length;
      const chunked = counter.count(run);
      expect(Math.abs(chunked - exact)).toBeLessThanOrEqual(Math.ceil(run.length / 64) + 1);
    }
  });

  it('shares one load per encoding', async () => {
    expect(await createTiktokenCounter()).toBe(counter);
    expect(await createTiktokenCounter({ encoding: 'cl100k_base' })).toBe(counter);
  });

  it('loads o200k_base on request', async () => {
    const o200k = await createTiktokenCounter({ encoding: 'o200k_base' });
    expect(o200k).not.toBe(counter);
    // o200k_base codes CJK text in fewer tokens than cl100k_base.
    const cjk = '数据分析结果显示，平均值为三点五，标准差为一点二。';
    expect(o200k.count(cjk)).toBeLessThan(counter.count(cjk));
  });
});

describe('ApproximateTokenCounter', () => {
  const approximate = new ApproximateTokenCounter();

  it('counts at least as many tokens as cl100k_base on typical outputs, and at most 1.6 times', async () => {
    const exact = await createTiktokenCounter();
    for (const [name, text] of Object.entries(SAMPLES)) {
      const ratio = approximate.count(text) / exact.count(text);
      expect({ name, over: ratio >= 1 }).toEqual({ name, over: true });
      expect({ name, close: ratio <= 1.6 }).toEqual({ name, close: true });
    }
  });

  it('counts nothing for nothing and something for anything', () => {
    expect(approximate.count('')).toBe(0);
    expect(approximate.count('a')).toBe(1);
    expect(approximate.count('é')).toBeGreaterThan(0);
  });
});

describe('LazyTokenCounter', () => {
  it('estimates until the ranks load, then counts exactly', async () => {
    const lazy = new LazyTokenCounter();
    const text = SAMPLES.traceback;
    expect(lazy.isExact).toBe(false);
    expect(lazy.count(text)).toBe(new ApproximateTokenCounter().count(text));
    await lazy.ready;
    expect(lazy.isExact).toBe(true);
    expect(lazy.count(text)).toBe((await createTiktokenCounter()).count(text));
  });
});
