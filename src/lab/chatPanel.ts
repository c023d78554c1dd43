// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { MimeModel, type IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime';
import { PathExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';
import type { CommandRegistry } from '@lumino/commands';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Signal, type ISignal } from '@lumino/signaling';
import { Panel, Widget } from '@lumino/widgets';

import type { AgentEvent } from '../agent/events';
import { describeRiskKind } from '../agent/riskyCode';
import type { TurnOutcome } from '../conversation/conversationRecord';
import type { AgentSession } from './agentSession';
import { CommandIDs } from './commandIds';
import type { INamespaceVariable } from '../kernel/namespaceInspector';
import { formatByteSize } from '../feedback/imageInfo';
import { codeInterpreterIcon } from './icons';
import { MentionPopup, type IMentionCandidate } from './mentionPopup';
import { RemoteFreeSanitizer } from './remoteFreeSanitizer';
import {
  fetchServerConfig,
  localModelState,
  updateServerConfig,
  type ILocalModelState,
  type IModelReadiness,
  type IServerConfig
} from './serverConfig';
import type { Transcript, TranscriptEntry } from './transcript';

/**
 * The sidebar chat: the current notebook's conversation, each step as it happens, approvals,
 * undo, and the prompt box. It renders an AgentSession's transcript; it holds no agent state.
 */
export class ChatPanel extends Panel {
  /**
   * Construct the sidebar.
   *
   * @param options - commands, markdown rendering, what the model setting says, translations.
   */
  constructor(options: ChatPanel.IOptions) {
    super();
    this._commands = options.commands;
    // The model's answers are untrusted: rendered with a sanitizer that also keeps the browser
    // from fetching anything they name (see RemoteFreeSanitizer).
    this._rendermime = options.rendermime.clone({ sanitizer: new RemoteFreeSanitizer(options.rendermime.sanitizer) });
    this._modelSetting = options.modelSetting;
    this._translator = options.translator ?? nullTranslator;
    this._trans = this._translator.load('jupyterlab_code_interpreter');
    this._contents = options.contents;
    const trans = this._trans;
    this.id = 'jp-code-interpreter';
    this.addClass('jp-CodeInterpreter');
    this.title.icon = codeInterpreterIcon;
    this.title.caption = trans.__('Code Interpreter');

    this._header = new Widget();
    this._header.addClass('jp-CodeInterpreter-header');
    const heading = (className: string, text: string) => {
      const span = document.createElement('span');
      span.className = className;
      span.textContent = text;
      return span;
    };
    const status = heading('jp-CodeInterpreter-status', trans.__('idle'));
    status.dataset.status = 'idle';
    this._header.node.append(
      heading('jp-CodeInterpreter-title', trans.__('Code Interpreter')),
      heading('jp-CodeInterpreter-notebook', trans.__('no notebook open')),
      status
    );
    this._notice = new Widget();
    this._notice.addClass('jp-CodeInterpreter-notice');
    this._notice.hide();
    this._list = new Panel();
    this._list.addClass('jp-CodeInterpreter-transcript');
    this._empty = new Widget();
    this._empty.addClass('jp-CodeInterpreter-empty');
    this._empty.node.textContent = trans.__(
      'Ask for an analysis, a plot or a fix. The code goes into cells of the current notebook and runs on its kernel; failing cells are revised until they work.'
    );
    this._thinking = new Widget();
    this._thinking.addClass('jp-CodeInterpreter-thinking');
    this._thinking.node.textContent = trans.__('Thinking…');
    this._thinking.hide();
    this._composer = this._createComposer();

    this.addWidget(this._header);
    this.addWidget(this._notice);
    this.addWidget(this._list);
    this.addWidget(this._composer);
    this._showEntries();
    // Nothing runs yet: Send, not Stop (setSession(null) changes nothing, so it would not do this).
    this._onRunningChanged();
    void this.refreshConfig();
  }

  /**
   * Dispose of the panel and stop reading the local model's state. Safe to call more than once.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    clearTimeout(this._localModelPoll);
    this._mentions.dispose();
    super.dispose();
  }

  /**
   * The session shown (the current notebook's), or `null`.
   */
  get session(): AgentSession | null {
    return this._session;
  }

  /**
   * The model proxy's settings as last read from the server, or `null` when unknown.
   */
  get serverConfig(): IServerConfig | null {
    return this._config;
  }

  /**
   * Whether the model can answer, as the sidebar shows it (`null` until the server has answered).
   */
  get modelReadiness(): IModelReadiness | null {
    return this._readiness;
  }

  /**
   * Emitted when the model's readiness shown in the sidebar changes (the status bar follows it).
   */
  get modelReadinessChanged(): ISignal<this, IModelReadiness> {
    return this._readinessChanged;
  }

  /**
   * Show another notebook's session.
   *
   * @param session - the session, or `null` when no notebook is current.
   */
  setSession(session: AgentSession | null): void {
    if (session === this._session) {
      return;
    }
    if (this._session) {
      this._session.transcript.changed.disconnect(this._onTranscriptChanged, this);
      this._session.runningChanged.disconnect(this._onRunningChanged, this);
      this._session.events.disconnect(this._onAgentEvent, this);
    }
    this._session = session;
    if (session) {
      session.transcript.changed.connect(this._onTranscriptChanged, this);
      session.runningChanged.connect(this._onRunningChanged, this);
      session.events.connect(this._onAgentEvent, this);
    }
    const name = this._header.node.querySelector('.jp-CodeInterpreter-notebook');
    if (name) {
      name.textContent = session ? session.target.name : this._trans.__('no notebook open');
    }
    this._showEntries();
    this._onRunningChanged();
  }

  /**
   * Read the server's model settings again and show a hint when no key or model is set.
   */
  async refreshConfig(): Promise<void> {
    try {
      this._config = await fetchServerConfig();
      this._configError = '';
    } catch (error) {
      this._config = null;
      this._configError = (error as Error).message;
    }
    this._renderNotice();
  }

  /**
   * Put text in the prompt box (the `code-interpreter:open` command uses it for a draft).
   *
   * @param text - the text.
   */
  setDraft(text: string): void {
    this._input.value = text;
  }

  /**
   * Focus the prompt box.
   */
  focusInput(): void {
    this._input.focus();
  }

  protected onActivateRequest(): void {
    this.focusInput();
  }

  private _createComposer(): Widget {
    const trans = this._trans;
    const composer = new Widget();
    composer.addClass('jp-CodeInterpreter-composer');
    const input = document.createElement('textarea');
    input.className = 'jp-CodeInterpreter-input';
    input.rows = 3;
    input.placeholder = trans.__('Ask the code interpreter… (Enter to send, Shift+Enter for a new line)');
    const mentions = new MentionPopup({
      input,
      candidates: () => this._mentionCandidates(),
      translator: this._translator
    });
    input.addEventListener('keydown', event => {
      if (mentions.handleKey(event)) {
        return;
      }
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        event.stopPropagation();
        this._send();
      }
    });
    const send = document.createElement('button');
    send.className = 'jp-Button jp-mod-styled jp-mod-accept jp-CodeInterpreter-send';
    send.textContent = trans.__('Send');
    send.addEventListener('click', () => this._send());
    const stop = document.createElement('button');
    stop.className = 'jp-Button jp-mod-styled jp-mod-warn jp-CodeInterpreter-stop';
    stop.textContent = trans.__('Stop');
    stop.title = trans.__('Stop the model and interrupt the running cell');
    stop.addEventListener('click', () => void this._commands.execute(CommandIDs.stop));
    const buttons = document.createElement('div');
    buttons.className = 'jp-CodeInterpreter-buttons';
    buttons.append(send, stop);
    composer.node.append(mentions.node, input, buttons);
    this._input = input;
    this._mentions = mentions;
    this._sendButton = send;
    this._stopButton = stop;
    return composer;
  }

  /**
   * What the user can mention now: the kernel's variables (not asked while it runs code), the
   * notebook's cells and the entries of the notebook's folder, where its kernel starts.
   */
  private async _mentionCandidates(): Promise<IMentionCandidate[]> {
    const target = this._session?.target;
    if (!target) {
      return [];
    }
    const folder = PathExt.dirname(target.name);
    const [inspection, listing] = await Promise.all([
      target.inspectKernel({ maxVariables: 200, maxFiles: 0 }),
      this._contents?.get(folder, { content: true }).catch(() => null) ?? Promise.resolve(null)
    ]);
    const candidates: IMentionCandidate[] = [];
    if (inspection.kind === 'namespace') {
      for (const variable of inspection.namespace.variables) {
        candidates.push({ kind: 'variable', name: variable.name, detail: Private.variableDetail(variable) });
      }
    }
    target.cells().forEach((cell, index) => {
      const firstLine = cell.source.split('\n').find(line => line.trim()) ?? '';
      candidates.push({
        kind: 'cell',
        name: `cell${index + 1}`,
        detail: firstLine.length > 40 ? `${firstLine.slice(0, 39)}…` : firstLine || this._trans.__('empty')
      });
    });
    const entries = Array.isArray(listing?.content) ? (listing.content as Contents.IModel[]) : [];
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.path === target.name) {
        continue;
      }
      const folderEntry = entry.type === 'directory';
      candidates.push({
        kind: folderEntry ? 'folder' : 'file',
        name: folderEntry ? `${entry.name}/` : entry.name,
        detail: folderEntry ? this._trans.__('folder') : Private.sizeText(entry.size)
      });
    }
    return candidates;
  }

  private _send(): void {
    const prompt = this._input.value.trim();
    if (!prompt || this._session?.isRunning) {
      return;
    }
    this._input.value = '';
    if (this._config?.provider === 'local') {
      // The first request loads the local model: show its progress meanwhile.
      void localModelState(true).then(
        state => this._renderLocalModel(state),
        () => undefined
      );
    }
    void this._commands.execute(CommandIDs.ask, { prompt }).catch(error => {
      // Nothing the user wrote is lost: the prompt comes back unless they typed a new one.
      if (!this._input.value) {
        this._input.value = prompt;
      }
      this._showError((error as Error).message);
    });
  }

  /**
   * The local model's state changes when it is asked (it loads) and when an answer fails: read it
   * again then, whether the prompt came from the sidebar or from a command.
   */
  private _onAgentEvent(_: AgentSession, event: AgentEvent): void {
    if (this._config?.provider !== 'local') {
      return;
    }
    if ((event.type === 'model-request' && this._readiness?.state !== 'ready') || event.type === 'turn-end') {
      this._renderLocalModel();
    }
  }

  private _setReadiness(readiness: IModelReadiness): void {
    const last = this._readiness;
    if (
      last &&
      last.state === readiness.state &&
      last.provider === readiness.provider &&
      last.model === readiness.model &&
      last.reason === readiness.reason
    ) {
      return;
    }
    this._readiness = readiness;
    this._readinessChanged.emit(readiness);
  }

  private _showError(message: string): void {
    const widget = new Widget();
    widget.addClass('jp-CodeInterpreter-step');
    widget.node.dataset.state = 'warning';
    widget.node.textContent = message;
    this._list.insertWidget(this._list.widgets.length - 1, widget);
  }

  private _onRunningChanged(): void {
    const running = !!this._session?.isRunning;
    this._stopButton.hidden = !running;
    this._sendButton.hidden = running;
    const status = this._header.node.querySelector<HTMLElement>('.jp-CodeInterpreter-status');
    if (status) {
      status.textContent = running ? this._trans.__('running') : this._trans.__('idle');
      status.dataset.status = running ? 'running' : 'idle';
    }
    this.node.dataset.running = String(running);
    // Undo buttons depend on whether a turn runs.
    for (const [entry, widget] of this._widgets) {
      if (entry.kind === 'turn-end') {
        this._renderEntry(entry, widget);
      }
    }
  }

  private _onTranscriptChanged(_: Transcript, change: Transcript.IChange): void {
    switch (change.type) {
      case 'reset':
        this._showEntries();
        return;
      case 'thinking':
        this._thinking.setHidden(!this._session?.transcript.thinking);
        this._scrollToEnd();
        return;
      case 'added': {
        this._empty.hide();
        const widget = this._createEntry(change.entry);
        this._list.insertWidget(this._list.widgets.indexOf(this._thinking), widget);
        this._scrollToEnd();
        return;
      }
      case 'changed': {
        const widget = this._widgets.get(change.entry);
        if (widget) {
          this._renderEntry(change.entry, widget);
          this._scrollToEnd();
        }
        return;
      }
    }
  }

  private _showEntries(): void {
    for (const widget of [...this._list.widgets]) {
      if (widget !== this._empty && widget !== this._thinking) {
        widget.dispose();
      }
    }
    this._widgets.clear();
    this._list.addWidget(this._empty);
    const entries = this._session?.transcript.entries ?? [];
    for (const entry of entries) {
      this._list.addWidget(this._createEntry(entry));
    }
    this._list.addWidget(this._thinking);
    this._empty.setHidden(entries.length > 0);
    this._thinking.setHidden(!this._session?.transcript.thinking);
    this._scrollToEnd(true);
  }

  private _createEntry(entry: TranscriptEntry): Widget {
    const widget = entry.kind === 'assistant' ? new Private.MarkdownEntry(this._rendermime) : new Widget();
    widget.addClass('jp-CodeInterpreter-entry');
    widget.addClass(`jp-CodeInterpreter-${entry.kind}`);
    this._widgets.set(entry, widget);
    this._renderEntry(entry, widget);
    return widget;
  }

  private _renderEntry(entry: TranscriptEntry, widget: Widget): void {
    const node = widget.node;
    switch (entry.kind) {
      case 'user':
        node.textContent = entry.text;
        return;
      case 'assistant':
        (widget as Private.MarkdownEntry).render(entry.text, entry.streaming);
        return;
      case 'step':
        this._renderStep(entry, node);
        return;
      case 'approval':
        this._renderApproval(entry, node);
        return;
      case 'turn-end':
        this._renderTurnEnd(entry, node);
        return;
      case 'review':
        this._renderReview(entry, node);
        return;
    }
  }

  /**
   * A conversation loaded from the notebook, in full: every message the agent would send after
   * its own system prompt, as plain text (never rendered as markdown, so nothing in it is hidden
   * by formatting), then the choice to continue it or start fresh.
   */
  private _renderReview(entry: Transcript.IReviewEntry, node: HTMLElement): void {
    const trans = this._trans;
    node.replaceChildren();
    const notice = document.createElement('p');
    notice.className = 'jp-CodeInterpreter-review-notice';
    notice.textContent = trans.__(
      'This notebook holds a conversation (%1 turns) that was saved before this sidebar opened it, maybe by someone else. Below is all of it that would be sent to the model, after the code interpreter’s own instructions. Nothing is sent until you choose.',
      entry.turns
    );
    node.append(notice);
    if (entry.dropped) {
      const dropped = document.createElement('p');
      dropped.className = 'jp-CodeInterpreter-review-dropped';
      dropped.textContent = entry.dropped;
      node.append(dropped);
    }
    const list = document.createElement('ol');
    list.className = 'jp-CodeInterpreter-review-messages';
    for (const message of entry.messages) {
      const item = document.createElement('li');
      item.dataset.role = message.role;
      const role = document.createElement('strong');
      role.textContent = Private.describeRole(trans, message.role);
      const text = document.createElement('pre');
      text.textContent = [
        message.text,
        ...message.calls.map(call => trans.__('calls %1 with %2', call.name, call.arguments))
      ]
        .filter(Boolean)
        .join('\n');
      item.append(role, text);
      list.append(item);
    }
    node.append(list);
    const buttons = document.createElement('div');
    buttons.className = 'jp-CodeInterpreter-buttons';
    const button = (label: string, cls: string, onClick: () => void) => {
      const element = document.createElement('button');
      element.type = 'button';
      element.className = `jp-Button jp-mod-styled ${cls}`;
      element.textContent = label;
      element.addEventListener('click', onClick);
      buttons.append(element);
    };
    button(trans.__('Continue this conversation'), 'jp-mod-accept jp-CodeInterpreter-review-continue', () =>
      this._session?.continueSaved()
    );
    button(trans.__('Start fresh'), 'jp-mod-reject jp-CodeInterpreter-review-fresh', () => this._session?.startFresh());
    node.append(buttons);
  }

  private _renderStep(entry: Transcript.IStepEntry, node: HTMLElement): void {
    node.replaceChildren();
    node.dataset.state = entry.state;
    const label = document.createElement('span');
    label.className = 'jp-CodeInterpreter-stepLabel';
    label.textContent = entry.label;
    node.append(label);
    if (entry.cellId) {
      node.append(' ', this._cellLink(entry.cellId, entry.executionCount, entry.state === 'running'));
    }
    if (entry.detail) {
      const detail = document.createElement('span');
      detail.className = 'jp-CodeInterpreter-stepDetail';
      detail.textContent = `: ${entry.detail}`;
      node.append(detail);
    }
    if (entry.attempt !== undefined && entry.maxAttempts !== undefined) {
      const attempt = document.createElement('span');
      attempt.className = 'jp-CodeInterpreter-attempt';
      attempt.textContent = this._trans.__('attempt %1 of %2', entry.attempt, entry.maxAttempts);
      node.append(' ', attempt);
    }
    if (entry.code) {
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = this._trans.__('code');
      const pre = document.createElement('pre');
      pre.textContent = entry.code;
      details.append(summary, pre);
      node.append(details);
    }
  }

  private _cellLink(cellId: string, executionCount?: number | null, running = false): HTMLElement {
    const link = document.createElement('a');
    link.className = 'jp-CodeInterpreter-cellLink';
    link.href = '#';
    link.dataset.cellId = cellId;
    const position = this._session?.cellPosition(cellId);
    const count = running ? '[*]' : executionCount ? `[${executionCount}]` : '';
    link.textContent =
      position === undefined
        ? this._trans.__('cell (deleted)')
        : `${this._trans.__('cell %1', position)}${count ? ' ' + count : ''}`;
    link.title = this._trans.__('Scroll to the cell');
    link.addEventListener('click', event => {
      event.preventDefault();
      this._session?.revealCell(cellId);
    });
    return link;
  }

  private _renderApproval(entry: Transcript.IApprovalEntry, node: HTMLElement): void {
    const trans = this._trans;
    node.replaceChildren();
    node.dataset.state = entry.state;
    const question = document.createElement('div');
    question.className = 'jp-CodeInterpreter-question';
    const why = entry.risks.length
      ? ' ' + trans.__('It %1.', [...new Set(entry.risks.map(risk => describeRiskKind(risk.kind)))].join(', '))
      : '';
    question.textContent =
      entry.state === 'pending'
        ? (entry.request.kind === 'new' ? trans.__('Run this new cell?') : trans.__('Run this revised cell?')) + why
        : {
            run: trans.__('Approved.'),
            skip: trans.__('Skipped.'),
            edit: trans.__('Edited and run.'),
            cancelled: trans.__('Not answered: the turn stopped.'),
            pending: ''
          }[entry.state];
    node.append(question, ' ', this._cellLink(entry.request.cellId));
    if (entry.state !== 'pending') {
      return;
    }
    for (const risk of entry.risks) {
      const item = document.createElement('div');
      item.className = 'jp-CodeInterpreter-risk';
      item.textContent = trans.__('line %1: %2', risk.line, risk.match);
      node.append(item);
    }
    const code = document.createElement('textarea');
    code.className = 'jp-CodeInterpreter-approvalCode';
    code.value = entry.request.code;
    code.readOnly = true;
    code.rows = Math.min(12, entry.request.code.split('\n').length + 1);
    const buttons = document.createElement('div');
    buttons.className = 'jp-CodeInterpreter-buttons';
    const button = (text: string, cls: string, onClick: () => void) => {
      const element = document.createElement('button');
      element.className = `jp-Button jp-mod-styled ${cls}`;
      element.textContent = text;
      element.addEventListener('click', event => {
        // Only the person's own click answers: a script in the page (an output or an extension
        // calling `click()` or dispatching an event) makes untrusted events, and must not be able
        // to approve code on the person's behalf.
        if (event.isTrusted) {
          onClick();
        }
      });
      buttons.append(element);
      return element;
    };
    const session = this._session;
    button(trans.__('Run'), 'jp-mod-accept jp-CodeInterpreter-approve', () =>
      session?.answer(entry, { action: 'run' })
    );
    button(trans.__('Skip'), 'jp-mod-reject jp-CodeInterpreter-skip', () =>
      session?.answer(entry, { action: 'skip', reason: 'The user chose not to run this code.' })
    );
    const edit = button(trans.__('Edit'), 'jp-CodeInterpreter-edit', () => {
      if (code.readOnly) {
        code.readOnly = false;
        code.focus();
        edit.textContent = trans.__('Run edited');
      } else {
        session?.answer(entry, { action: 'edit', code: code.value });
      }
    });
    node.append(code, buttons);
  }

  private _renderTurnEnd(entry: Transcript.ITurnEndEntry, node: HTMLElement): void {
    node.replaceChildren();
    node.dataset.outcome = entry.outcome;
    const text = document.createElement('span');
    text.className = 'jp-CodeInterpreter-outcome';
    text.textContent = Private.describeOutcome(this._trans, entry.outcome, entry.reason, entry.executions);
    node.append(text);
    const session = this._session;
    if (entry.undone) {
      const undone = document.createElement('span');
      undone.className = 'jp-CodeInterpreter-undone';
      undone.textContent = ` · ${this._trans.__('undone')}`;
      node.append(undone);
    } else if (session?.canUndo(entry)) {
      const undo = document.createElement('button');
      undo.className = 'jp-Button jp-mod-styled jp-CodeInterpreter-undo';
      undo.textContent = this._trans.__('Undo');
      undo.title = this._trans.__('Delete the cells this turn added and restore the cells it edited');
      undo.disabled = session.isRunning;
      undo.addEventListener('click', () => {
        try {
          session.undo(entry);
        } catch (error) {
          this._showError((error as Error).message);
        }
      });
      node.append(' ', undo);
    }
  }

  private _renderNotice(): void {
    const trans = this._trans;
    const node = this._notice.node;
    node.replaceChildren();
    if (this._configError) {
      node.textContent = trans.__(
        "The code interpreter's server extension did not answer (%1). Is the jupyterlab-code-interpreter Python package installed in the environment that runs Jupyter?",
        this._configError
      );
      this._notice.show();
      this._setReadiness({ state: 'unavailable', provider: null, model: '', reason: node.textContent });
      return;
    }
    const config = this._config;
    if (!config) {
      this._notice.hide();
      return;
    }
    if (config.provider === 'local') {
      this._renderLocalModel();
      return;
    }
    const model = this._modelSetting() || config.model;
    this._setReadiness({ state: 'ready', provider: 'remote', model, reason: '' });
    if (config.has_api_key && model) {
      this._notice.hide();
      return;
    }
    const hint = document.createElement('div');
    hint.className = 'jp-CodeInterpreter-hint';
    hint.textContent = [
      trans.__('Model endpoint: %1.', config.base_url),
      model
        ? trans.__('Model: %1.', model)
        : trans.__('No model is set: enter one below or in Settings → Code Interpreter.'),
      config.has_api_key
        ? ''
        : trans.__(
            'No API key is set on the server. Endpoints such as OpenAI need one; local servers (Ollama, vLLM, llama.cpp) usually do not, so you can try without. The key goes to the Jupyter server and is not kept in the browser.'
          )
    ]
      .filter(Boolean)
      .join(' ');
    const form = document.createElement('form');
    form.className = 'jp-CodeInterpreter-keyForm';
    const key = document.createElement('input');
    key.type = 'password';
    key.autocomplete = 'off';
    key.placeholder = trans.__('API key');
    key.className = 'jp-mod-styled jp-CodeInterpreter-keyInput';
    const modelInput = document.createElement('input');
    modelInput.type = 'text';
    modelInput.placeholder = trans.__('model (e.g. gpt-4o-mini)');
    modelInput.value = config.model;
    modelInput.className = 'jp-mod-styled jp-CodeInterpreter-modelInput';
    const save = document.createElement('button');
    save.type = 'submit';
    save.className = 'jp-Button jp-mod-styled jp-mod-accept';
    save.textContent = trans.__('Save on server');
    const useLocal = document.createElement('button');
    useLocal.type = 'button';
    useLocal.className = 'jp-Button jp-mod-styled jp-CodeInterpreter-useLocal';
    useLocal.textContent = trans.__('Use the local model');
    useLocal.title = trans.__(
      'Forget the endpoint and its key on the server, and use the model the server runs itself'
    );
    useLocal.addEventListener('click', () => {
      void updateServerConfig({ base_url: '', api_key: '' })
        .then(() => this.refreshConfig())
        .catch(error => {
          hint.textContent = trans.__('The server refused the settings: %1', (error as Error).message);
        });
    });
    form.append(...(config.has_api_key ? [] : [key]), modelInput, save, useLocal);
    form.addEventListener('submit', event => {
      event.preventDefault();
      const update: { api_key?: string; model?: string } = {};
      if (key.value) {
        update.api_key = key.value;
      }
      if (modelInput.value.trim() && modelInput.value.trim() !== config.model) {
        update.model = modelInput.value.trim();
      }
      // Forget the key in the page at once; only the server keeps it.
      key.value = '';
      void updateServerConfig(update)
        .then(() => this.refreshConfig())
        .catch(error => {
          hint.textContent = trans.__('The server refused the settings: %1', (error as Error).message);
        });
    });
    node.append(hint, form);
    this._notice.show();
  }

  /**
   * The embedded local model's state: loading (with progress), ready, failed with the reason, or
   * how to get it; while it loads the state is read again each second.
   */
  private _renderLocalModel(state?: ILocalModelState): void {
    const trans = this._trans;
    const node = this._notice.node;
    if (!state) {
      void localModelState(false)
        .then(read => this._renderLocalModel(read))
        .catch(error => {
          node.textContent = trans.__('The local model state could not be read: %1', (error as Error).message);
          this._notice.show();
          this._setReadiness({ state: 'unavailable', provider: 'local', model: '', reason: node.textContent });
        });
      return;
    }
    node.replaceChildren();
    const line = document.createElement('div');
    line.className = 'jp-CodeInterpreter-localModel';
    line.dataset.state = state.state;
    const action = (label: string, start: boolean) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'jp-Button jp-mod-styled jp-mod-accept';
      button.textContent = label;
      button.addEventListener('click', () => {
        button.disabled = true;
        void localModelState(start)
          .then(read => this._renderLocalModel(read))
          .catch(error => (line.textContent = (error as Error).message));
      });
      return button;
    };
    switch (state.state) {
      case 'idle':
        line.textContent = trans.__('Local model %1: it loads on first use.', state.model);
        node.append(line, action(trans.__('Load now'), true));
        break;
      case 'loading': {
        const progress = state.progress;
        const percent = progress && progress.total > 0 ? Math.floor((100 * progress.done) / progress.total) : null;
        line.textContent =
          percent === null
            ? trans.__('Loading the local model %1…', state.model)
            : trans.__('Loading the local model %1… %2%', state.model, percent);
        node.append(line);
        clearTimeout(this._localModelPoll);
        this._localModelPoll = window.setTimeout(() => {
          if (!this.isDisposed) {
            this._renderLocalModel();
          }
        }, 1000);
        break;
      }
      case 'ready':
        line.textContent = trans.__('Local model %1, ready (context %2 tokens).', state.model, state.context_size);
        node.append(line);
        break;
      case 'failed':
        line.textContent = trans.__('The local model failed: %1', state.reason ?? '');
        node.append(line, action(trans.__('Try again'), true));
        break;
      default:
        line.textContent = state.reason ?? trans.__('No local model is installed.');
        node.append(line);
        break;
    }
    this._notice.show();
    this._setReadiness({
      state: state.state,
      provider: 'local',
      model: state.model,
      reason: state.state === 'failed' || state.state === 'unavailable' ? (line.textContent ?? '') : ''
    });
  }

  private _scrollToEnd(force = false): void {
    const node = this._list.node;
    const nearEnd = node.scrollHeight - node.scrollTop - node.clientHeight < 80;
    if (force || nearEnd || this._session?.isRunning) {
      requestAnimationFrame(() => {
        node.scrollTop = node.scrollHeight;
      });
    }
  }

  private _commands: CommandRegistry;
  private _rendermime: IRenderMimeRegistry;
  private _localModelPoll = 0;
  private _modelSetting: () => string;
  private _translator: ITranslator;
  private _trans: TranslationBundle;
  private _contents: Contents.IManager | undefined;
  private _session: AgentSession | null = null;
  private _header: Widget;
  private _notice: Widget;
  private _list: Panel;
  private _empty: Widget;
  private _thinking: Widget;
  private _composer: Widget;
  private _input!: HTMLTextAreaElement;
  private _mentions!: MentionPopup;
  private _sendButton!: HTMLButtonElement;
  private _stopButton!: HTMLButtonElement;
  private _widgets = new Map<TranscriptEntry, Widget>();
  private _config: IServerConfig | null = null;
  private _configError = '';
  private _readiness: IModelReadiness | null = null;
  private _readinessChanged = new Signal<this, IModelReadiness>(this);
}

/**
 * The namespace for `ChatPanel` statics.
 */
export namespace ChatPanel {
  /**
   * The options of the sidebar.
   */
  export interface IOptions {
    /**
     * The application's commands (send and stop go through them).
     */
    commands: CommandRegistry;

    /**
     * Renders the model's markdown. The sidebar renders with a copy whose sanitizer also takes
     * out anything the browser would fetch: answers are untrusted.
     */
    rendermime: IRenderMimeRegistry;

    /**
     * The model named in the user settings (empty when unset).
     */
    modelSetting: () => string;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;

    /**
     * The server's contents, to offer the notebook folder's files as mentions; none when omitted.
     */
    contents?: Contents.IManager;
  }
}

namespace Private {
  /**
   * The label of a message's role in the review of a saved conversation.
   */
  export function describeRole(trans: TranslationBundle, role: Transcript.IReviewMessage['role']): string {
    switch (role) {
      case 'user':
        return trans.__('Sent as the user:');
      case 'assistant':
        return trans.__('Sent as the model’s answer:');
      case 'tool':
        return trans.__('Sent as a tool result:');
    }
  }

  /**
   * A variable's type and size, as the mention list shows it.
   */
  export function variableDetail(variable: INamespaceVariable): string {
    const { kind, type, shape, dtype, length, value } = variable;
    if (value !== undefined) {
      return `${type} = ${value}`;
    }
    const size = shape ? (kind === 'dataframe' ? `${shape[0]} × ${shape[1]}` : `(${shape.join(', ')})`) : '';
    return [type, size, dtype, length === undefined ? '' : `len ${length}`].filter(Boolean).join(' ');
  }

  /**
   * A file's size, or nothing when the server did not give it.
   */
  export function sizeText(size: number | undefined): string {
    return typeof size === 'number' ? formatByteSize(size) : '';
  }

  /**
   * An answer of the model, rendered as markdown by JupyterLab's own renderer. While the answer
   * streams, it is rendered at the next animation frame after a token arrives, and never twice at
   * once: tokens that arrive during a render are shown by the render that follows it.
   */
  export class MarkdownEntry extends Panel {
    constructor(rendermime: IRenderMimeRegistry) {
      super();
      this._renderer = rendermime.createRenderer('text/markdown');
      this.addWidget(this._renderer);
    }

    render(text: string, streaming: boolean): void {
      this._text = text;
      if (streaming) {
        this._schedule();
        return;
      }
      if (this._frame !== null) {
        cancelAnimationFrame(this._frame);
        this._frame = null;
      }
      void this._renderNow();
    }

    dispose(): void {
      if (this._frame !== null) {
        cancelAnimationFrame(this._frame);
        this._frame = null;
      }
      super.dispose();
    }

    private _schedule(): void {
      if (this._frame !== null || this._rendering) {
        return;
      }
      this._frame = requestAnimationFrame(() => {
        this._frame = null;
        void this._renderNow();
      });
    }

    private async _renderNow(): Promise<void> {
      // Renders run one after another, so a slow one never overwrites a newer text.
      const previous = this._chain;
      let done!: () => void;
      this._chain = new Promise<void>(resolve => (done = resolve));
      await previous;
      const text = this._text;
      this._rendering = true;
      try {
        if (!this.isDisposed && text !== this._rendered) {
          await this._renderer.renderModel(new MimeModel({ data: { 'text/markdown': text }, trusted: false }));
          this._rendered = text;
        }
      } catch {
        // A failed render leaves the previous text on screen; the next token tries again.
      } finally {
        this._rendering = false;
        done();
      }
      if (!this.isDisposed && this._text !== this._rendered) {
        this._schedule();
      }
    }

    private _renderer: IRenderMime.IRenderer;
    private _text = '';
    private _rendered: string | null = null;
    private _frame: number | null = null;
    private _rendering = false;
    private _chain: Promise<void> = Promise.resolve();
  }

  /**
   * One line saying how a turn ended.
   */
  export function describeOutcome(
    trans: TranslationBundle,
    outcome: TurnOutcome,
    reason: string | undefined,
    executions: number
  ): string {
    const runs = trans._n('%1 execution', '%1 executions', executions);
    switch (outcome) {
      case 'completed':
        return trans.__('Done (%1).', runs);
      case 'gave-up':
        return trans.__('Gave up: %1 (%2).', reason ?? trans.__('the last execution failed'), runs);
      case 'stopped':
        return trans.__('Stopped (%1).', runs);
      case 'budget-exhausted':
        return trans.__('Budget used up: %1', reason ?? '');
      case 'model-error':
        return trans.__('Model error: %1', reason ?? trans.__('the request failed'));
      case 'unverified':
        return trans.__('Not verified: %1 (%2).', reason ?? trans.__('the answer is not shown by any output'), runs);
    }
  }
}
