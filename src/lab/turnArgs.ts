// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { PartialJSONObject, ReadonlyPartialJSONObject } from '@lumino/coreutils';

import type { ICellAttachment, TurnIntent } from '../agent/turnRequest';

/**
 * What a turn asked through `code-interpreter:ask` carries besides its prompt, read from the
 * command's JSON arguments.
 */
export interface ITurnArgs {
  /**
   * The attached cells; empty when none (or none well formed) were given.
   */
  attachments: ICellAttachment[];

  /**
   * The kind of help asked; `code` when absent or unknown.
   */
  intent: TurnIntent;
}

/**
 * Read the attachments and the intent of a command's arguments. Commands are run by other
 * extensions and scripts too, so anything malformed is left out rather than trusted.
 *
 * @param args - the command's arguments (`attachments`, `intent`).
 * @returns the well-formed attachments and the intent.
 */
export function readTurnArgs(args: ReadonlyPartialJSONObject): ITurnArgs {
  const attachments: ICellAttachment[] = [];
  const given = Array.isArray(args.attachments) ? args.attachments : [];
  for (const item of given) {
    const attachment = Private.attachment(item);
    if (attachment && !attachments.some(known => known.cellId === attachment.cellId)) {
      attachments.push(attachment);
    }
  }
  const intent = Private.INTENTS.find(known => known === args.intent) ?? 'code';
  return { attachments, intent };
}

/**
 * Attachments as JSON command arguments (the inverse of `readTurnArgs`).
 *
 * @param attachments - the attached cells.
 * @returns plain JSON objects.
 */
export function attachmentsToArgs(attachments: readonly ICellAttachment[]): PartialJSONObject[] {
  return attachments.map(({ cellId, selection }) =>
    selection ? { cellId, selection: { from: selection.from, to: selection.to, text: selection.text } } : { cellId }
  );
}

namespace Private {
  export const INTENTS: readonly TurnIntent[] = ['code', 'fix', 'explain'];

  /**
   * One attachment, when the value is one.
   */
  export function attachment(value: unknown): ICellAttachment | null {
    if (!isObject(value) || typeof value.cellId !== 'string' || !value.cellId) {
      return null;
    }
    const selection = value.selection;
    if (
      isObject(selection) &&
      typeof selection.from === 'number' &&
      typeof selection.to === 'number' &&
      typeof selection.text === 'string' &&
      selection.from >= 0 &&
      selection.to > selection.from
    ) {
      return { cellId: value.cellId, selection: { from: selection.from, to: selection.to, text: selection.text } };
    }
    return { cellId: value.cellId };
  }

  function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}
