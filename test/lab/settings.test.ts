import { DEFAULT_SETTINGS, readSettings, resolveVision } from '../../src/lab/settings';

describe('readSettings', () => {
  it('applies the defaults to an empty composite', () => {
    expect(readSettings({})).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.approval).toBe('risky');
    expect(DEFAULT_SETTINGS.reviewRevisions).toBe('mine');
  });

  it('reads whether revisions of the person’s cells are reviewed', () => {
    expect(readSettings({ reviewRevisions: 'never' }).reviewRevisions).toBe('never');
    expect(readSettings({ reviewRevisions: 'sometimes' }).reviewRevisions).toBe('mine');
  });

  it('keeps valid values and replaces invalid ones by defaults', () => {
    const settings = readSettings({
      model: '  gpt-4o-mini ',
      protocol: 'text',
      maxAttempts: 0,
      executionTimeout: 'soon',
      approval: 'sometimes',
      vision: 'off',
      outputBudget: 800.7,
      temperature: 7,
      contextWindow: 4096.5,
      effort: 'thorough',
      candidates: 40
    });
    expect(settings).toEqual({
      model: 'gpt-4o-mini',
      protocol: 'text',
      maxAttempts: 1,
      executionTimeout: DEFAULT_SETTINGS.executionTimeout,
      approval: DEFAULT_SETTINGS.approval,
      reviewRevisions: DEFAULT_SETTINGS.reviewRevisions,
      vision: 'off',
      outputBudget: 800,
      // Above the schema's maximum of 2: the highest allowed.
      temperature: 2,
      contextWindow: 4096,
      effort: 'thorough',
      // Above the schema's maximum of 20.
      candidates: 20
    });
    expect(readSettings({ effort: 'hard', candidates: -1 })).toMatchObject({ effort: 'fast', candidates: 3 });
  });
});

describe('resolveVision', () => {
  it('follows on and off whatever the model', () => {
    expect(resolveVision('on', 'opencodeinterpreter-ds-6.7b')).toBe(true);
    expect(resolveVision('off', 'gpt-4o')).toBe(false);
  });

  it('guesses from the model name with auto', () => {
    expect(resolveVision('auto', 'gpt-4o-mini')).toBe(true);
    expect(resolveVision('auto', 'qwen2.5-vl-7b-instruct')).toBe(true);
    expect(resolveVision('auto', 'llava:13b')).toBe(true);
    expect(resolveVision('auto', 'm-a-p/OpenCodeInterpreter-DS-6.7B')).toBe(false);
    expect(resolveVision('auto', 'gpt-3.5-turbo')).toBe(false);
    expect(resolveVision('auto', '')).toBe(false);
  });
});
