// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ITurnRecord } from '../conversation/conversationRecord';
import { renderKernelState } from '../feedback/kernelStateText';
import type { ITokenCounter } from '../feedback/tokenCounter';
import { MAX_MENTIONS, type KernelInspection } from '../kernel/namespaceInspector';
import type { INotebookTarget } from '../notebook/notebookTarget';
import {
  describeAttachedCells,
  readAttachedCells,
  type IAttachedCell,
  type IAttachedCellsOptions
} from './attachedCells';
import type { AgentEvent } from './events';
import { namedDataFiles } from './grounding';
import { findMentions, renderMentions } from './mentions';
import { columnSources, missingColumnNote, type IColumnSource } from './missingColumn';
import { NotebookContext } from './notebookContext';
import type { IAgentProtocol } from './protocols/protocol';
import type { TurnState } from './turnState';

/**
 * What the kernel told the agent of itself, as far as the cell runner needs it.
 */
export interface IKernelFacts {
  /**
   * The kernel's working folder, shown when a cell asks for approval.
   */
  readonly kernelFolder: string | undefined;

  /**
   * The data packages the kernel has, named when an import fails.
   */
  readonly installedPackages: string[] | undefined;
}

/**
 * The notes that go before a user's prompt: turns the user undid, the notebook as it is, the
 * kernel's state and what the prompt mentions with `@` (or names as data files).
 *
 * They go with the prompt rather than into the system prompt, so that every request begins with
 * the same bytes and a server's prompt cache is hit; the notebook and kernel notes are left out
 * when they are the same as the last ones sent.
 */
export class TurnNotes implements IKernelFacts {
  /**
   * Construct the notes of an agent's turns.
   *
   * @param options - the notebook, the budgets and where warnings go.
   */
  constructor(options: TurnNotes.IOptions) {
    this._options = options;
    this._notebookContext = new NotebookContext(options.counter);
  }

  /**
   * The kernel's working folder as its last inspection found it.
   */
  get kernelFolder(): string | undefined {
    return this._kernelFolder;
  }

  /**
   * The data packages the kernel had at its last inspection that listed them.
   */
  get installedPackages(): string[] | undefined {
    return this._installedPackages;
  }

  /**
   * Write the notes of a new turn, inspecting the kernel on the way.
   *
   * @param prompt - what the user asks.
   * @param turns - the conversation's turns so far (those undone are told once).
   * @param request - the cells the person pointed at and the kind of help asked.
   * @param protocol - the protocol in use, whose words the attached cells' instructions are in.
   * @returns the notes (empty for none), the kernel's inspection, if it answered, and the
   * attached cells.
   * @throws {CellNotFoundError} when an attached cell is no longer in the notebook.
   */
  async write(
    prompt: string,
    turns: readonly ITurnRecord[],
    request?: TurnState.IRequest,
    protocol?: IAgentProtocol
  ): Promise<TurnNotes.INotes> {
    const { kernelStateTokens, mentionTokens, counter, target } = this._options;
    // Read first: a cell the person pointed at that is gone ends the turn before anything else.
    const attached = readAttachedCells(target, request?.attachments ?? [], this._attachedOptions());
    // Data files the prompt or the pointed-at code names are described as `@` mentions are, as
    // part of the kernel's state: the model reads their delimiter, columns and first rows instead
    // of guessing them (a cell that failed on a column name is fixed only with the real ones).
    const attachedCode = attached.filter(cell => cell.cellType === 'code').map(cell => cell.source);
    const named = kernelStateTokens > 0 ? namedDataFiles([prompt, ...attachedCode].join('\n')) : [];
    const mentions = [...new Set([...findMentions(prompt), ...named])].slice(0, MAX_MENTIONS);
    const inspection = await this._inspectKernel(mentions);
    if (inspection?.kind === 'namespace') {
      this._kernelFolder = inspection.namespace.cwd;
    }
    if (inspection?.kind === 'namespace' && inspection.namespace.packages) {
      this._installedPackages = inspection.namespace.packages;
    }
    const mentioned = inspection?.kind === 'namespace' ? (inspection.namespace.mentioned ?? []) : [];
    const mentionNote = renderMentions(mentions, mentioned, target.cells(), { budgetTokens: mentionTokens, counter });
    const tables = inspection?.kind === 'namespace' ? columnSources(inspection.namespace) : [];
    const attachedNote = this._attachedNote(attached, request, protocol, tables);
    const text = [
      Private.undoNote(turns),
      this._notebookNote(),
      this._kernelNote(inspection),
      mentionNote,
      attachedNote
    ]
      .filter(Boolean)
      .join('\n\n');
    return { text, inspection, attached };
  }

  /**
   * The attached cells and what the model is to do with them, last before the prompt; after a
   * cell that failed on a missing key, the kernel's frames and their columns.
   */
  private _attachedNote(
    attached: IAttachedCell[],
    request: TurnState.IRequest | undefined,
    protocol: IAgentProtocol | undefined,
    tables: readonly IColumnSource[]
  ): string | undefined {
    if (!attached.length) {
      return undefined;
    }
    const description = [
      describeAttachedCells(attached, this._attachedOptions()),
      Private.keyErrorNote(attached, tables)
    ]
      .filter(Boolean)
      .join('\n');
    if (!protocol || !request) {
      return description;
    }
    // A revision lands in a code cell: the instructions name the first attached one, and a turn
    // that points only at markdown gets none (its code goes into new cells as usual).
    const firstCode = attached.find(cell => cell.cellType === 'code');
    if (request.intent !== 'explain' && !firstCode) {
      return description;
    }
    const named = firstCode ? [firstCode, ...attached.filter(cell => cell !== firstCode)] : attached;
    return `${description}\n\n${protocol.attachedCellsInstructions(request.intent, named)}`;
  }

  private _attachedOptions(): IAttachedCellsOptions {
    const { notebookContextTokens, outputBudgetTokens, counter } = this._options;
    // The person pointed at these cells: their source is shown even when the notebook's is not.
    return { sourceBudgetTokens: Math.max(notebookContextTokens, outputBudgetTokens), outputBudgetTokens, counter };
  }

  /**
   * What the model is told of the notebook (the user may have changed it since the last turn).
   */
  private _notebookNote(): string | undefined {
    const { target, notebookContextTokens } = this._options;
    const notebook = this._notebookContext.describe(target.cells(), notebookContextTokens);
    if (!notebook || notebook === this._lastNotebookNote) {
      return undefined;
    }
    this._lastNotebookNote = notebook;
    return `The notebook as it is now (latest cells last):\n${notebook}`;
  }

  /**
   * Ask the kernel for its state (when the model is shown it) and for what the user mentioned.
   * A failure is a warning, never the end of the turn.
   */
  private async _inspectKernel(mentions: string[]): Promise<KernelInspection | undefined> {
    if (this._options.kernelStateTokens <= 0 && !mentions.length) {
      return undefined;
    }
    try {
      return await this._options.target.inspectKernel({
        timeoutMs: mentions.length ? Private.MENTION_INSPECTION_TIMEOUT_MS : Private.KERNEL_INSPECTION_TIMEOUT_MS,
        mentions
      });
    } catch (error) {
      this._options.emit({
        type: 'warning',
        message: `The kernel could not be inspected: ${(error as Error).message}`
      });
      return undefined;
    }
  }

  /**
   * What the model is told of the kernel's variables: the user may have defined or changed some
   * since the last turn, in cells the model never saw run.
   */
  private _kernelNote(inspection: KernelInspection | undefined): string | undefined {
    const { kernelStateTokens: budgetTokens, counter } = this._options;
    if (budgetTokens <= 0 || !inspection) {
      return undefined;
    }
    const heading = "The kernel's state now (variables from all cells that ran):";
    // The budget covers the heading and the blank line that parts it from the prompt.
    const room = budgetTokens - counter.count(heading) - 2;
    const state = renderKernelState(inspection, { budgetTokens: room, counter });
    if (!state || state === this._lastKernelNote) {
      return undefined;
    }
    this._lastKernelNote = state;
    return `${heading}\n${state}`;
  }

  private _options: TurnNotes.IOptions;
  private _notebookContext: NotebookContext;
  private _kernelFolder: string | undefined;
  private _installedPackages: string[] | undefined;
  private _lastNotebookNote: string | undefined;
  private _lastKernelNote: string | undefined;
}

/**
 * The namespace for `TurnNotes` statics.
 */
export namespace TurnNotes {
  /**
   * What the notes are written from.
   */
  export interface IOptions {
    /**
     * The notebook (and its kernel).
     */
    target: INotebookTarget;

    /**
     * Counts tokens for the budgets.
     */
    counter: ITokenCounter;

    /**
     * Tokens of the notebook's latest cells; 0 for none.
     */
    notebookContextTokens: number;

    /**
     * Tokens of the kernel's state; 0 for none (and no look at data files the prompt names).
     */
    kernelStateTokens: number;

    /**
     * Tokens of what the prompt mentions, shared between the mentions.
     */
    mentionTokens: number;

    /**
     * Tokens of one cell's outputs (those of each attached cell).
     */
    outputBudgetTokens: number;

    /**
     * Where warnings go.
     */
    emit: (event: AgentEvent) => void;
  }

  /**
   * The notes of a turn.
   */
  export interface INotes {
    /**
     * The notes' text, empty when there are none.
     */
    text: string;

    /**
     * What the kernel said of itself, if it was inspected.
     */
    inspection: KernelInspection | undefined;

    /**
     * The cells the person pointed at, as the notes described them.
     */
    attached: IAttachedCell[];
  }

  /**
   * The names a question may be about: the kernel's variables and the files of its folder.
   *
   * @param inspection - the kernel's inspection, if any.
   * @returns the names.
   */
  export function knownNames(inspection: KernelInspection | undefined): string[] {
    if (inspection?.kind !== 'namespace') {
      return [];
    }
    const { variables, files } = inspection.namespace;
    return [...variables.map(variable => variable.name), ...files.map(([name]) => name)];
  }
}

namespace Private {
  /**
   * The note on a missing column for the first attached code cell whose traceback ends in a
   * `KeyError` (the person's cell failed before the turn; `missingColumnNote`).
   */
  export function keyErrorNote(attached: IAttachedCell[], tables: readonly IColumnSource[]): string | undefined {
    for (const cell of attached) {
      if (cell.error?.ename === 'KeyError') {
        return missingColumnNote(cell.error.evalue, tables);
      }
    }
    return undefined;
  }

  /**
   * How long a turn waits for the kernel to describe its namespace before going on without it.
   */
  export const KERNEL_INSPECTION_TIMEOUT_MS = 2000;

  /**
   * The same with mentions, whose fuller descriptions (a frame's `describe()`) take longer.
   */
  export const MENTION_INSPECTION_TIMEOUT_MS = 5000;

  /**
   * What the model must know of turns the user undid since it last answered: their cells are gone
   * or back to what they were, though the kernel may still hold what they defined. Each undone
   * turn is told once.
   */
  export function undoNote(turns: readonly ITurnRecord[]): string | undefined {
    const undone = turns
      .map((turn, index) => ({ turn, number: index + 1 }))
      .filter(({ turn }) => turn.undoneAt && !turn.undoToldToModel);
    if (!undone.length) {
      return undefined;
    }
    for (const { turn } of undone) {
      turn.undoToldToModel = true;
    }
    const which = undone.map(({ number }) => number).join(', ');
    return `(Note: the user undid what you did in request ${which}: the cells you added then were deleted and the cells you edited have their earlier source again. Variables those cells defined may still be in the kernel.)`;
  }
}
