// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * What the model asked the agent to do, whichever protocol it spoke. `answerLines` are lines such
 * as `@mean[7.5]` taken off the end of the code the model sent: answer lines of a format the
 * prompt asked for, which are not Python (the agent runs the code without them and says so).
 */
export type ModelAction =
  | { kind: 'execute'; code: string; toolCallId?: string; answerLines?: string[] }
  | { kind: 'edit'; cellId: string; code: string; toolCallId?: string; answerLines?: string[] }
  | { kind: 'markdown'; text: string; toolCallId?: string }
  | { kind: 'repeat'; code: string; toolCallId?: string }
  | { kind: 'invalid'; toolCallId: string; toolName: string; error: string };
