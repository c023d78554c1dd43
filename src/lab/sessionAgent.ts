// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';

import { Agent } from '../agent/agent';
import type { ApprovalDecision, ApprovalHook, IApprovalRequest } from '../agent/approval';
import type { AgentEvent } from '../agent/events';
import type { IRisk } from '../agent/riskyCode';
import { LazyTokenCounter } from '../feedback/lazyTokenCounter';
import type { ModelClient } from '../model/modelClient';
import { createApprovalHook } from './approvalPolicy';
import { createLabModelClient } from './labModelClient';
import type { LiveNotebookTarget } from './liveNotebookTarget';
import { resolveVision, type ICodeInterpreterSettings } from './settings';

/**
 * The agent of one notebook's session: created with the current settings when a turn starts,
 * kept while they do not change, and made again after `reset` (an undo, a conversation saved
 * elsewhere), so that it reads the saved conversation back.
 */
export class SessionAgent implements IDisposable {
  /**
   * Construct the holder of a session's agent; no agent is made before `agentFor`.
   *
   * @param options - the notebook, the server and where the agent's questions and events go.
   */
  constructor(options: SessionAgent.IOptions) {
    this._options = options;
  }

  /**
   * The current agent, if one was made since the last reset.
   */
  get current(): Agent | null {
    return this._agent;
  }

  /**
   * Whether the holder is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The agent for the current settings: the same one while they do not change.
   *
   * @param settings - the settings now.
   * @param savedConversation - whether the agent continues the saved conversation or ignores it.
   * @returns the agent.
   */
  agentFor(settings: ICodeInterpreterSettings, savedConversation: 'continue' | 'ignore'): Agent {
    const model = settings.model || (this._options.serverModel?.() ?? '');
    const key = JSON.stringify({ ...settings, model });
    if (this._agent && this._agentKey === key) {
      return this._agent;
    }
    this.reset();
    const { options, client } = this._agentOptions(settings, savedConversation);
    const agent = new Agent({
      ...options,
      temperature: settings.temperature,
      target: this._options.target,
      approve: this.approvalHook()
    });
    agent.events.connect((_, event) => this._options.onEvent(event));
    this._agent = agent;
    this._agentKey = key;
    // The model's context window, where the endpoint says (the proxy's code-interpreter/props),
    // else the setting: requests are kept within it from then on.
    void client.contextWindow().then(tokens => {
      const window = tokens ?? settings.contextWindow;
      if (window && !agent.isDisposed) {
        agent.contextWindowTokens = window;
      }
    });
    return agent;
  }

  /**
   * The options of a thorough turn's candidate agents: as the session's agent's but their
   * target, sampling and approval, which the thorough turn gives each.
   *
   * @param settings - the settings now.
   * @param savedConversation - whether the candidates continue the saved conversation.
   * @returns the options, with the model's context window when the endpoint says it.
   */
  async candidateOptions(
    settings: ICodeInterpreterSettings,
    savedConversation: 'continue' | 'ignore'
  ): Promise<Omit<Agent.IOptions, 'target' | 'temperature' | 'seed' | 'approve'>> {
    const { options, client } = this._agentOptions(settings, savedConversation);
    const window = (await client.contextWindow()) ?? settings.contextWindow;
    return window ? { ...options, contextWindowTokens: window } : options;
  }

  /**
   * The approval hook of the person's policy (read at each question).
   *
   * @returns the hook.
   */
  approvalHook(): ApprovalHook {
    return createApprovalHook(() => this._options.settings().approval, this._options.askPerson);
  }

  /**
   * Dispose of the current agent (stopping its turn); the next `agentFor` makes a new one.
   */
  reset(): void {
    this._agent?.dispose();
    this._agent = null;
    this._agentKey = '';
  }

  /**
   * Dispose of the holder and its agent. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.reset();
  }

  private _agentOptions(
    settings: ICodeInterpreterSettings,
    savedConversation: 'continue' | 'ignore'
  ): { options: Omit<Agent.IOptions, 'target'>; client: ModelClient } {
    // An empty model setting means the server's model; the proxy fills it in when both are empty.
    const model = settings.model || (this._options.serverModel?.() ?? '');
    const client = createLabModelClient({ model, serverSettings: this._options.serverSettings });
    const options = {
      model: client,
      protocol: settings.protocol,
      maxAttempts: settings.maxAttempts,
      cellTimeoutMs: settings.executionTimeout * 1000,
      outputBudgetTokens: settings.outputBudget,
      vision: resolveVision(settings.vision, model),
      // Exact counts once the tokenizer's ranks (a lazy chunk) have loaded, an estimate before.
      tokenCounter: Private.tokenCounter(),
      savedConversation,
      reviewRevisions: settings.reviewRevisions
    };
    return { options, client };
  }

  private _options: SessionAgent.IOptions;
  private _agent: Agent | null = null;
  private _agentKey = '';
  private _isDisposed = false;
}

/**
 * The namespace for `SessionAgent` statics.
 */
export namespace SessionAgent {
  /**
   * The options of a session's agent.
   */
  export interface IOptions {
    /**
     * The notebook as the agent's target.
     */
    target: LiveNotebookTarget;

    /**
     * Returns the current settings (the approval hook reads the policy at each question).
     */
    settings: () => ICodeInterpreterSettings;

    /**
     * The model the server is configured with, used when the model setting is empty.
     */
    serverModel?: () => string;

    /**
     * The server connection; the default one when omitted.
     */
    serverSettings?: ServerConnection.ISettings;

    /**
     * Asks the person about an execution the approval policy does not settle.
     */
    askPerson: (request: IApprovalRequest, risks: IRisk[], signal: AbortSignal) => Promise<ApprovalDecision>;

    /**
     * Receives each of the agent's events.
     */
    onEvent: (event: AgentEvent) => void;
  }
}

namespace Private {
  let sharedCounter: LazyTokenCounter | undefined;

  /**
   * One tokenizer for every notebook: its ranks load once.
   */
  export function tokenCounter(): LazyTokenCounter {
    sharedCounter ??= new LazyTokenCounter();
    return sharedCounter;
  }
}
