// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { NotebookPanel } from '@jupyterlab/notebook';
import { JSONExt, type PartialJSONObject, type PartialJSONValue } from '@lumino/coreutils';

import { CONVERSATION_METADATA_KEY, type IConversationRecord } from '../conversation/conversationRecord';

/**
 * What a notebook's metadata holds under `code_interpreter`, unchecked (a copy): the agent and
 * the sidebar check it (`checkSavedConversation`) before using it.
 *
 * @param panel - the notebook.
 * @returns the stored value, or `undefined`.
 */
export function loadConversationMetadata(panel: NotebookPanel): unknown {
  const value: unknown = panel.model?.getMetadata(CONVERSATION_METADATA_KEY);
  return value === undefined ? undefined : JSONExt.deepCopy(value as PartialJSONValue);
}

/**
 * Store the conversation in a notebook's metadata and save the notebook, so that reopening it
 * shows the conversation.
 *
 * With real-time collaboration the metadata is part of the shared document, which the
 * collaboration server writes to disk by itself shortly after each change: the notebook is not
 * saved from here. A save request would only race the server's own save of this very change
 * (jupyter-collaboration 5.0 leaves a save request unanswered when a change reaches the server
 * just after it, and the turn would wait for the answer forever).
 *
 * @param panel - the notebook.
 * @param record - the conversation.
 * @throws when the notebook is not loaded.
 */
export async function saveConversationMetadata(panel: NotebookPanel, record: IConversationRecord): Promise<void> {
  const model = panel.model;
  if (!model) {
    throw new Error('The notebook is not loaded.');
  }
  model.setMetadata(CONVERSATION_METADATA_KEY, JSONExt.deepCopy(record as unknown as PartialJSONObject));
  if (!model.collaborative && !panel.isDisposed && !panel.context.isDisposed) {
    await panel.context.save();
  }
}
