// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ModelProtocol } from '../conversation/conversationRecord';

/**
 * What is known of how a family of models does with each protocol, measured by the real-model
 * suite (bench/realModelSuite.ts; figures in bench/RESULTS.md).
 */
export interface IModelProfile {
  /**
   * Model ids of the family, as endpoints name them (case is ignored).
   */
  pattern: RegExp;

  /**
   * The protocol `auto` starts in for these models.
   */
  protocol: ModelProtocol;

  /**
   * Why, in one line: the measurement behind the choice.
   */
  reason: string;
}

/**
 * The catalog: models whose best protocol was measured. A model not listed starts `auto` in the
 * tools protocol, with its fallbacks (to text when the endpoint refuses tools, or when the model
 * answers with code blocks instead of calls).
 */
export const MODEL_CATALOG: readonly IModelProfile[] = [
  {
    // The embedded models, and the same weights served by Ollama (`qwen2.5-coder:1.5b`), vLLM or
    // llama.cpp. `local` is the name the extension's proxy serves its embedded model under.
    pattern: /^(local|qwen2\.5-coder[-:](0\.5b|1\.5b|3b)(-instruct)?([-.:].*)?)$/i,
    protocol: 'text',
    reason:
      'Small Qwen2.5-Coder models write tool calls into their text (often malformed) and code blocks without calls; fenced blocks are what they were trained on.'
  }
];

/**
 * The protocol `auto` starts in for a model.
 *
 * @param model - the model id the requests name (empty when the server chooses).
 * @returns the catalog's protocol and why, or `undefined` when the model is not in the catalog.
 */
export function cataloguedProtocol(model: string): IModelProfile | undefined {
  const id = model.trim();
  return id ? MODEL_CATALOG.find(profile => profile.pattern.test(id)) : undefined;
}
