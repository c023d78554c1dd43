// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ServerConnection } from '@jupyterlab/services';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { Signal, type ISignal } from '@lumino/signaling';

import type { AgentEvent } from '../agent/events';
import {
  fetchServerConfig,
  localModelState,
  updateServerConfig,
  type ILocalModelState,
  type IModelReadiness,
  type IServerConfig,
  type IServerConfigUpdate
} from './serverConfig';

/**
 * What the code interpreter knows of its model, with no UI: the model proxy's settings as the
 * server shows them, the embedded local model's state (read again each second while it loads),
 * and from both whether the model can answer. The sidebar and the status bar show it; the
 * service reads the server's model name from it.
 */
export class ModelStatus implements IDisposable {
  /**
   * Construct the model status. Nothing is read until `refresh` is called.
   *
   * @param options - the server connection, the model setting and the translations.
   */
  constructor(options: ModelStatus.IOptions = {}) {
    this._serverSettings = options.serverSettings;
    this._modelSetting = options.modelSetting ?? (() => '');
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
    this._poll = new Poll({
      auto: false,
      factory: () => this.readLocalModel(),
      frequency: { interval: 1000, backoff: false },
      name: 'jupyterlab-code-interpreter:local-model',
      // A model that loads in a background tab must be seen ready when the tab comes back, and
      // jsdom pages are always hidden: the poll runs only while the model loads, so it never waits.
      standby: 'never'
    });
  }

  /**
   * The server connection used for every request; the page's default one when `undefined`.
   */
  get serverSettings(): ServerConnection.ISettings | undefined {
    return this._serverSettings;
  }

  /**
   * The model proxy's settings as last read, or `null` when unknown or unreadable.
   */
  get config(): IServerConfig | null {
    return this._config;
  }

  /**
   * Why the settings could not be read ("" when they could).
   */
  get configError(): string {
    return this._configError;
  }

  /**
   * The embedded model's state as last read, or `null` when not read (or not the provider).
   */
  get localModel(): ILocalModelState | null {
    return this._localModel;
  }

  /**
   * Why the embedded model's state could not be read ("" when it could).
   */
  get localModelError(): string {
    return this._localModelError;
  }

  /**
   * The model named in the user settings, or "" when unset.
   */
  get modelSetting(): string {
    return this._modelSetting();
  }

  /**
   * The model the server is configured with, for requests when the model setting is empty: the
   * embedded model is named `local`, so that the model catalog gives it the protocol it does best
   * with (the proxy sends the served name).
   */
  get serverModel(): string {
    return this._config?.model || (this._config?.provider === 'local' ? 'local' : '');
  }

  /**
   * Whether the model can answer, or `null` until the server has answered.
   */
  get readiness(): IModelReadiness | null {
    return this._readiness;
  }

  /**
   * Emitted after each read of the settings or of the local model's state.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Emitted when the readiness changes.
   */
  get readinessChanged(): ISignal<this, IModelReadiness> {
    return this._readinessChanged;
  }

  /**
   * Whether the model status is disposed.
   */
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Read the server's model settings again, and the local model's state when it serves.
   *
   * @returns a promise that resolves when both are read; it never rejects (errors are kept in
   * `configError` and `localModelError`).
   */
  async refresh(): Promise<void> {
    // Reads overlap (the sidebar reads at once, a save or Try again reads again): only the last
    // one started may set the state, or an older answer arriving late would undo a newer one.
    const read = ++this._configReads;
    let config: IServerConfig | null = null;
    let configError = '';
    try {
      config = await fetchServerConfig(this._serverSettings);
    } catch (error) {
      configError = (error as Error).message;
    }
    if (this._isDisposed || read !== this._configReads) {
      return;
    }
    this._config = config;
    this._configError = configError;
    if (this._configError) {
      this._setReadiness({
        state: 'unavailable',
        provider: null,
        model: '',
        reason: this._trans.__(
          "The code interpreter's server extension did not answer (%1). Is the jupyterlab-code-interpreter Python package installed in the environment that runs Jupyter?",
          this._configError
        )
      });
    } else if (this._config && this._config.provider !== 'local') {
      this._localModel = null;
      void this._poll.stop();
      this._setReadiness({
        state: 'ready',
        provider: 'remote',
        model: this._modelSetting() || this._config.model,
        reason: ''
      });
    }
    if (this._config?.provider === 'local') {
      await this.readLocalModel();
      return;
    }
    this._changed.emit();
  }

  /**
   * Read the embedded model's state, or start it (`start`) when it is idle or failed. While it
   * loads, its state is read again each second.
   *
   * @param start - start the model.
   * @returns a promise that resolves when the state is read; it never rejects (an error is kept
   * in `localModelError`).
   */
  async readLocalModel(start = false): Promise<void> {
    // As for the settings: the poll's read answering after a later one (Try again) is stale.
    const read = ++this._localModelReads;
    let state: ILocalModelState | null = null;
    let error = '';
    try {
      state = await localModelState(start, this._serverSettings);
    } catch (reason) {
      error = (reason as Error).message;
    }
    if (this._isDisposed || read !== this._localModelReads) {
      return;
    }
    this._localModel = state;
    this._localModelError = error;
    if (state?.state === 'loading') {
      void this._poll.start();
    } else {
      void this._poll.stop();
    }
    this._setReadiness(
      state
        ? {
            state: state.state,
            provider: 'local',
            model: state.model,
            reason: Private.localModelReason(this._trans, state)
          }
        : {
            state: 'unavailable',
            provider: 'local',
            model: '',
            reason: this._trans.__('The local model state could not be read: %1', error)
          }
    );
    this._changed.emit();
  }

  /**
   * Change the model proxy's settings on the server, then read them again.
   *
   * @param update - the settings to change (the key goes to the server only).
   * @throws {ServerConnection.ResponseError} when the server refuses the change.
   */
  async updateConfig(update: IServerConfigUpdate): Promise<void> {
    await updateServerConfig(update, this._serverSettings);
    await this.refresh();
  }

  /**
   * Follow an agent event: the embedded model's state changes when it is asked (it loads) and
   * when an answer fails, so it is read again then, whoever sent the prompt.
   *
   * @param event - what the agent did.
   */
  noteAgentEvent(event: AgentEvent): void {
    if (this._config?.provider !== 'local') {
      return;
    }
    if ((event.type === 'model-request' && this._readiness?.state !== 'ready') || event.type === 'turn-end') {
      void this.readLocalModel();
    }
  }

  /**
   * Stop reading the local model's state. Safe to call more than once.
   */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    Signal.clearData(this);
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

  private _serverSettings: ServerConnection.ISettings | undefined;
  private _modelSetting: () => string;
  private _trans: TranslationBundle;
  private _poll: Poll;
  private _config: IServerConfig | null = null;
  private _configError = '';
  private _configReads = 0;
  private _localModel: ILocalModelState | null = null;
  private _localModelError = '';
  private _localModelReads = 0;
  private _readiness: IModelReadiness | null = null;
  private _changed = new Signal<this, void>(this);
  private _readinessChanged = new Signal<this, IModelReadiness>(this);
  private _isDisposed = false;
}

/**
 * The namespace for `ModelStatus` statics.
 */
export namespace ModelStatus {
  /**
   * The options of the model status.
   */
  export interface IOptions {
    /**
     * The server connection (the service manager's); the page's default one when omitted.
     */
    serverSettings?: ServerConnection.ISettings;

    /**
     * Returns the model named in the user settings ("" when unset).
     */
    modelSetting?: () => string;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}

namespace Private {
  /**
   * Why the embedded model cannot answer, as the sidebar and the status bar say it ("" when it can).
   */
  export function localModelReason(trans: TranslationBundle, state: ILocalModelState): string {
    switch (state.state) {
      case 'failed':
        return trans.__('The local model failed: %1', state.reason ?? '');
      case 'unavailable':
        return state.reason ?? trans.__('No local model is installed.');
      default:
        return '';
    }
  }
}
