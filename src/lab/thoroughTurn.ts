// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { PathExt, URLExt } from '@jupyterlab/coreutils';
import type * as nbformat from '@jupyterlab/nbformat';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';

import type { Agent } from '../agent/agent';
import type { ApprovalHook } from '../agent/approval';
import { CandidateTurns, type CandidateEvent } from '../agent/candidateTurns';
import type { AgentEvent } from '../agent/events';
import { findRisks } from '../agent/riskyCode';
import type { ITurnOptions } from '../agent/turnRequest';
import type { IConversationRecord, TurnOutcome } from '../conversation/conversationRecord';
import { HeadlessNotebook } from '../notebook/headlessNotebook';
import type { LiveNotebookTarget } from './liveNotebookTarget';
import type { ApprovalPolicy } from './settings';

/**
 * A turn of the thorough effort in the sidebar (docs/effort.md, "In the sidebar"): after one
 * approval of the set, K candidate turns run one after the other, each in a new kernel of the
 * notebook's kernel spec working in a copy of the notebook's folder made by the server, each
 * starting from the notebook's cells and conversation and sampled with its own seed; the answer
 * most of them agree on is chosen, and its cells are written into the person's notebook and run
 * in their kernel through their approval policy. Stop stops the candidate under way and starts
 * no other; the candidates' kernels are shut down and their copies removed at the end.
 *
 * @param options - the prompt, the notebook, the candidates' options and where progress goes.
 * @returns how the turn ended: the chosen candidate's outcome, unless its cells failed, were
 *   skipped or were stopped in the person's kernel; `gave-up` with the reason when the server
 *   would not copy the folder or a candidate's kernel would not start.
 */
export async function runThoroughTurn(options: ThoroughTurn.IOptions): Promise<Agent.ITurnResult> {
  const { panel, signal, candidates } = options;
  const started = Date.now();
  const record = options.savedConversation === 'continue' ? options.target.loadConversation() : undefined;
  const turn = ((record as IConversationRecord | undefined)?.turns?.length ?? 0) + 1;
  options.onEvent({ type: 'turn-start', turn, prompt: options.prompt });
  const end = (
    ending: { outcome: TurnOutcome; reason?: string; ungrounded?: string[] },
    executions: number,
    tokens: number
  ): Agent.ITurnResult => {
    const durationMs = Date.now() - started;
    options.onEvent({ type: 'turn-end', ...ending, executions, tokens, durationMs });
    return { ...ending, executions, tokens, durationMs, lastStatus: undefined, undelivered: [] };
  };
  const folder = PathExt.dirname(panel.context.path);
  if (options.policy() !== 'never' && !(await options.askCandidates(candidates, folder, signal))) {
    return end({ outcome: 'stopped', reason: 'The person chose not to run the candidates.' }, 0, 0);
  }
  if (signal.aborted) {
    return end({ outcome: 'stopped', reason: 'Stopped.' }, 0, 0);
  }
  const serverSettings = options.serverSettings ?? ServerConnection.makeSettings();
  let copies: Private.ICopies | undefined;
  let turns: CandidateTurns | undefined;
  let tokens = 0;
  try {
    copies = await Private.makeCopies(serverSettings, folder, candidates);
    const made = copies;
    const document = panel.context.model.toJSON() as nbformat.INotebookContent;
    const kernelName = panel.sessionContext.session?.kernel?.name ?? panel.sessionContext.kernelPreference.name;
    const name = PathExt.basename(panel.context.path);
    turns = new CandidateTurns({
      task: options.prompt,
      turnOptions: options.turnOptions,
      candidates,
      temperature: options.temperature,
      seed: options.seed,
      agent: options.agent,
      candidateApprove: Private.candidateApproval(options.policy),
      openCandidate: async index => {
        const notebook = await HeadlessNotebook.open({
          sessions: panel.sessionContext.sessionManager,
          path: `${made.folders[index]}/${name}`,
          kernelName,
          persist: false,
          document
        });
        return { target: notebook, close: () => notebook.close(true) };
      },
      onEvent: options.onCandidateEvent
    });
    const { runs, chosen } = await turns.run(signal);
    tokens = runs.reduce((sum, run) => sum + run.result.tokens, 0);
    if (!chosen || signal.aborted) {
      return end({ outcome: 'stopped', reason: 'Stopped.' }, 0, tokens);
    }
    if (chosen.response) {
      // The chosen answer shows as the fast effort's final answer does.
      options.onEvent(chosen.response);
    }
    const replay = await CandidateTurns.replay(chosen, options.target, {
      approve: options.approve,
      onEvent: options.onEvent,
      signal
    });
    if (signal.aborted) {
      return end({ outcome: 'stopped', reason: 'Stopped.' }, replay.executions, tokens);
    }
    if (!replay.ok) {
      return end(
        {
          outcome: 'gave-up',
          reason: 'The chosen candidate’s cells did not all run without error in your kernel.'
        },
        replay.executions,
        tokens
      );
    }
    const { outcome, reason, ungrounded } = chosen.result;
    return end({ outcome, reason, ungrounded }, replay.executions, tokens);
  } catch (error) {
    // A folder the server would not copy, a kernel that would not start: said where the turn ends.
    return end({ outcome: 'gave-up', reason: (error as Error).message }, 0, tokens);
  } finally {
    await turns?.close();
    if (copies) {
      await Private.removeCopies(serverSettings, copies.id);
    }
  }
}

/**
 * The namespace for `runThoroughTurn` options.
 */
export namespace ThoroughTurn {
  /**
   * What a thorough turn takes.
   */
  export interface IOptions {
    prompt: string;

    /**
     * The cells the person pointed at.
     */
    turnOptions?: Pick<ITurnOptions, 'attachments'>;

    /**
     * The person's notebook.
     */
    panel: NotebookPanel;

    /**
     * The notebook as the agent's target: the chosen cells are written there.
     */
    target: LiveNotebookTarget;

    /**
     * Whether the candidates continue the conversation saved in the notebook.
     */
    savedConversation: 'continue' | 'ignore';

    /**
     * The candidates' agent options but their target, sampling and approval.
     */
    agent: Omit<Agent.IOptions, 'target' | 'temperature' | 'seed' | 'approve'>;

    candidates: number;
    temperature: number;
    seed: number;

    /**
     * The person's approval policy now.
     */
    policy: () => ApprovalPolicy;

    /**
     * The approval of each chosen cell before it runs in the person's kernel.
     */
    approve: ApprovalHook;

    /**
     * The one question before the candidates run.
     */
    askCandidates: (candidates: number, folder: string, signal: AbortSignal) => Promise<boolean>;

    /**
     * The turn's events, as the fast effort's agent tells them (start, the chosen cells, end).
     */
    onEvent: (event: AgentEvent) => void;

    /**
     * The candidates' progress.
     */
    onCandidateEvent: (event: CandidateEvent) => void;

    serverSettings?: ServerConnection.ISettings;

    /**
     * Stops the turn.
     */
    signal: AbortSignal;
  }
}

namespace Private {
  /**
   * A set of copies the server made.
   */
  export interface ICopies {
    id: string;
    folders: string[];
  }

  /**
   * Ask the server for K copies of the folder.
   *
   * @throws with the server's reason when it refuses (a folder too large, kernels on a gateway).
   */
  export async function makeCopies(
    settings: ServerConnection.ISettings,
    folder: string,
    count: number
  ): Promise<ICopies> {
    const response = await ServerConnection.makeRequest(
      URLExt.join(settings.baseUrl, 'code-interpreter', 'candidate-folders'),
      { method: 'POST', body: JSON.stringify({ folder, count }) },
      settings
    );
    const body = (await response.json().catch(() => ({}))) as Partial<ICopies> & { message?: string };
    if (!response.ok || !body.id || !Array.isArray(body.folders) || body.folders.length !== count) {
      throw new Error(
        `The server could not copy the folder for the candidates: ${body.message ?? `HTTP ${response.status}`}`
      );
    }
    return { id: body.id, folders: body.folders };
  }

  /**
   * Remove the copies; a failure leaves them for the server's own clean-up of day-old copies.
   */
  export async function removeCopies(settings: ServerConnection.ISettings, id: string): Promise<void> {
    await ServerConnection.makeRequest(
      URLExt.join(settings.baseUrl, 'code-interpreter', 'candidate-folders', id),
      { method: 'DELETE' },
      settings
    ).catch(() => undefined);
  }

  /**
   * The approval inside a candidate: under `never` everything runs; otherwise the set's one
   * approval covers plain data work only, and what the policy calls risky is not run (the model
   * is told why), since no one is asked inside a candidate.
   */
  export function candidateApproval(policy: () => ApprovalPolicy): ApprovalHook {
    return async request => {
      if (policy() === 'never') {
        return { action: 'run' };
      }
      const risks = findRisks(request.code, { folder: request.folder });
      if (!risks.length) {
        return { action: 'run' };
      }
      return {
        action: 'skip',
        reason: `A candidate of the thorough effort runs only plain data work; this code was not run (${risks
          .map(risk => risk.match)
          .join(', ')}). Do the task without it.`
      };
    };
  }
}
