// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import {
  SETTING_DEFINITIONS,
  clampNumberSetting,
  type IChoiceSettingDefinition,
  type INumberSettingDefinition
} from '../agent/settingDefinitions';
import type { ReviewRevisions } from '../agent/revisionReview';
import type { ModelProtocol } from '../conversation/conversationRecord';

/**
 * When the agent asks before it runs a cell.
 *
 * - `never`: it runs everything.
 * - `always`: it asks before every execution.
 * - `risky`: it asks unless the code is plainly data work (the allowlist of `findRisks` in
 *   src/agent/riskyCode.ts): installs, shell commands, writes, the network, the environment,
 *   dynamic code, magics, reads outside the notebook's folder and code that does not parse ask.
 */
export type ApprovalPolicy = (typeof SETTING_DEFINITIONS.approval.enum)[number];

/**
 * How hard the agent works for an answer (docs/effort.md).
 */
export type Effort = (typeof SETTING_DEFINITIONS.effort.enum)[number];

/**
 * Whether images from cell outputs go to the model: `auto` decides from the model's name.
 */
export type VisionSetting = (typeof SETTING_DEFINITIONS.vision.enum)[number];

/**
 * The user settings of the code interpreter (schema/plugin.json), with their defaults applied.
 */
export interface ICodeInterpreterSettings {
  /**
   * The model name; empty to use the server's configured model.
   */
  model: string;

  /**
   * The wire protocol with the model.
   */
  protocol: ModelProtocol | 'auto';

  /**
   * Executions allowed per turn.
   */
  maxAttempts: number;

  /**
   * Time limit of one cell in seconds; 0 for none.
   */
  executionTimeout: number;

  /**
   * When to ask before running a cell.
   */
  approval: ApprovalPolicy;

  /**
   * Whether a revision of the person's own cell waits for their Accept or Reject.
   */
  reviewRevisions: ReviewRevisions;

  /**
   * Whether the model sees images.
   */
  vision: VisionSetting;

  /**
   * Tokens of one execution's feedback.
   */
  outputBudget: number;

  /**
   * Sampling temperature (0: greedy, the same answer to the same request).
   */
  temperature: number;

  /**
   * The model's context window in tokens, for endpoints that do not say (0: ask the endpoint).
   */
  contextWindow: number;

  /**
   * `fast`: one answer. `thorough`: candidates in kernels of their own, one chosen by agreement.
   */
  effort: Effort;

  /**
   * The thorough effort's number of candidates.
   */
  candidates: number;
}

/**
 * The defaults (src/agent/settingDefinitions.ts, as schema/plugin.json states them).
 */
export const DEFAULT_SETTINGS: Readonly<ICodeInterpreterSettings> = Object.freeze({
  model: SETTING_DEFINITIONS.model.default,
  protocol: SETTING_DEFINITIONS.protocol.default,
  maxAttempts: SETTING_DEFINITIONS.maxAttempts.default,
  executionTimeout: SETTING_DEFINITIONS.executionTimeout.default,
  approval: SETTING_DEFINITIONS.approval.default,
  reviewRevisions: SETTING_DEFINITIONS.reviewRevisions.default,
  vision: SETTING_DEFINITIONS.vision.default,
  outputBudget: SETTING_DEFINITIONS.outputBudget.default,
  temperature: SETTING_DEFINITIONS.temperature.default,
  contextWindow: SETTING_DEFINITIONS.contextWindow.default,
  effort: SETTING_DEFINITIONS.effort.default,
  candidates: SETTING_DEFINITIONS.candidates.default
});

/**
 * Read the settings from the setting registry's composite value. The registry validates it
 * against the schema, but a hand-edited override may not be valid: a value of the wrong type or
 * a negative number gives way to the default, another number out of bounds to the nearest bound.
 *
 * @param composite - the plugin's composite settings.
 * @returns the settings.
 */
export function readSettings(composite: Readonly<Record<string, unknown>>): ICodeInterpreterSettings {
  const text = (key: 'model'): string => {
    const value = composite[key];
    return typeof value === 'string' ? value : SETTING_DEFINITIONS[key].default;
  };
  const choice = <T extends string>(
    key: keyof ICodeInterpreterSettings,
    definition: IChoiceSettingDefinition<T>
  ): T => {
    const value = composite[key];
    return typeof value === 'string' && (definition.enum as readonly string[]).includes(value)
      ? (value as T)
      : definition.default;
  };
  const number = (key: keyof ICodeInterpreterSettings, definition: INumberSettingDefinition): number => {
    const value = composite[key];
    // A negative number is no count at all (a negative timeout is not "no limit"): the default.
    return typeof value === 'number' && Number.isFinite(value) && value >= 0
      ? clampNumberSetting(definition, value)
      : definition.default;
  };
  return {
    model: text('model').trim(),
    protocol: choice<ModelProtocol | 'auto'>('protocol', SETTING_DEFINITIONS.protocol),
    maxAttempts: number('maxAttempts', SETTING_DEFINITIONS.maxAttempts),
    executionTimeout: number('executionTimeout', SETTING_DEFINITIONS.executionTimeout),
    approval: choice<ApprovalPolicy>('approval', SETTING_DEFINITIONS.approval),
    reviewRevisions: choice<ReviewRevisions>('reviewRevisions', SETTING_DEFINITIONS.reviewRevisions),
    vision: choice<VisionSetting>('vision', SETTING_DEFINITIONS.vision),
    outputBudget: number('outputBudget', SETTING_DEFINITIONS.outputBudget),
    temperature: number('temperature', SETTING_DEFINITIONS.temperature),
    contextWindow: number('contextWindow', SETTING_DEFINITIONS.contextWindow),
    effort: choice<Effort>('effort', SETTING_DEFINITIONS.effort),
    candidates: number('candidates', SETTING_DEFINITIONS.candidates)
  };
}

/**
 * Whether the model should be shown images.
 *
 * @param setting - the vision setting.
 * @param model - the model's name (`auto` guesses from it).
 * @returns `true` when images go to the model.
 */
export function resolveVision(setting: VisionSetting, model: string): boolean {
  if (setting !== 'auto') {
    return setting === 'on';
  }
  // Families known to accept image inputs through the chat completions API.
  return /gpt-4o|gpt-4\.1|gpt-4-turbo|gpt-5|\bo[134]\b|o[134]-|vision|-vl\b|vl-|llava|pixtral|gemini|claude|gemma-?3|qwen2\.5-vl|minicpm-v|moondream|llama-?3\.2-vision|llama-?4/i.test(
    model
  );
}
