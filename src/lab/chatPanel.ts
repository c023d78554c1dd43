// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { NotebookPanel } from '@jupyterlab/notebook';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { Contents, ServerConnection } from '@jupyterlab/services';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { ISignal } from '@lumino/signaling';
import { Panel, type Widget } from '@lumino/widgets';

import type { AgentEvent } from '../agent/events';
import type { ICellAttachment } from '../agent/turnRequest';
import type { AgentSession } from './agentSession';
import { PromptAttachments } from './promptAttachments';
import { ChatHeader } from './chatHeader';
import { CommandIDs } from './commandIds';
import { ConversationView } from './conversationView';
import { codeInterpreterIcon } from './icons';
import { mentionCandidates } from './mentionCandidates';
import { ModelSetup } from './modelSetup';
import { ModelStatus } from './modelStatus';
import { PromptBox } from './promptBox';
import { RemoteFreeSanitizer } from './remoteFreeSanitizer';
import type { IModelReadiness, IServerConfig } from './serverConfig';
import type { ICodeInterpreterSidebar } from './tokens';
import { attachmentsToArgs } from './turnArgs';

/**
 * The sidebar chat: the header, the model setup, the current notebook's conversation and the
 * prompt box, each a widget of its own. It shows an AgentSession and a ModelStatus; it holds no
 * agent state. Prompts and Stop go through the application's commands.
 */
export class ChatPanel extends Panel implements ICodeInterpreterSidebar {
  /**
   * Construct the sidebar.
   *
   * @param options - commands, markdown rendering, the model status, translations.
   */
  constructor(options: ChatPanel.IOptions) {
    super();
    this._commands = options.commands;
    this._contents = options.contents;
    const translator = options.translator ?? nullTranslator;
    this._trans = translator.load('jupyterlab_code_interpreter');
    this._ownsModelStatus = !options.modelStatus;
    this._modelStatus =
      options.modelStatus ??
      new ModelStatus({ serverSettings: options.serverSettings, modelSetting: options.modelSetting, translator });
    this.id = 'jp-code-interpreter';
    this.addClass('jp-CodeInterpreter');
    this.title.icon = codeInterpreterIcon;
    this.title.caption = this._trans.__('Code Interpreter');

    this._header = new ChatHeader({ translator });
    this._setup = new ModelSetup({ modelStatus: this._modelStatus, translator });
    this._conversation = new ConversationView({
      // The model's answers are untrusted: rendered with a sanitizer that also keeps the browser
      // from fetching anything they name (see RemoteFreeSanitizer).
      rendermime: options.rendermime.clone({ sanitizer: new RemoteFreeSanitizer(options.rendermime.sanitizer) }),
      translator
    });
    this._attachments = new PromptAttachments({ translator });
    this._prompt = new PromptBox({
      attachments: this._attachments,
      send: prompt => this._send(prompt),
      stop: () => void this._commands.execute(CommandIDs.stop),
      candidates: async () => {
        const target = this._session?.target;
        return target ? mentionCandidates(target, this._contents, this._trans) : [];
      },
      onError: message => this._conversation.showError(message),
      translator
    });
    this.addWidget(this._header);
    this.addWidget(this._setup);
    this.addWidget(this._conversation);
    this.addWidget(this._prompt);
    this._onRunningChanged();
    if (this._ownsModelStatus) {
      void this.refreshConfig();
    }
  }

  /**
   * The sidebar itself, as the widget the shell holds.
   */
  get widget(): Widget {
    return this;
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
    return this._modelStatus.config;
  }

  /**
   * Whether the model can answer, as the sidebar shows it (`null` until the server has answered).
   */
  get modelReadiness(): IModelReadiness | null {
    return this._modelStatus.readiness;
  }

  /**
   * Emitted when the model's readiness shown in the sidebar changes (the status bar follows it).
   */
  get modelReadinessChanged(): ISignal<ModelStatus, IModelReadiness> {
    return this._modelStatus.readinessChanged;
  }

  /**
   * Dispose of the sidebar, and of its model status when it made its own. Safe to call more
   * than once.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.setSession(null);
    if (this._ownsModelStatus) {
      this._modelStatus.dispose();
    }
    super.dispose();
    this._attachments.dispose();
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
      this._session.runningChanged.disconnect(this._onRunningChanged, this);
      this._session.events.disconnect(this._onAgentEvent, this);
      this._session.stepInsReturned.disconnect(this._onStepInsReturned, this);
    }
    this._session = session;
    this._conversation.setSession(session);
    if (session) {
      session.runningChanged.connect(this._onRunningChanged, this);
      session.events.connect(this._onAgentEvent, this);
      session.stepInsReturned.connect(this._onStepInsReturned, this);
    }
    this._header.setNotebook(session ? session.target.name : null);
    this._attachments.setNotebook(session ? session.panel : null);
    this._onRunningChanged();
  }

  /**
   * Read the server's model settings again (the model setup shows a hint when no key or model is
   * set).
   *
   * @returns a promise that resolves when they are read; it never rejects.
   */
  async refreshConfig(): Promise<void> {
    await this._modelStatus.refresh();
  }

  /**
   * Put text in the prompt box (the `code-interpreter:open` command uses it for a draft).
   *
   * @param text - the text.
   */
  setDraft(text: string): void {
    this._prompt.setDraft(text);
  }

  /**
   * Focus the prompt box.
   */
  focusInput(): void {
    this._prompt.focusInput();
  }

  /**
   * Attach a cell of the shown notebook to the next prompt, as a chip.
   *
   * @param notebook - the cell's notebook; nothing is attached unless the sidebar shows it.
   * @param attachment - the cell and the code selected in it.
   * @returns whether a chip was added (not for a cell already attached).
   */
  attachCell(notebook: NotebookPanel, attachment: ICellAttachment): boolean {
    return this._attachments.add(notebook, attachment);
  }

  protected onActivateRequest(): void {
    this.focusInput();
  }

  private _send(prompt: string): Promise<unknown> {
    // While a turn runs, the message goes to it (read at its next step).
    if (this._session?.stepIn(prompt)) {
      return Promise.resolve();
    }
    if (this._modelStatus.config?.provider === 'local') {
      // The first request loads the local model: show its progress meanwhile.
      void this._modelStatus.readLocalModel(true);
    }
    const panel = this._session?.panel;
    const attachments = this._attachments.take();
    if (!panel || !attachments.length) {
      return this._commands.execute(CommandIDs.ask, { prompt });
    }
    const sent = this._commands.execute(CommandIDs.ask, {
      prompt,
      attachments: attachmentsToArgs(attachments),
      intent: 'code'
    });
    // A prompt that could not be sent comes back in the box: its chips come back with it.
    sent.catch(() => this._attachments.restore(panel, attachments));
    return sent;
  }

  /**
   * A sidebar with a model status of its own follows its session's events for it; a shared one
   * is told by the service of every notebook's events.
   */
  private _onAgentEvent(_: AgentSession, event: AgentEvent): void {
    if (this._ownsModelStatus) {
      this._modelStatus.noteAgentEvent(event);
    }
  }

  /**
   * A stopped turn's messages that the model never read go back to the prompt box.
   */
  private _onStepInsReturned(_: AgentSession, text: string): void {
    this._prompt.restoreText(text);
  }

  private _onRunningChanged(): void {
    const running = !!this._session?.isRunning;
    this._header.setRunning(running);
    this._prompt.setRunning(running);
    this.node.dataset.running = String(running);
    this._conversation.refreshTurnEnds();
  }

  private _commands: CommandRegistry;
  private _contents: Contents.IManager | undefined;
  private _trans: TranslationBundle;
  private _modelStatus: ModelStatus;
  private _ownsModelStatus: boolean;
  private _session: AgentSession | null = null;
  private _header: ChatHeader;
  private _setup: ModelSetup;
  private _conversation: ConversationView;
  private _prompt: PromptBox;
  private _attachments: PromptAttachments;
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
     * What is known of the model, shared with the service and the status bar. When omitted the
     * sidebar makes its own from `serverSettings` and `modelSetting`, and reads it at once.
     */
    modelStatus?: ModelStatus;

    /**
     * The server connection of a model status the sidebar makes; the page's default when omitted.
     */
    serverSettings?: ServerConnection.ISettings;

    /**
     * The model named in the user settings (empty when unset), for a model status it makes.
     */
    modelSetting?: () => string;

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
