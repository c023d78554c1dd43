import { SETTING_DEFINITIONS } from '../../src/agent/settingDefinitions';
import { UsageError } from '../../src/cli/commonOptions';
import { parseChoiceOption, parseSettingOption, settingHelp } from '../../src/cli/settingOptions';

describe('parseSettingOption', () => {
  it("gives the setting's default when the option is omitted, and the value within bounds", () => {
    expect(parseSettingOption('--max-attempts', undefined, SETTING_DEFINITIONS.maxAttempts)).toBe(3);
    expect(parseSettingOption('--max-attempts', '50', SETTING_DEFINITIONS.maxAttempts)).toBe(50);
    expect(parseSettingOption('--timeout', '0.5', SETTING_DEFINITIONS.executionTimeout)).toBe(0.5);
  });

  it.each([
    [
      '--max-attempts',
      '51',
      SETTING_DEFINITIONS.maxAttempts,
      '--max-attempts must be a whole number (1 to 50), not "51"'
    ],
    [
      '--output-budget',
      '99',
      SETTING_DEFINITIONS.outputBudget,
      '--output-budget must be a whole number (100 or more), not "99"'
    ],
    [
      '--timeout',
      '',
      SETTING_DEFINITIONS.executionTimeout,
      '--timeout must be a number of seconds (0 or more), not ""'
    ],
    [
      '--retry-temperature',
      '2.5',
      SETTING_DEFINITIONS.temperature,
      '--retry-temperature must be a number (0 to 2), not "2.5"'
    ]
  ])('refuses %s %s, naming the option and its bounds', (name, text, definition, message) => {
    expect(() => parseSettingOption(name, text, definition)).toThrow(new UsageError(message));
  });

  it('says the default and bounds in the help', () => {
    expect(settingHelp(SETTING_DEFINITIONS.maxAttempts)).toBe('default 3; 1 to 50');
    expect(settingHelp(SETTING_DEFINITIONS.outputBudget)).toBe('default 1500; at least 100');
  });
});

describe('parseChoiceOption', () => {
  it("gives the default, a listed name, or an error listing the setting's names", () => {
    expect(parseChoiceOption('--protocol', undefined, SETTING_DEFINITIONS.protocol)).toBe('auto');
    expect(parseChoiceOption('--protocol', 'text', SETTING_DEFINITIONS.protocol)).toBe('text');
    expect(() => parseChoiceOption('--protocol', 'Text', SETTING_DEFINITIONS.protocol)).toThrow(
      new UsageError('--protocol must be auto, tools or text, not "Text"')
    );
  });
});
