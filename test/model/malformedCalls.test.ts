import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { findContentCalls } from '../../src/model/contentCalls';
import { NOTEBOOK_TOOL_NAMES, parseToolCalls } from '../../src/model/toolsProtocol';

/**
 * The corpus of calls small models write in their text, broken in the ways the embedded
 * Qwen2.5-Coder-1.5B broke them on ordinary questions (DESIGN.md, "as a new user meets it": a
 * triple-quoted code string, a code string missing its closing quote, the `<tools><function>`
 * form), each with the code it means. Every one must run as that code.
 */
interface ICorpusEntry {
  form: string;
  content: string;
  code: string;
}

const corpus = readFileSync(join(__dirname, 'fixtures', 'malformedCalls.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map(line => JSON.parse(line) as ICorpusEntry);

describe('the corpus of malformed calls', () => {
  it.each(corpus.map(entry => [entry.form, entry] as const))('recovers %s', (_, entry) => {
    const found = findContentCalls(entry.content, NOTEBOOK_TOOL_NAMES);
    expect(found.malformed).toEqual([]);
    expect(parseToolCalls(found.calls)).toEqual([{ kind: 'execute', code: entry.code, toolCallId: 'content_call_0' }]);
  });

  it('is recovered whole', () => {
    const recovered = corpus.filter(entry => {
      const calls = parseToolCalls(findContentCalls(entry.content, NOTEBOOK_TOOL_NAMES).calls);
      return calls.length === 1 && calls[0].kind === 'execute' && calls[0].code === entry.code;
    });
    expect(`${recovered.length} of ${corpus.length}`).toBe(`${corpus.length} of ${corpus.length}`);
  });
});
