// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * A number setting: its default and bounds, as schema/plugin.json states them.
 */
export interface INumberSettingDefinition {
  /**
   * `integer` for whole numbers.
   */
  readonly type: 'integer' | 'number';

  /**
   * The value when none is given.
   */
  readonly default: number;

  /**
   * The least value allowed.
   */
  readonly minimum: number;

  /**
   * The greatest value allowed; none when absent.
   */
  readonly maximum?: number;

  /**
   * What the number counts, for messages (`seconds`); plain numbers say nothing.
   */
  readonly unit?: string;
}

/**
 * A setting that is one of a few names.
 */
export interface IChoiceSettingDefinition<T extends string = string> {
  readonly type: 'string';

  /**
   * The names allowed.
   */
  readonly enum: readonly T[];

  /**
   * The name when none is given.
   */
  readonly default: T;
}

/**
 * A free text setting.
 */
export interface ITextSettingDefinition {
  readonly type: 'string';

  /**
   * The text when none is given.
   */
  readonly default: string;
}

/**
 * Any setting's definition.
 */
export type SettingDefinition = INumberSettingDefinition | IChoiceSettingDefinition | ITextSettingDefinition;

/**
 * The code interpreter's user settings: the one place their defaults and bounds are written.
 * schema/plugin.json states the same for JupyterLab's settings editor (its titles and
 * descriptions are for people; a test checks that both agree), the sidebar falls back to these
 * defaults (src/lab/settings.ts), the command line checks its options against these bounds
 * (src/cli/settingOptions.ts), and the agent and the harness take these defaults.
 *
 * A new setting goes here and in schema/plugin.json, then wherever it is used.
 */
export const SETTING_DEFINITIONS = {
  model: { type: 'string', default: '' },
  protocol: { type: 'string', enum: ['auto', 'tools', 'text'], default: 'auto' },
  maxAttempts: { type: 'integer', default: 3, minimum: 1, maximum: 50 },
  executionTimeout: { type: 'number', default: 60, minimum: 0, unit: 'seconds' },
  approval: { type: 'string', enum: ['never', 'always', 'risky'], default: 'risky' },
  reviewRevisions: { type: 'string', enum: ['mine', 'never'], default: 'mine' },
  vision: { type: 'string', enum: ['auto', 'on', 'off'], default: 'auto' },
  outputBudget: { type: 'integer', default: 1500, minimum: 100 },
  temperature: { type: 'number', default: 0, minimum: 0, maximum: 2 },
  contextWindow: { type: 'integer', default: 0, minimum: 0 },
  effort: { type: 'string', enum: ['fast', 'thorough'], default: 'fast' },
  candidates: { type: 'integer', default: 3, minimum: 1, maximum: 20 }
} as const satisfies Record<string, SettingDefinition>;

/**
 * The name of a user setting.
 */
export type SettingName = keyof typeof SETTING_DEFINITIONS;

/**
 * The agent's budgets that no user setting exposes but more than one caller sets: their defaults
 * and bounds (the agent's other budgets are defaulted in `Agent` alone).
 */
/**
 * The thorough effort's sampling (docs/effort.md): options of the command line, fixed in the
 * sidebar, where a run is reproducible with the same candidates as from the command line.
 */
export const THOROUGH_SAMPLING_DEFINITIONS = {
  // Above 0: greedy candidates of the same prompt would all be the same answer.
  candidateTemperature: { type: 'number', default: 0.8, minimum: 0, maximum: 2 },
  seed: { type: 'integer', default: 1, minimum: 0 }
} as const satisfies Record<string, INumberSettingDefinition>;

export const AGENT_BUDGET_DEFINITIONS = {
  /**
   * Tokens of the kernel's state shown at the start of a turn (`Agent.IOptions.kernelStateTokens`).
   */
  kernelStateTokens: { type: 'integer', default: 600, minimum: 0 }
} as const satisfies Record<string, INumberSettingDefinition>;

/**
 * The bounds of a number setting in words, for messages.
 *
 * @param definition - the setting's definition.
 * @returns e.g. `a whole number (1 to 50)`, `a number of seconds (0 or more)`.
 */
export function describeNumberSetting(definition: INumberSettingDefinition): string {
  const kind = definition.type === 'integer' ? 'a whole number' : 'a number';
  const unit = definition.unit ? ` of ${definition.unit}` : '';
  const range =
    definition.maximum === undefined
      ? `${definition.minimum} or more`
      : `${definition.minimum} to ${definition.maximum}`;
  return `${kind}${unit} (${range})`;
}

/**
 * Whether a value is allowed for a number setting: finite, whole when it must be, within bounds.
 *
 * @param definition - the setting's definition.
 * @param value - the value.
 * @returns `true` when it is allowed.
 */
export function isValidNumberSetting(definition: INumberSettingDefinition, value: number): boolean {
  return (
    Number.isFinite(value) &&
    (definition.type !== 'integer' || Number.isInteger(value)) &&
    value >= definition.minimum &&
    (definition.maximum === undefined || value <= definition.maximum)
  );
}

/**
 * The nearest allowed value of a number setting: whole when it must be, within bounds.
 *
 * @param definition - the setting's definition.
 * @param value - a finite number.
 * @returns the value rounded down and clamped to the bounds.
 */
export function clampNumberSetting(definition: INumberSettingDefinition, value: number): number {
  const whole = definition.type === 'integer' ? Math.floor(value) : value;
  return Math.min(definition.maximum ?? Infinity, Math.max(definition.minimum, whole));
}
