// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { ModelStatus } from './modelStatus';
import type { ILocalModelState, IServerConfig } from './serverConfig';

/**
 * The sidebar's model setup, shown only when there is something to say: that the server
 * extension did not answer; the embedded model's state (loading with its progress, ready, failed,
 * not installed) with Load now or Try again; or, for an endpoint without a model or a key, a form
 * to send them to the server (the key is not kept in the page) and a way back to the local model.
 * It renders the model status again each time it is read.
 */
export class ModelSetup extends Widget {
  /**
   * Construct the model setup.
   *
   * @param options - the model status it shows, and the translations.
   */
  constructor(options: ModelSetup.IOptions) {
    super();
    this._status = options.modelStatus;
    this._trans = (options.translator ?? nullTranslator).load('jupyterlab_code_interpreter');
    this.addClass('jp-CodeInterpreter-notice');
    this._status.changed.connect(this._render, this);
    this._render();
  }

  /**
   * Dispose of the model setup. Safe to call more than once.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._status.changed.disconnect(this._render, this);
    super.dispose();
  }

  private _render(): void {
    const trans = this._trans;
    const status = this._status;
    const node = this.node;
    node.replaceChildren();
    if (status.configError) {
      node.textContent = status.readiness?.reason ?? status.configError;
      this.show();
      return;
    }
    const config = status.config;
    if (!config) {
      this.hide();
      return;
    }
    if (config.provider === 'local') {
      if (status.localModel) {
        this._renderLocalModel(status.localModel);
      } else {
        node.textContent = trans.__('The local model state could not be read: %1', status.localModelError);
      }
      this.show();
      return;
    }
    const model = status.modelSetting || config.model;
    if (config.has_api_key && model) {
      this.hide();
      return;
    }
    this._renderEndpointForm(config, model);
    this.show();
  }

  /**
   * The embedded model's state, and what can be done about it.
   */
  private _renderLocalModel(state: ILocalModelState): void {
    const trans = this._trans;
    const line = document.createElement('div');
    line.className = 'jp-CodeInterpreter-localModel';
    line.dataset.state = state.state;
    const action = (label: string) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'jp-Button jp-mod-styled jp-mod-accept';
      button.textContent = label;
      button.addEventListener('click', () => {
        button.disabled = true;
        void this._status.readLocalModel(true);
      });
      return button;
    };
    switch (state.state) {
      case 'idle':
        line.textContent = trans.__('Local model %1: it loads on first use.', state.model);
        this.node.append(line, action(trans.__('Load now')));
        return;
      case 'loading': {
        const progress = state.progress;
        const percent = progress && progress.total > 0 ? Math.floor((100 * progress.done) / progress.total) : null;
        line.textContent =
          percent === null
            ? trans.__('Loading the local model %1…', state.model)
            : trans.__('Loading the local model %1… %2%', state.model, percent);
        this.node.append(line);
        return;
      }
      case 'ready':
        line.textContent = trans.__('Local model %1, ready (context %2 tokens).', state.model, state.context_size);
        this.node.append(line);
        return;
      case 'failed':
        line.textContent = this._status.readiness?.reason ?? '';
        this.node.append(line, action(trans.__('Try again')));
        return;
      default:
        line.textContent = this._status.readiness?.reason ?? '';
        this.node.append(line);
        return;
    }
  }

  /**
   * What the endpoint lacks, and the form that sends a model and a key to the server.
   */
  private _renderEndpointForm(config: IServerConfig, model: string): void {
    const trans = this._trans;
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
    const refused = (error: unknown) => {
      hint.textContent = trans.__('The server refused the settings: %1', (error as Error).message);
    };
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
      this._status.updateConfig({ base_url: '', api_key: '' }).catch(refused);
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
      this._status.updateConfig(update).catch(refused);
    });
    this.node.append(hint, form);
  }

  private _status: ModelStatus;
  private _trans: TranslationBundle;
}

/**
 * The namespace for `ModelSetup` statics.
 */
export namespace ModelSetup {
  /**
   * The options of the model setup.
   */
  export interface IOptions {
    /**
     * What is known of the model.
     */
    modelStatus: ModelStatus;

    /**
     * The application's translations; English when omitted.
     */
    translator?: ITranslator;
  }
}
