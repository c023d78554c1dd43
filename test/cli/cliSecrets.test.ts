// What the command line leaves for others to read (issue 18, item 10): the transcript is its
// owner's only and is not written through a symbolic link; the key can come from a file.
import { mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chooseModel, MODEL_CHOICE_HELP } from '../../src/cli/modelEndpoint';
import { TranscriptWriter } from '../../src/cli/transcriptWriter';

describe('the transcript file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ci-transcript-'));

  it('is created readable by its owner only, and an existing one is made so', () => {
    const path = join(dir, 'new.jsonl');
    new TranscriptWriter(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const existing = join(dir, 'existing.jsonl');
    writeFileSync(existing, 'old');
    chmodSync(existing, 0o644);
    new TranscriptWriter(existing).close();
    expect(statSync(existing).mode & 0o777).toBe(0o600);
    expect(readFileSync(existing, 'utf8')).toBe('');
  });

  it('is not written through a symbolic link', () => {
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'keep me');
    const link = join(dir, 'link.jsonl');
    symlinkSync(target, link);
    expect(() => new TranscriptWriter(link)).toThrow(/symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
  });
});

describe('the API key', () => {
  it('can be read from a file, and the help says why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-key-'));
    const file = join(dir, 'key');
    writeFileSync(file, 'sk-from-file\n');
    const choice = chooseModel({ 'api-key-file': file, model: 'm' }, {});
    expect(choice).toMatchObject({ kind: 'endpoint', apiKey: 'sk-from-file', baseURL: 'https://api.openai.com/v1' });
    expect(() => chooseModel({ 'api-key-file': join(dir, 'missing'), model: 'm' }, {})).toThrow(/--api-key-file/);
    expect(chooseModel({ model: 'm' }, { OPENAI_API_KEY: 'sk-env' })).toMatchObject({ apiKey: 'sk-env' });
    expect(MODEL_CHOICE_HELP).toMatch(/--api-key-file PATH/);
    expect(MODEL_CHOICE_HELP).toMatch(/`ps`/);
  });
});
