// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';

import { ApproximateTokenCounter } from '../feedback/approximateTokenCounter';
import { renderKernelState } from '../feedback/kernelStateText';
import type { IMentionedEntry } from '../kernel/mentionDescriber';
import type { KernelInspection } from '../kernel/namespaceInspector';
import { renderFeedback } from '../feedback/renderFeedback';
import type { IRenderedFeedback } from '../feedback/renderedFeedback';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ExecutionStatus, IExecutionResult } from '../kernel/executionResult';
import type { ModelAction } from '../model/actions';
import { ModelClient, type IModelResponse } from '../model/modelClient';
import { ModelError, type ModelErrorKind } from '../model/modelError';
import { CONTENT_CALL_PREFIX, findContentCalls } from '../model/contentCalls';
import { cataloguedProtocol } from '../model/modelCatalog';
import { EXECUTION_RESULT_PREFIX, codeToRun, endOfFirstBlock } from '../model/textProtocol';
import { NOTEBOOK_TOOLS, NOTEBOOK_TOOL_NAMES, parseToolCalls } from '../model/toolsProtocol';
import { CellNotFoundError, NotACodeCellError, type INotebookTarget } from '../notebook/notebookTarget';
import type { ApprovalHook } from './approval';
import {
  type ChatMessage,
  type IConversationRecord,
  type ITurnRecord,
  type ModelProtocol,
  type TurnOutcome
} from '../conversation/conversationRecord';
import type { AgentEvent } from './events';
import { ContextWindow } from './contextWindow';
import { checkGrounding, namedDataFiles, needsCode } from './grounding';
import { findMentions, renderMentions } from './mentions';
import { MAX_MENTIONS } from '../kernel/namespaceInspector';
import { NotebookContext } from './notebookContext';
import { systemPrompt } from './prompts';
import { AGENT_BUDGET_DEFINITIONS, SETTING_DEFINITIONS } from './settingDefinitions';
import { checkSavedConversation, describeDropped, type IDroppedItem } from './savedConversation';

/**
 * The code interpreter's loop: ask the model, put its code in a cell, run the cell, tell the model
 * what came back, and let it revise the failing cell in place, until it answers without code or a
 * budget runs out. One agent serves one notebook; follow-up prompts continue the conversation.
 */
export class Agent implements IDisposable {
  /**
   * Construct an agent; it continues the conversation saved in the notebook, if any.
   *
   * @param options - the model, the notebook and the budgets.
   */
  constructor(options: Agent.IOptions) {
    this._model = options.model;
    this._target = options.target;
    this._options = {
      maxAttempts: Math.max(1, options.maxAttempts ?? SETTING_DEFINITIONS.maxAttempts.default),
      cellTimeoutMs: options.cellTimeoutMs ?? SETTING_DEFINITIONS.executionTimeout.default * 1000,
      outputBudgetTokens: options.outputBudgetTokens ?? SETTING_DEFINITIONS.outputBudget.default,
      contextBudgetTokens: options.contextBudgetTokens ?? 12_000,
      notebookContextTokens: options.notebookContextTokens ?? 1500,
      kernelStateTokens: options.kernelStateTokens ?? AGENT_BUDGET_DEFINITIONS.kernelStateTokens.default,
      mentionTokens: options.mentionTokens ?? 1500,
      maxModelRequests:
        options.maxModelRequests ?? 2 * Math.max(1, options.maxAttempts ?? SETTING_DEFINITIONS.maxAttempts.default) + 4,
      turnTokenBudget: options.turnTokenBudget ?? 0,
      turnTimeBudgetMs: options.turnTimeBudgetMs ?? 0,
      vision: options.vision ?? false,
      temperature: options.temperature,
      contextWindowTokens: options.contextWindowTokens ?? SETTING_DEFINITIONS.contextWindow.default,
      answerTokens: options.answerTokens ?? 1024
    };
    this._approve = options.approve;
    this._counter = options.tokenCounter ?? new ApproximateTokenCounter();
    this._window = new ContextWindow(this._counter);
    this._notebookContext = new NotebookContext(this._counter);
    // The notebook's conversation is a file's content: checked message by message, and only what
    // this product would have written is continued (docs/security.md, "Saved conversations").
    const checked =
      options.savedConversation === 'ignore'
        ? { record: undefined, dropped: [] }
        : checkSavedConversation(this._target.loadConversation());
    const saved = checked.record;
    this._droppedFromSaved = checked.dropped;
    this._requestedProtocol = options.protocol ?? SETTING_DEFINITIONS.protocol.default;
    // `auto` starts where the catalog measured the model does best, else in tools.
    this._protocol =
      this._requestedProtocol === 'auto'
        ? (saved?.protocol ?? cataloguedProtocol(this._model.model)?.protocol ?? 'tools')
        : this._requestedProtocol;
    if (saved) {
      this._messages = Private.withToolCallsAnswered(saved.messages);
      this._turns = saved.turns.map(turn => ({ ...turn, cells: [...turn.cells] }));
    }
  }

  /**
   * Everything the agent does, as it happens.
   */
  get events(): ISignal<this, AgentEvent> {
    return this._events;
  }

  /**
   * Whether a turn is running.
   */
  get isRunning(): boolean {
    return this._controller !== null;
  }

  /**
   * The protocol in use (after any fallback from tools to text).
   */
  get protocol(): ModelProtocol {
    return this._protocol;
  }

  /**
   * The model's context window in tokens (0 when unknown): requests are kept within it. It can be
   * set once it is learned from the endpoint (`ModelClient.contextWindow`).
   */
  get contextWindowTokens(): number {
    return this._options.contextWindowTokens;
  }
  set contextWindowTokens(tokens: number) {
    this._options.contextWindowTokens = Math.max(0, tokens);
  }

  /**
   * The conversation so far, as it is saved with the notebook.
   */
  get conversation(): IConversationRecord {
    return {
      version: 1,
      protocol: this._protocol,
      model: this._model.model,
      messages: this._messages.map(Private.withoutImageData),
      turns: this._turns.map(turn => ({ ...turn, cells: [...turn.cells] }))
    };
  }

  /**
   * What the check of the notebook's saved conversation dropped (empty when nothing was). The
   * same is emitted as a `saved-conversation` event at the start of the first turn.
   */
  get droppedFromSaved(): readonly IDroppedItem[] {
    return this._droppedFromSaved;
  }

  /**
   * Whether the agent is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Run one user turn: the prompt, then as many model answers and executions as it takes.
   *
   * @param prompt - what the user asks (or their feedback on the previous turn).
   * @param options - a stop signal.
   * @returns how the turn ended.
   * @throws when another turn is running or the agent is disposed.
   */
  async run(prompt: string, options: { signal?: AbortSignal } = {}): Promise<Agent.ITurnResult> {
    if (this._isDisposed) {
      throw new Error('The agent is disposed.');
    }
    if (this._controller) {
      throw new Error('A turn is already running; stop it or wait for it to end.');
    }
    const controller = new AbortController();
    this._controller = controller;
    const onOuterAbort = () => controller.abort();
    if (options.signal?.aborted) {
      controller.abort();
    }
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (!this._savedNoticeEmitted) {
      // Said before anything is sent, where every front end shows warnings.
      this._savedNoticeEmitted = true;
      const message = describeDropped(this._droppedFromSaved);
      if (message) {
        this._emit({ type: 'saved-conversation', dropped: [...this._droppedFromSaved], message });
      }
    }

    const turn: ITurnRecord = {
      prompt,
      startedAt: new Date().toISOString(),
      cells: [],
      executions: 0,
      messageIndex: this._messages.length
    };
    // Data files the prompt names are described as `@` mentions are, as part of the kernel's
    // state: the model reads their delimiter, columns and first rows instead of guessing them.
    const named = this._options.kernelStateTokens > 0 ? namedDataFiles(prompt) : [];
    const mentions = [...new Set([...findMentions(prompt), ...named])].slice(0, MAX_MENTIONS);
    const inspection = await this._inspectKernel(mentions);
    if (inspection?.kind === 'namespace') {
      this._kernelFolder = inspection.namespace.cwd;
    }
    if (inspection?.kind === 'namespace' && inspection.namespace.packages) {
      this._installedPackages = inspection.namespace.packages;
    }
    const mentionNote = renderMentions(mentions, Private.mentionedIn(inspection), this._target.cells(), {
      budgetTokens: this._options.mentionTokens,
      counter: this._counter
    });
    const preamble = [this._undoNote(), this._notebookNote(), this._kernelNote(inspection), mentionNote]
      .filter(Boolean)
      .join('\n\n');
    this._turns.push(turn);
    this._messages.push({ role: 'user', content: preamble ? `${preamble}\n\n${prompt}` : prompt });
    const state: Private.ITurnState = {
      turn,
      signal: controller.signal,
      started: Date.now(),
      tokens: 0,
      lastStatus: undefined,
      requests: 0,
      pendingImages: [],
      ranCode: new Map(),
      codeWithoutCall: 0,
      repeats: 0,
      needsCode: needsCode(prompt, Private.knownNames(inspection)),
      groundingAsked: false
    };
    this._emit({ type: 'turn-start', turn: this._turns.length, prompt });
    let ended: Private.ITurnEnding;
    try {
      ended = await this._loop(state);
    } catch (error) {
      ended = { outcome: 'model-error', reason: error instanceof Error ? error.message : String(error) };
    } finally {
      options.signal?.removeEventListener('abort', onOuterAbort);
      this._controller = null;
      this._messages = Private.withToolCallsAnswered(this._messages);
    }
    turn.outcome = ended.outcome;
    const result: Agent.ITurnResult = {
      outcome: ended.outcome,
      reason: ended.reason,
      modelErrorKind: ended.modelErrorKind,
      ungrounded: ended.ungrounded,
      executions: turn.executions,
      lastStatus: state.lastStatus,
      tokens: state.tokens,
      durationMs: Date.now() - state.started
    };
    try {
      await this._target.saveConversation(this.conversation);
    } catch (error) {
      this._emit({ type: 'warning', message: `The conversation could not be saved: ${(error as Error).message}` });
    }
    this._emit({
      type: 'turn-end',
      outcome: result.outcome,
      reason: result.reason,
      ungrounded: result.ungrounded,
      executions: result.executions,
      tokens: result.tokens,
      durationMs: result.durationMs
    });
    return result;
  }

  /**
   * Stop the running turn: the model request is aborted and a running cell is interrupted.
   */
  stop(): void {
    this._controller?.abort();
  }

  /**
   * Dispose of the agent, stopping a running turn. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.stop();
    Signal.clearData(this);
  }

  private async _loop(state: Private.ITurnState): Promise<Private.ITurnEnding> {
    const { maxAttempts } = this._options;
    for (;;) {
      const budget = this._budgetExceeded(state);
      if (state.signal.aborted) {
        return { outcome: 'stopped', reason: 'Stopped by the user.' };
      }
      if (budget) {
        return { outcome: 'budget-exhausted', reason: budget };
      }
      if (state.requests >= this._options.maxModelRequests) {
        return {
          outcome: 'gave-up',
          reason: `The model was asked ${state.requests} times in this turn, its limit; it may be looping.`
        };
      }
      let response: IModelResponse;
      try {
        response = await this._ask(state);
      } catch (error) {
        const modelError = ModelError.from(error, this._model);
        if (modelError.kind === 'aborted' || state.signal.aborted) {
          return { outcome: 'stopped', reason: 'Stopped by the user.' };
        }
        return { outcome: 'model-error', reason: modelError.message, modelErrorKind: modelError.kind };
      }
      const { actions, askAgain } = this._actionsOf(response, state);
      if (askAgain) {
        continue;
      }
      if (!actions.length) {
        if (state.lastStatus !== undefined && state.lastStatus !== 'ok') {
          return { outcome: 'gave-up', reason: `The model stopped after a failed execution (${state.lastStatus}).` };
        }
        const verdict = this._verifyAnswer(response.content, state);
        if (verdict === 'ask-again') {
          continue;
        }
        return verdict;
      }
      let failure: string | undefined;
      for (const action of actions) {
        if (failure) {
          this._answerUnrun(action, `Not run: ${failure}`);
          continue;
        }
        if (state.signal.aborted) {
          this._answerUnrun(action, 'Not run: the user stopped the turn.');
          continue;
        }
        if (action.kind !== 'markdown' && action.kind !== 'invalid' && state.turn.executions >= maxAttempts) {
          this._answerUnrun(action, `Not run: the limit of ${maxAttempts} executions for this request is reached.`);
          continue;
        }
        try {
          await this._perform(action, state);
        } catch (error) {
          // The notebook or the kernel failed (not the code): every tool call still gets its
          // answer, so the saved conversation stays valid, and the turn ends.
          const message = error instanceof Error ? error.message : String(error);
          this._emit({ type: 'warning', message });
          this._answerUnrun(action, `Error: ${message}`);
          failure ??= message;
        }
      }
      this._flushImages(state);
      if (failure) {
        return { outcome: 'gave-up', reason: failure };
      }
      if (state.repeats >= 2 && state.lastStatus === 'ok') {
        // The model keeps answering with code that already ran: its work is done.
        return { outcome: 'completed' };
      }
      if (state.signal.aborted) {
        return { outcome: 'stopped', reason: 'Stopped by the user.' };
      }
      if (state.turn.executions >= maxAttempts && state.lastStatus !== undefined) {
        return state.lastStatus === 'ok'
          ? { outcome: 'completed' }
          : {
              outcome: 'gave-up',
              reason: `The last of ${maxAttempts} execution attempts failed (${state.lastStatus}).`
            };
      }
    }
  }

  /**
   * Ask the model, falling back from tools to text when the endpoint refuses tools, and asking
   * again when an answer is cut off midway.
   */
  private async _ask(state: Private.ITurnState): Promise<IModelResponse> {
    for (let attempt = 1; ; attempt++) {
      const tools = this._protocol === 'tools';
      const turnStarts = Private.turnStarts(this._turns, this._messages);
      const system = systemPrompt(this._protocol);
      const history = this._window.fit(this._messages, turnStarts, this._historyBudget(system, tools));
      const messages: ChatMessage[] = [{ role: 'system', content: system }, ...history];
      this._emit({ type: 'model-request', protocol: this._protocol, messages, tools });
      try {
        state.requests++;
        const response = await this._model.stream(
          {
            messages,
            tools: tools ? NOTEBOOK_TOOLS : undefined,
            temperature: this._options.temperature,
            maxTokens: this._options.contextWindowTokens > 0 ? this._options.answerTokens : undefined
          },
          {
            signal: state.signal,
            onDelta: text => this._emit({ type: 'model-delta', text }),
            // The paper's text protocol: the answer ends with its first code block. So does an
            // answer in `auto` from a model that has made no native call: its block will run, and
            // what it writes after the block (an invented output) must never show.
            cutAt: !tools || this._runsCodeBlocks() ? endOfFirstBlock : undefined
          }
        );
        state.tokens +=
          response.usage.promptTokens + response.usage.completionTokens ||
          Private.estimateTokens(this._counter, messages, response);
        return response;
      } catch (error) {
        const modelError = ModelError.from(error, this._model, tools);
        if (modelError.kind === 'tools-unsupported' && this._requestedProtocol === 'auto' && tools) {
          this._protocol = 'text';
          this._emit({ type: 'protocol-fallback', reason: modelError.message });
          continue;
        }
        if (modelError.isTransient && attempt < Private.STREAM_RETRIES && !state.signal.aborted) {
          this._emit({ type: 'model-retry', reason: modelError.message, attempt });
          continue;
        }
        throw modelError;
      }
    }
  }

  /**
   * What the model is told of the notebook at the start of a turn (the user may have changed it
   * since the last one). It goes with the prompt rather than into the system prompt, so that every
   * request begins with the same bytes and a server's prompt cache is hit; it is left out when it
   * is the same as the last one sent.
   */
  private _notebookNote(): string | undefined {
    const notebook = this._notebookContext.describe(this._target.cells(), this._options.notebookContextTokens);
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
      return await this._target.inspectKernel({
        timeoutMs: mentions.length ? Private.MENTION_INSPECTION_TIMEOUT_MS : Private.KERNEL_INSPECTION_TIMEOUT_MS,
        mentions
      });
    } catch (error) {
      this._emit({ type: 'warning', message: `The kernel could not be inspected: ${(error as Error).message}` });
      return undefined;
    }
  }

  /**
   * What the model is told of the kernel's variables at the start of a turn: the user may have
   * defined or changed some since the last one, in cells the model never saw run. Like the
   * notebook note, it goes with the prompt (never the system prompt) and only when it differs
   * from the last one sent, so that requests keep their common prefix.
   */
  private _kernelNote(inspection: KernelInspection | undefined): string | undefined {
    const budgetTokens = this._options.kernelStateTokens;
    if (budgetTokens <= 0 || !inspection) {
      return undefined;
    }
    const heading = "The kernel's state now (variables from all cells that ran):";
    // The budget covers the heading and the blank line that parts it from the prompt.
    const room = budgetTokens - this._counter.count(heading) - 2;
    const state = renderKernelState(inspection, { budgetTokens: room, counter: this._counter });
    if (!state || state === this._lastKernelNote) {
      return undefined;
    }
    this._lastKernelNote = state;
    return `${heading}\n${state}`;
  }

  /**
   * Tokens the history may use in a request: the configured budget, and within the model's
   * context window room for the system prompt, the tools, the answer and a margin for the chat
   * template's own tokens.
   */
  private _historyBudget(system: string, tools: boolean): number {
    const { contextBudgetTokens, contextWindowTokens, answerTokens } = this._options;
    if (contextWindowTokens <= 0) {
      return contextBudgetTokens;
    }
    const fixed =
      this._counter.count(system) + (tools ? this._counter.count(JSON.stringify(NOTEBOOK_TOOLS)) : 0) + answerTokens;
    // Chat templates add a few tokens per message, and a counter other than the model's own can
    // undercount: a tenth of the window stays spare.
    const room = Math.max(256, Math.floor(contextWindowTokens * 0.9) - fixed);
    return contextBudgetTokens > 0 ? Math.min(contextBudgetTokens, room) : room;
  }

  /**
   * Record the model's answer in the conversation and turn it into actions.
   *
   * The answer is kept exactly as the model wrote it (calls found in its text stay text), so the
   * next request begins with the bytes the server already has in its cache.
   */
  private _actionsOf(response: IModelResponse, state: Private.ITurnState): Private.IAnswerActions {
    const emitResponse = (content: string) =>
      this._emit({
        type: 'model-response',
        content,
        toolCalls: response.toolCalls,
        finishReason: response.finishReason,
        usage: response.usage
      });
    if (this._protocol === 'tools' && response.toolCalls.length) {
      emitResponse(response.content);
      this._messages.push({
        role: 'assistant',
        content: response.content || null,
        tool_calls: response.toolCalls.map(call => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments }
        }))
      });
      return { actions: this._withoutRepeats(parseToolCalls(response.toolCalls), state) };
    }
    this._messages.push({ role: 'assistant', content: response.content });
    if (this._protocol === 'tools') {
      return this._contentCallActions(response, state, emitResponse);
    }
    emitResponse(response.content);
    const code = codeToRun(response.content);
    if (code === undefined) {
      return { actions: [] };
    }
    if (state.ranCode.has(code)) {
      return this._repeated(state, code);
    }
    // The paper's convention: after a failure the next block replaces the failed cell.
    const failed = this._failedCellId;
    if (failed && this._cellExists(failed)) {
      return { actions: [{ kind: 'edit', cellId: failed, code }] };
    }
    return { actions: [{ kind: 'execute', code }] };
  }

  /**
   * An answer without API tool calls while tools were offered: calls the model wrote into its
   * text count as calls; code with no call at all, twice in a row, makes `auto` switch to the text
   * protocol for the rest of the conversation.
   */
  private _contentCallActions(
    response: IModelResponse,
    state: Private.ITurnState,
    emitResponse: (content: string) => void
  ): Private.IAnswerActions {
    const found = findContentCalls(response.content, NOTEBOOK_TOOL_NAMES);
    emitResponse(found.calls.length || found.malformed.length ? found.text : response.content);
    if (found.malformed.length) {
      this._emit({ type: 'warning', message: `The model wrote a malformed call: ${found.malformed[0]}.` });
    }
    if (found.calls.length) {
      state.codeWithoutCall = 0;
      return { actions: this._withoutRepeats(parseToolCalls(found.calls), state) };
    }
    if (found.malformed.length) {
      this._messages.push({
        role: 'user',
        content: `Error: ${found.malformed.join('; ')}. Nothing was run. Write the call as <tool_call>{"name": "execute_code", "arguments": {"code": "..."}}</tool_call> with valid JSON.`
      });
      return { actions: [], askAgain: true };
    }
    const code = codeToRun(response.content);
    if (code === undefined || this._requestedProtocol !== 'auto') {
      return { actions: [] };
    }
    state.codeWithoutCall++;
    if (state.codeWithoutCall < 2 && !this._runsCodeBlocks()) {
      this._messages.push({
        role: 'user',
        content: 'Nothing was run: to run code, call the execute_code tool with the code as its "code" argument.'
      });
      return { actions: [], askAgain: true };
    }
    const reason =
      state.codeWithoutCall < 2
        ? 'The model answered with a code block instead of a tool call; its code blocks now run as they are.'
        : 'The model answered with code but no tool call twice in a row; its code blocks now run as they are.';
    this._protocol = 'text';
    this._emit({ type: 'protocol-fallback', reason });
    return state.ranCode.has(code) ? this._repeated(state, code) : { actions: [{ kind: 'execute', code }] };
  }

  /**
   * The actions, with executions of code that already ran in this turn replaced: small models
   * answer a success with the same code again, which would add the same cell once more.
   */
  private _withoutRepeats(actions: ModelAction[], state: Private.ITurnState): ModelAction[] {
    // Code that failed is not run again either; the 'repeat' answer says it failed.
    return actions.map(action =>
      (action.kind === 'execute' || action.kind === 'edit') && state.ranCode.has(action.code)
        ? { kind: 'repeat', code: action.code, toolCallId: action.toolCallId }
        : action
    );
  }

  /**
   * The model answered with code that already ran in this turn: it is not run again, and the model
   * is asked to answer from the result it has; the second time, the turn ends.
   */
  private _repeated(state: Private.ITurnState, code: string): Private.IAnswerActions {
    const failed = Private.failedRun(state, code);
    if (failed) {
      // Never "already ran" for code that failed: the model must change it.
      this._emit({ type: 'warning', message: 'The model sent again code that failed; it was not run again.' });
      this._messages.push({ role: 'user', content: `${EXECUTION_RESULT_PREFIX}${failed}` });
      return { actions: [], askAgain: true };
    }
    state.repeats++;
    this._emit({ type: 'warning', message: 'The model repeated code that already ran; it was not run again.' });
    if (state.repeats >= 2) {
      return { actions: [] };
    }
    this._messages.push({ role: 'user', content: `${EXECUTION_RESULT_PREFIX}${Private.REPEAT_NOTE}` });
    return { actions: [], askAgain: true };
  }

  /**
   * Whether code blocks in the answer run as they are: the text protocol, or `auto` with a model
   * that has made no native tool call in the conversation (it writes code blocks, as code models
   * are trained to, and would otherwise see its code not run).
   */
  private _runsCodeBlocks(): boolean {
    if (this._protocol === 'text') {
      return true;
    }
    return (
      this._requestedProtocol === 'auto' &&
      !this._messages.some(message => message.role === 'assistant' && (message.tool_calls?.length ?? 0) > 0)
    );
  }

  /**
   * Decide how a turn whose model answered without code ends: `completed` when every figure the
   * answer states is shown by an output (or is in the prompt) and a question about data ran code;
   * otherwise the model is asked once to compute and print it, and then the turn is `unverified`.
   */
  private _verifyAnswer(answer: string, state: Private.ITurnState): Private.ITurnEnding | 'ask-again' {
    const { ungrounded } = checkGrounding(answer, [state.turn.prompt, ...Private.outputsShown(this._messages)]);
    const ranNothing = state.needsCode && state.turn.executions === 0;
    if (!ungrounded.length && !ranNothing) {
      return { outcome: 'completed' };
    }
    const canAsk =
      !state.groundingAsked &&
      state.requests < this._options.maxModelRequests &&
      state.turn.executions < this._options.maxAttempts;
    this._emit({ type: 'ungrounded-answer', figures: ungrounded, ranNothing, willAsk: canAsk });
    if (canAsk) {
      state.groundingAsked = true;
      this._messages.push({ role: 'user', content: Private.groundingRequest(ungrounded, ranNothing) });
      return 'ask-again';
    }
    return {
      outcome: 'unverified',
      ungrounded,
      reason: ungrounded.length
        ? `The answer states ${ungrounded.join(', ')}, which no cell's output shows.`
        : 'The question is about data, and no code ran to read it.'
    };
  }

  /**
   * Carry out one action and give the model its result.
   */
  private async _perform(action: ModelAction, state: Private.ITurnState): Promise<void> {
    switch (action.kind) {
      case 'invalid':
        this._emit({ type: 'warning', message: `The model called ${action.toolName} wrongly: ${action.error}.` });
        this._answerTool(action.toolCallId, `Error: ${action.error}. Nothing was run.`);
        return;
      case 'repeat': {
        const failed = Private.failedRun(state, action.code);
        if (failed) {
          this._emit({ type: 'warning', message: 'The model sent again code that failed; it was not run again.' });
          this._answerTool(action.toolCallId, failed);
          return;
        }
        state.repeats++;
        this._emit({ type: 'warning', message: 'The model repeated code that already ran; it was not run again.' });
        this._answerTool(action.toolCallId, Private.REPEAT_NOTE);
        return;
      }
      case 'markdown': {
        const cellId = await this._target.insertMarkdown(action.text);
        this._touch(state.turn, cellId, null);
        this._emit({ type: 'cell-inserted', cellId, cellType: 'markdown', source: action.text });
        this._answerTool(action.toolCallId, `cell_id: ${cellId}\nstatus: ok\nThe markdown cell was added.`);
        return;
      }
      case 'execute': {
        const cellId = await this._target.insertCode(action.code);
        this._touch(state.turn, cellId, null);
        this._emit({ type: 'cell-inserted', cellId, cellType: 'code', source: action.code });
        await this._executeCell(cellId, 'new', action.toolCallId, state);
        return;
      }
      case 'edit': {
        let previousSource: string;
        try {
          previousSource = this._target.getSource(action.cellId);
          await this._target.setSource(action.cellId, action.code);
        } catch (error) {
          if (error instanceof NotACodeCellError) {
            this._emit({ type: 'warning', message: error.message });
            this._answerTool(action.toolCallId, `Error: ${error.message} Use execute_code for new code.`);
            return;
          }
          if (error instanceof CellNotFoundError) {
            this._emit({ type: 'warning', message: error.message });
            if (this._protocol === 'text') {
              // The failed cell is gone: the revision becomes a new cell.
              this._failedCellId = undefined;
              await this._perform({ kind: 'execute', code: action.code }, state);
            } else {
              this._answerTool(action.toolCallId, `Error: ${error.message} Use execute_code to add a new cell.`);
            }
            return;
          }
          throw error;
        }
        this._touch(state.turn, action.cellId, previousSource);
        this._emit({ type: 'cell-revised', cellId: action.cellId, source: action.code, previousSource });
        await this._executeCell(action.cellId, 'revision', action.toolCallId, state);
        return;
      }
    }
  }

  /**
   * Run a cell (after approval) and give the model the result.
   */
  private async _executeCell(
    cellId: string,
    kind: 'new' | 'revision',
    toolCallId: string | undefined,
    state: Private.ITurnState
  ): Promise<void> {
    if (this._approve) {
      const code = this._target.getSource(cellId);
      const decision = await this._approve({ cellId, code, kind, folder: this._kernelFolder }, state.signal);
      if (decision.action === 'skip') {
        const reason = decision.reason || 'The user chose not to run this cell.';
        this._emit({ type: 'execution-skipped', cellId, reason });
        this._giveFeedback(state, cellId, toolCallId, `cell_id: ${cellId}\nstatus: skipped\n${reason}`, []);
        return;
      }
      if (decision.action === 'edit') {
        const previousSource = this._target.getSource(cellId);
        await this._target.setSource(cellId, decision.code);
        this._emit({ type: 'cell-revised', cellId, source: decision.code, previousSource });
      }
    }
    const attempt = ++state.turn.executions;
    const maxAttempts = this._options.maxAttempts;
    this._emit({ type: 'execution-start', cellId, attempt, maxAttempts });
    let result: IExecutionResult;
    let ranSource = '';
    try {
      // Read here: the person may have deleted the cell while it waited for approval.
      ranSource = this._target.getSource(cellId);
      result = await this._target.execute(cellId, {
        timeoutMs: this._options.cellTimeoutMs,
        signal: state.signal,
        onOutput: outputs => this._emit({ type: 'execution-output', cellId, outputs })
      });
    } catch (error) {
      if (error instanceof CellNotFoundError) {
        state.turn.executions--;
        this._emit({ type: 'warning', message: error.message });
        this._giveFeedback(state, cellId, toolCallId, `cell_id: ${cellId}\nstatus: error\n${error.message}`, []);
        return;
      }
      throw error;
    }
    state.lastStatus = result.status;
    this._failedCellId = result.status === 'ok' ? undefined : cellId;
    this._emit({ type: 'execution-end', cellId, attempt, maxAttempts, result });
    if (result.status === 'dead-kernel' || result.kernelUnresponsive) {
      const reason =
        result.status === 'dead-kernel'
          ? 'The kernel died while running the cell.'
          : 'The kernel did not answer an interrupt.';
      try {
        await this._target.restartKernel();
        this._emit({ type: 'kernel-restarted', reason });
      } catch (error) {
        this._emit({ type: 'warning', message: `The kernel could not be restarted: ${(error as Error).message}` });
      }
    }
    const rendered = renderFeedback(result, {
      budgetTokens: this._options.outputBudgetTokens,
      vision: this._options.vision,
      counter: this._counter,
      timeoutMs: this._options.cellTimeoutMs
    });
    const missing = Private.missingModuleNote(result, this._installedPackages);
    const feedback = missing ? { ...rendered, text: `${rendered.text}\n${missing}` } : rendered;
    state.ranCode.set(ranSource, { status: result.status, feedback: feedback.text });
    this._emit({
      type: 'feedback',
      cellId,
      text: feedback.text,
      images: feedback.images.length,
      tokens: feedback.tokens
    });
    this._giveFeedback(
      state,
      cellId,
      toolCallId,
      Private.describeResult(cellId, result, feedback, this._protocol),
      feedback.images
    );
  }

  /**
   * Give the model an execution's result in the protocol's form.
   */
  private _giveFeedback(
    state: Private.ITurnState,
    cellId: string,
    toolCallId: string | undefined,
    text: string,
    images: IRenderedFeedback['images']
  ): void {
    const imageParts: ChatCompletionContentPart[] = images.map(image => ({
      type: 'image_url',
      image_url: { url: `data:${image.mimeType};base64,${image.data}` }
    }));
    if (this._protocol === 'tools' && toolCallId && !toolCallId.startsWith(CONTENT_CALL_PREFIX)) {
      this._answerTool(toolCallId, text);
      if (imageParts.length) {
        // Tool messages carry text only; images follow in a user message, after the last tool
        // result of the answer (nothing may come between an answer's tool results).
        state.pendingImages.push({ cellId, parts: imageParts });
      }
      return;
    }
    const content = `${EXECUTION_RESULT_PREFIX}${text}`;
    this._messages.push(
      imageParts.length
        ? { role: 'user', content: [{ type: 'text', text: content }, ...imageParts] }
        : { role: 'user', content }
    );
  }

  private _flushImages(state: Private.ITurnState): void {
    if (!state.pendingImages.length) {
      return;
    }
    const content: ChatCompletionContentPart[] = [];
    for (const { cellId, parts } of state.pendingImages.splice(0)) {
      content.push({ type: 'text', text: `The image output of cell ${cellId}:` }, ...parts);
    }
    this._messages.push({ role: 'user', content });
  }

  /**
   * Answer a tool call. A call the model wrote in its text has no tool call of the API to answer,
   * and re-writing its answer with one would change bytes already sent: it is answered in a user
   * message.
   */
  private _answerTool(toolCallId: string | undefined, text: string): void {
    if (toolCallId?.startsWith(CONTENT_CALL_PREFIX)) {
      this._messages.push({ role: 'user', content: `${EXECUTION_RESULT_PREFIX}${text}` });
    } else if (toolCallId) {
      this._messages.push({ role: 'tool', tool_call_id: toolCallId, content: text });
    }
  }

  /**
   * Every tool call must be answered, even when it is not carried out.
   */
  private _answerUnrun(action: ModelAction, text: string): void {
    if (action.toolCallId) {
      this._answerTool(action.toolCallId, text);
    }
  }

  /**
   * What the model must know of turns the user undid since it last answered: their cells are gone
   * or back to what they were, though the kernel may still hold what they defined.
   */
  private _undoNote(): string | undefined {
    const undone = this._turns
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

  private _touch(turn: ITurnRecord, cellId: string, previousSource: string | null): void {
    if (!turn.cells.some(cell => cell.cellId === cellId)) {
      turn.cells.push({ cellId, previousSource });
    }
  }

  private _cellExists(cellId: string): boolean {
    try {
      this._target.getSource(cellId);
      return true;
    } catch {
      return false;
    }
  }

  private _budgetExceeded(state: Private.ITurnState): string | undefined {
    const { turnTokenBudget, turnTimeBudgetMs } = this._options;
    if (turnTokenBudget > 0 && state.tokens >= turnTokenBudget) {
      return `The turn used ${state.tokens} tokens, over its budget of ${turnTokenBudget}.`;
    }
    if (turnTimeBudgetMs > 0 && Date.now() - state.started >= turnTimeBudgetMs) {
      return `The turn ran for ${Math.round((Date.now() - state.started) / 1000)} s, over its budget of ${Math.round(turnTimeBudgetMs / 1000)} s.`;
    }
    return undefined;
  }

  private _emit(event: AgentEvent): void {
    this._events.emit(event);
  }

  private _model: ModelClient;
  private _target: INotebookTarget;
  private _options: Required<
    Omit<
      Agent.IOptions,
      'model' | 'target' | 'protocol' | 'approve' | 'tokenCounter' | 'temperature' | 'savedConversation'
    >
  > & {
    temperature?: number;
  };
  private _approve?: ApprovalHook;
  private _kernelFolder?: string;
  private _counter: ITokenCounter;
  private _notebookContext: NotebookContext;
  private _window: ContextWindow;
  private _requestedProtocol: ModelProtocol | 'auto';
  private _protocol: ModelProtocol;
  private _messages: ChatMessage[] = [];
  private _turns: ITurnRecord[] = [];
  private _failedCellId: string | undefined;
  private _installedPackages: string[] | undefined;
  private _lastNotebookNote: string | undefined;
  private _lastKernelNote: string | undefined;
  private _droppedFromSaved: IDroppedItem[] = [];
  private _savedNoticeEmitted = false;
  private _controller: AbortController | null = null;
  private _events = new Signal<this, AgentEvent>(this);
  private _isDisposed = false;
}

/**
 * The namespace for `Agent` statics.
 */
export namespace Agent {
  /**
   * The options of an agent.
   */
  export interface IOptions {
    /**
     * The model.
     */
    model: ModelClient;

    /**
     * The notebook it works in.
     */
    target: INotebookTarget;

    /**
     * The protocol: `auto` (tools, falling back to text when the endpoint refuses tools),
     * `tools` or `text`. Default `auto`.
     */
    protocol?: ModelProtocol | 'auto';

    /**
     * Executions allowed per user turn. Default 3, as the paper's demo.
     */
    maxAttempts?: number;

    /**
     * Model requests allowed per user turn, so that a model that keeps answering with invalid
     * tool calls cannot loop. Default twice the attempts, plus 4.
     */
    maxModelRequests?: number;

    /**
     * Time limit of one cell in milliseconds; 0 for none. Default 60000.
     */
    cellTimeoutMs?: number;

    /**
     * Tokens of one execution's feedback. Default 1500.
     */
    outputBudgetTokens?: number;

    /**
     * Tokens of conversation history sent with each request; earlier outputs, then earlier turns,
     * give way beyond it (the current turn is always sent whole). 0 for no limit. Default 12000.
     */
    contextBudgetTokens?: number;

    /**
     * Tokens of the notebook's latest cells shown to the model with each request, so it knows
     * what the user's notebook holds; 0 shows none. Default 1500.
     */
    notebookContextTokens?: number;

    /**
     * Tokens of the kernel's state (the user's variables, frames with their columns, modules,
     * the working folder's files) shown to the model at the start of a turn when it changed;
     * 0 shows none, nor the first look at data files the prompt names. Default 600.
     */
    kernelStateTokens?: number;

    /**
     * Tokens of the fuller description of what the user's prompt mentions with `@` (a frame's
     * first rows and `describe()`, a file's first lines, a cell's source), shared between the
     * mentions. Default 1500.
     */
    mentionTokens?: number;

    /**
     * Tokens one turn may use (prompt and completion, over all its requests); 0 for no limit.
     */
    turnTokenBudget?: number;

    /**
     * Wall time one turn may take in milliseconds; 0 for no limit.
     */
    turnTimeBudgetMs?: number;

    /**
     * Whether the model reads images. Default false.
     */
    vision?: boolean;

    /**
     * Sampling temperature; the endpoint's default when omitted.
     */
    temperature?: number;

    /**
     * The model's context window in tokens, when known (see `ModelClient.contextWindow`): every
     * request is kept within it, with `answerTokens` left for the answer. 0 when unknown.
     */
    contextWindowTokens?: number;

    /**
     * Tokens kept for the answer within the context window (sent as `max_tokens` when the window
     * is known). Default 1024.
     */
    answerTokens?: number;

    /**
     * What to do with the conversation saved in the notebook: `continue` it (default; it is
     * checked first, see `checkSavedConversation`) or `ignore` it and start a new one, which
     * replaces it when the first turn is saved.
     */
    savedConversation?: 'continue' | 'ignore';

    /**
     * Consulted before each execution.
     */
    approve?: ApprovalHook;

    /**
     * Counts tokens for the budgets. Default: an estimate that needs no vocabulary (the command
     * line passes the tiktoken counter).
     */
    tokenCounter?: ITokenCounter;
  }

  /**
   * How a turn ended.
   */
  export interface ITurnResult {
    outcome: TurnOutcome;
    reason?: string;
    /**
     * What kind of model failure ended the turn, when the outcome is `model-error`.
     */
    modelErrorKind?: ModelErrorKind;
    /**
     * The figures of the answer that no output shows, when the outcome is `unverified`.
     */
    ungrounded?: string[];
    executions: number;
    lastStatus: ExecutionStatus | undefined;
    tokens: number;
    durationMs: number;
  }
}

namespace Private {
  /**
   * A cut-off answer is asked for again this many times in all.
   */
  export const STREAM_RETRIES = 3;

  /**
   * How long a turn waits for the kernel to describe its namespace before going on without it.
   */
  export const KERNEL_INSPECTION_TIMEOUT_MS = 2000;

  /**
   * The same with mentions, whose fuller descriptions (a frame's `describe()`) take longer.
   */
  export const MENTION_INSPECTION_TIMEOUT_MS = 5000;

  /**
   * What the kernel said of the mentioned names, if it was inspected.
   */
  export function mentionedIn(inspection: KernelInspection | undefined): IMentionedEntry[] {
    return inspection?.kind === 'namespace' ? (inspection.namespace.mentioned ?? []) : [];
  }

  /**
   * How the loop ended.
   */
  export interface ITurnEnding {
    outcome: TurnOutcome;
    reason?: string;
    modelErrorKind?: ModelErrorKind;
    ungrounded?: string[];
  }

  /**
   * The names a question may be about: the kernel's variables and the files of its folder.
   */
  export function knownNames(inspection: KernelInspection | undefined): string[] {
    if (inspection?.kind !== 'namespace') {
      return [];
    }
    const { variables, files } = inspection.namespace;
    return [...variables.map(variable => variable.name), ...files.map(([name]) => name)];
  }

  /**
   * What the model is told when it sends again code that failed in this turn, or `undefined`
   * when the code did not fail.
   */
  export function failedRun(state: ITurnState, code: string): string | undefined {
    const ran = state.ranCode.get(code);
    if (!ran || ran.status === 'ok') {
      return undefined;
    }
    return `This exact code failed (${ran.status}); it was not run again. Its result was:\n${ran.feedback}\nChange the code to fix the error.`;
  }

  /**
   * The execution results the conversation showed the model, without their header lines (cell
   * ids, statuses and execution counts are not results).
   */
  export function outputsShown(messages: ChatMessage[]): string[] {
    const shown: string[] = [];
    for (const message of messages) {
      const content = (message as { content?: unknown }).content;
      const text =
        typeof content === 'string'
          ? content
          : Array.isArray(content)
            ? (content as { type: string; text?: string }[]).map(part => part.text ?? '').join('\n')
            : '';
      if (message.role === 'tool' || (message.role === 'user' && text.startsWith(EXECUTION_RESULT_PREFIX))) {
        shown.push(text.replace(/^(cell_id|status|execution_count): .*$/gm, ''));
      }
    }
    return shown;
  }

  /**
   * What the model is asked when its answer states figures no output shows, or when it ran
   * nothing for a question about data.
   */
  export function groundingRequest(ungrounded: string[], ranNothing: boolean): string {
    if (!ungrounded.length) {
      return 'Nothing was run, and this question is about data that only code can read. Write code that computes the answer and prints it.';
    }
    const figures = ungrounded.join(', ');
    return `Your answer states ${figures}, which no cell's output shows${ranNothing ? ' (no code ran)' : ''}. Write code that computes ${ungrounded.length > 1 ? 'these figures' : 'it'} and prints ${ungrounded.length > 1 ? 'them' : 'it'}; state only figures an output shows.`;
  }

  /**
   * What the model is told after an import of a module the kernel lacks: not to use it, and
   * which data packages the kernel has.
   */
  export function missingModuleNote(result: IExecutionResult, installed: string[] | undefined): string | undefined {
    const error = result.outputs.find(output => output.output_type === 'error') as
      | { ename?: string; evalue?: string }
      | undefined;
    if (error?.ename !== 'ModuleNotFoundError') {
      return undefined;
    }
    const module = /'([^']+)'/.exec(error.evalue ?? '')?.[1] ?? 'that module';
    const have = installed?.length ? ` Installed data packages: ${installed.join(', ')}.` : '';
    return `Note: ${module} is not installed in this kernel; do not import it, do the job with what is installed.${have}`;
  }

  /**
   * The running turn.
   */
  export interface ITurnState {
    turn: ITurnRecord;
    signal: AbortSignal;
    started: number;
    tokens: number;
    lastStatus: ExecutionStatus | undefined;
    /**
     * Model requests made in the turn.
     */
    requests: number;
    /**
     * Images of this answer's executions, sent after all its tool results.
     */
    pendingImages: { cellId: string; parts: ChatCompletionContentPart[] }[];
    /**
     * Sources of the cells run in this turn, with how they ended and what the model was told.
     */
    ranCode: Map<string, { status: ExecutionStatus; feedback: string }>;
    /**
     * Whether the question names data (a file, a variable) that only code can read.
     */
    needsCode: boolean;
    /**
     * Whether the model was already asked to compute the figures of its answer.
     */
    groundingAsked: boolean;
    /**
     * Answers in a row with code but no tool call (tools protocol).
     */
    codeWithoutCall: number;
    /**
     * Answers that repeated code already run.
     */
    repeats: number;
  }

  /**
   * What to do with an answer: its actions, or ask the model again (after telling it something).
   */
  export interface IAnswerActions {
    actions: ModelAction[];
    askAgain?: boolean;
  }

  /**
   * What the model is told when it answers with code that already ran in the turn.
   */
  export const REPEAT_NOTE =
    'This code already ran in this turn; its result is above, and it was not run again. Answer the request from that result, or write different code if it needs more.';

  /**
   * Tokens of a request and its answer, for endpoints that report no usage.
   */
  export function estimateTokens(counter: ITokenCounter, messages: ChatMessage[], response: IModelResponse): number {
    let total =
      counter.count(response.content) + counter.count(response.toolCalls.map(call => call.arguments).join(''));
    for (const message of messages) {
      const content = (message as { content?: unknown }).content;
      if (typeof content === 'string') {
        total += counter.count(content);
      } else if (Array.isArray(content)) {
        for (const part of content as { type: string; text?: string }[]) {
          total += part.type === 'text' && part.text ? counter.count(part.text) : 765;
        }
      }
    }
    return total;
  }

  /**
   * The text the model reads about an execution.
   */
  export function describeResult(
    cellId: string,
    result: IExecutionResult,
    feedback: IRenderedFeedback,
    protocol: ModelProtocol
  ): string {
    if (protocol === 'text') {
      // The paper's format: the outputs alone.
      return feedback.text;
    }
    const count = result.executionCount !== null ? `\nexecution_count: ${result.executionCount}` : '';
    return `cell_id: ${cellId}\nstatus: ${result.status}${count}\noutput:\n${feedback.text}`;
  }

  /**
   * Where each turn's prompt is in the messages: recorded for new turns, found by the prompt's
   * text for turns saved without it.
   */
  export function turnStarts(turns: ITurnRecord[], messages: ChatMessage[]): number[] {
    const starts: number[] = [];
    let from = 0;
    for (const turn of turns) {
      let index = turn.messageIndex;
      if (index === undefined) {
        index = messages.findIndex(
          (message, i) =>
            i >= from &&
            message.role === 'user' &&
            typeof message.content === 'string' &&
            message.content.endsWith(turn.prompt)
        );
      }
      if (index !== undefined && index >= from) {
        starts.push(index);
        from = index + 1;
      }
    }
    return starts;
  }

  /**
   * The conversation with every tool call answered: a tool call left without its result (a turn
   * that failed midway, or a conversation saved by an older version) makes every later request
   * fail, so it gets a result saying it was not carried out.
   */
  export function withToolCallsAnswered(messages: ChatMessage[]): ChatMessage[] {
    const result: ChatMessage[] = [];
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      result.push(message);
      const calls = message.role === 'assistant' ? (message.tool_calls ?? []) : [];
      if (!calls.length) {
        continue;
      }
      const answered = new Set<string>();
      while (i + 1 < messages.length && messages[i + 1].role === 'tool') {
        const reply = messages[++i] as { tool_call_id: string };
        answered.add(reply.tool_call_id);
        result.push(messages[i]);
      }
      for (const call of calls) {
        if (!answered.has(call.id)) {
          result.push({ role: 'tool', tool_call_id: call.id, content: 'Not carried out: the turn ended first.' });
        }
      }
    }
    return result.length === messages.length ? messages : result;
  }

  /**
   * A message with its image data replaced by a placeholder (the image stays in the cell).
   */
  export function withoutImageData(message: ChatMessage): ChatMessage {
    const content = (message as { content?: unknown }).content;
    if (!Array.isArray(content)) {
      return message;
    }
    return {
      ...message,
      content: (content as ChatCompletionContentPart[]).map(part =>
        part.type === 'image_url' ? { type: 'text', text: '[image shown to the model; see the cell output]' } : part
      )
    } as ChatMessage;
  }
}
