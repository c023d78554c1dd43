// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import {
  describeNumberSetting,
  isValidNumberSetting,
  type IChoiceSettingDefinition,
  type INumberSettingDefinition
} from '../agent/settingDefinitions';
import { UsageError } from './commonOptions';

/**
 * A command-line option that sets a number setting, checked against the setting's definition
 * (src/agent/settingDefinitions.ts), the same bounds as the sidebar's settings.
 *
 * @param name - the option, for the message (`--max-attempts`).
 * @param text - its value as given; `undefined` when omitted.
 * @param definition - the setting it sets.
 * @returns the number, or the setting's default when omitted.
 * @throws {UsageError} when it is not a number within the setting's bounds, naming the option
 * and the bounds.
 */
export function parseSettingOption(
  name: string,
  text: string | undefined,
  definition: INumberSettingDefinition
): number {
  if (text === undefined) {
    return definition.default;
  }
  const value = text.trim() === '' ? NaN : Number(text);
  if (!isValidNumberSetting(definition, value)) {
    throw new UsageError(`${name} must be ${describeNumberSetting(definition)}, not "${text}"`);
  }
  return value;
}

/**
 * A number setting's default and bounds, for an option's help.
 *
 * @param definition - the setting.
 * @returns e.g. `default 3; 1 to 50`.
 */
export function settingHelp(definition: INumberSettingDefinition): string {
  const range =
    definition.maximum === undefined
      ? `at least ${definition.minimum}`
      : `${definition.minimum} to ${definition.maximum}`;
  return `default ${definition.default}; ${range}`;
}

/**
 * A command-line option that sets a choice setting, checked against the setting's names.
 *
 * @param name - the option, for the message (`--protocol`).
 * @param text - its value as given; `undefined` when omitted.
 * @param definition - the setting it sets.
 * @returns the name, or the setting's default when omitted.
 * @throws {UsageError} when it is none of the setting's names, naming the option and them.
 */
export function parseChoiceOption<T extends string>(
  name: string,
  text: string | undefined,
  definition: IChoiceSettingDefinition<T>
): T {
  if (text === undefined) {
    return definition.default;
  }
  const found = definition.enum.find(choice => choice === text);
  if (found === undefined) {
    const names = definition.enum;
    const listed = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0];
    throw new UsageError(`${name} must be ${listed}, not "${text}"`);
  }
  return found;
}
