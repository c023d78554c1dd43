import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  AGENT_BUDGET_DEFINITIONS,
  SETTING_DEFINITIONS,
  clampNumberSetting,
  describeNumberSetting,
  isValidNumberSetting
} from '../../src/agent/settingDefinitions';
import { Agent } from '../../src/agent/agent';
import { DEFAULT_SETTINGS } from '../../src/lab/settings';

interface ISchemaProperty {
  type: string;
  default: unknown;
  minimum?: number;
  maximum?: number;
  enum?: string[];
}

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schema', 'plugin.json'), 'utf8')) as {
  properties: Record<string, ISchemaProperty>;
};

describe('the setting definitions and schema/plugin.json', () => {
  it('name the same settings', () => {
    expect(Object.keys(SETTING_DEFINITIONS).sort()).toEqual(Object.keys(schema.properties).sort());
  });

  it.each(Object.keys(schema.properties))('agree on %s: type, default, bounds and choices', name => {
    const property = schema.properties[name];
    const definition: Record<string, unknown> = { ...SETTING_DEFINITIONS[name as keyof typeof SETTING_DEFINITIONS] };
    expect(definition.type).toBe(property.type);
    expect(definition.default).toEqual(property.default);
    expect(definition.minimum).toBe(property.minimum);
    expect(definition.maximum).toBe(property.maximum);
    expect(definition.enum).toEqual(property.enum);
  });

  it('give the sidebar its defaults', () => {
    for (const [name, definition] of Object.entries(SETTING_DEFINITIONS)) {
      expect(DEFAULT_SETTINGS[name as keyof typeof DEFAULT_SETTINGS]).toBe(definition.default);
    }
  });

  it('keep the agent budgets out of the schema', () => {
    for (const name of Object.keys(AGENT_BUDGET_DEFINITIONS)) {
      expect(schema.properties).not.toHaveProperty(name);
    }
    // The agent's option of the same name, so that its default is this one.
    const option: keyof Agent.IOptions = 'kernelStateTokens';
    expect(AGENT_BUDGET_DEFINITIONS).toHaveProperty(option);
  });
});

describe('number settings', () => {
  const { maxAttempts, executionTimeout, temperature } = SETTING_DEFINITIONS;

  it('check whole numbers and both bounds', () => {
    expect([1, 3, 50].map(value => isValidNumberSetting(maxAttempts, value))).toEqual([true, true, true]);
    expect([0, 51, 2.5, NaN, Infinity].map(value => isValidNumberSetting(maxAttempts, value))).toEqual([
      false,
      false,
      false,
      false,
      false
    ]);
    expect(isValidNumberSetting(executionTimeout, 0.5)).toBe(true);
    expect(isValidNumberSetting(executionTimeout, 1e9)).toBe(true);
    expect(isValidNumberSetting(executionTimeout, -1)).toBe(false);
  });

  it('clamp to the nearest allowed value', () => {
    expect(clampNumberSetting(maxAttempts, 0)).toBe(1);
    expect(clampNumberSetting(maxAttempts, 99.9)).toBe(50);
    expect(clampNumberSetting(maxAttempts, 4.7)).toBe(4);
    expect(clampNumberSetting(temperature, 0.7)).toBe(0.7);
    expect(clampNumberSetting(temperature, -3)).toBe(0);
  });

  it('describe their bounds in words', () => {
    expect(describeNumberSetting(maxAttempts)).toBe('a whole number (1 to 50)');
    expect(describeNumberSetting(executionTimeout)).toBe('a number of seconds (0 or more)');
    expect(describeNumberSetting(SETTING_DEFINITIONS.outputBudget)).toBe('a whole number (100 or more)');
  });
});
