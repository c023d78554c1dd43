// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

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
export type ApprovalPolicy = 'never' | 'always' | 'risky';

/**
 * Whether images from cell outputs go to the model: `auto` decides from the model's name.
 */
export type VisionSetting = 'auto' | 'on' | 'off';

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
}

/**
 * The defaults, as in schema/plugin.json.
 */
export const DEFAULT_SETTINGS: Readonly<ICodeInterpreterSettings> = Object.freeze({
  model: '',
  protocol: 'auto',
  maxAttempts: 3,
  executionTimeout: 60,
  approval: 'risky',
  vision: 'auto',
  outputBudget: 1500,
  temperature: 0,
  contextWindow: 0
});

/**
 * Read the settings from the setting registry's composite value, keeping the default for any
 * value that is missing or of the wrong type (the registry validates, but a hand-edited
 * override may not be).
 *
 * @param composite - the plugin's composite settings.
 * @returns the settings.
 */
export function readSettings(composite: Readonly<Record<string, unknown>>): ICodeInterpreterSettings {
  const pick = <T>(key: keyof ICodeInterpreterSettings, valid: (value: unknown) => value is T): T =>
    valid(composite[key]) ? composite[key] : (DEFAULT_SETTINGS[key] as T);
  const isString = (value: unknown): value is string => typeof value === 'string';
  const isCount = (value: unknown): value is number =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0;
  const oneOf =
    <T extends string>(...options: T[]) =>
    (value: unknown): value is T =>
      typeof value === 'string' && (options as string[]).includes(value);
  return {
    model: pick('model', isString).trim(),
    protocol: pick('protocol', oneOf<ModelProtocol | 'auto'>('auto', 'tools', 'text')),
    maxAttempts: Math.max(1, Math.floor(pick('maxAttempts', isCount))),
    executionTimeout: pick('executionTimeout', isCount),
    approval: pick('approval', oneOf<ApprovalPolicy>('never', 'always', 'risky')),
    vision: pick('vision', oneOf<VisionSetting>('auto', 'on', 'off')),
    outputBudget: Math.floor(pick('outputBudget', isCount)),
    temperature: Math.min(2, pick('temperature', isCount)),
    contextWindow: Math.floor(pick('contextWindow', isCount))
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
