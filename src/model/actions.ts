// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * What the model asked the agent to do, whichever protocol it spoke.
 */
export type ModelAction =
  | { kind: 'execute'; code: string; toolCallId?: string }
  | { kind: 'edit'; cellId: string; code: string; toolCallId?: string }
  | { kind: 'markdown'; text: string; toolCallId?: string }
  | { kind: 'repeat'; code: string; toolCallId?: string }
  | { kind: 'invalid'; toolCallId: string; toolName: string; error: string };
