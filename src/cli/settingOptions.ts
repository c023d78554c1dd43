// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import {
  describeNumberSetting,
  isValidNumberSetting,
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
