// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';
import { Button, ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { ModelStatus } from './modelStatus';
import type { ILocalModelState, IServerConfig } from './serverConfig';

/**
 * The sidebar's model setup, shown only when there is something to say: that the server
 * extension did not answer; the embedded model's state (loading with its progress, ready, failed,
 * not installed) with Load now or Try again; or, for an endpoint without a model or a key, a form
 * to send them to the server (the key is not kept in the page) and a way back to the local model.
 * It renders again each time the model status changes.
 */
export class ModelSetup extends ReactWidget {
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
    this._status.changed.connect(this._onStatusChanged, this);
    this._onStatusChanged();
  }

  /**
   * Dispose of the model setup. Safe to call more than once.
   */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._status.changed.disconnect(this._onStatusChanged, this);
    super.dispose();
  }

  /**
   * What there is to say about the model now, or nothing.
   *
   * @returns the notice's content, or `null` when there is nothing to say.
   */
  protected render(): React.ReactElement | null {
    const trans = this._trans;
    const status = this._status;
    if (status.configError) {
      return <>{status.readiness?.reason ?? status.configError}</>;
    }
    const config = status.config;
    if (!config) {
      return null;
    }
    if (config.provider === 'local') {
      return status.localModel ? (
        <Private.LocalModel
          state={status.localModel}
          status={status}
          trans={trans}
          asked={this._asked}
          onAsk={() => {
            this._asked = true;
            this.update();
            void status.readLocalModel(true);
          }}
        />
      ) : (
        <>{trans.__('The local model state could not be read: %1', status.localModelError)}</>
      );
    }
    const model = status.modelSetting || config.model;
    if (config.has_api_key && model) {
      return null;
    }
    return (
      <Private.EndpointForm
        // A new status shows a new form: its model field starts from the server's model.
        key={this._statusChanges}
        config={config}
        model={model}
        status={status}
        trans={trans}
        modelName={this._modelName ?? config.model}
        onModelName={value => {
          this._modelName = value;
        }}
        refusal={this._refusal}
        onRefused={error => {
          this._refusal = trans.__('The server refused the settings: %1', error.message);
          this.update();
        }}
      />
    );
  }

  /**
   * Each change of the status is a new state to show: a button pressed before is enabled again,
   * a refusal of the server is forgotten, the model field shows the server's model.
   */
  private _onStatusChanged(): void {
    this._statusChanges++;
    this._asked = false;
    this._refusal = null;
    this._modelName = null;
    this.setHidden(!Private.hasSomethingToSay(this._status));
    this.update();
  }

  private _status: ModelStatus;
  private _trans: TranslationBundle;
  // Kept here, not in the components: the widget unmounts its React tree when it is detached.
  private _asked = false;
  private _refusal: string | null = null;
  private _modelName: string | null = null;
  private _statusChanges = 0;
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

namespace Private {
  /**
   * Whether the setup has anything to show: not for a configured endpoint, nor before the
   * configuration is read.
   */
  export function hasSomethingToSay(status: ModelStatus): boolean {
    if (status.configError) {
      return true;
    }
    const config = status.config;
    if (!config) {
      return false;
    }
    return config.provider === 'local' || !(config.has_api_key && (status.modelSetting || config.model));
  }

  /**
   * The embedded model's state, and what can be done about it.
   */
  export function LocalModel(props: {
    state: ILocalModelState;
    status: ModelStatus;
    trans: TranslationBundle;
    asked: boolean;
    onAsk: () => void;
  }): React.ReactElement {
    const { state, status, trans, asked, onAsk } = props;
    const action = (label: string) => (
      <Button type="button" className="jp-mod-styled jp-mod-accept" disabled={asked} onClick={onAsk}>
        {label}
      </Button>
    );
    const line = (text: string) => (
      <div className="jp-CodeInterpreter-localModel" data-state={state.state}>
        {text}
      </div>
    );
    switch (state.state) {
      case 'idle':
        return (
          <>
            {line(trans.__('Local model %1: it loads on first use.', state.model))}
            {action(trans.__('Load now'))}
          </>
        );
      case 'loading': {
        const progress = state.progress;
        const percent = progress && progress.total > 0 ? Math.floor((100 * progress.done) / progress.total) : null;
        return line(
          percent === null
            ? trans.__('Loading the local model %1…', state.model)
            : trans.__('Loading the local model %1… %2%', state.model, percent)
        );
      }
      case 'ready':
        return line(trans.__('Local model %1, ready (context %2 tokens).', state.model, state.context_size));
      case 'failed':
        return (
          <>
            {line(status.readiness?.reason ?? '')}
            {action(trans.__('Try again'))}
          </>
        );
      default:
        return line(status.readiness?.reason ?? '');
    }
  }

  /**
   * What the endpoint lacks, and the form that sends a model and a key to the server. Neither
   * field is bound to state: the key is read once on submit and cleared at once, so that only the
   * server keeps it; the model field is read on submit too, and what is typed in it is handed to
   * the widget as it is typed (the widget renders later than a controlled field would need).
   */
  export function EndpointForm(props: {
    config: IServerConfig;
    model: string;
    status: ModelStatus;
    trans: TranslationBundle;
    modelName: string;
    onModelName: (value: string) => void;
    refusal: string | null;
    onRefused: (error: Error) => void;
  }): React.ReactElement {
    const { config, model, status, trans, modelName, refusal } = props;
    const key = React.useRef<HTMLInputElement>(null);
    const modelField = React.useRef<HTMLInputElement>(null);
    const refused = (error: unknown) => props.onRefused(error as Error);
    const hint = [
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
    return (
      <>
        <div className="jp-CodeInterpreter-hint">{refusal ?? hint}</div>
        <form
          className="jp-CodeInterpreter-keyForm"
          onSubmit={event => {
            event.preventDefault();
            const update: { api_key?: string; model?: string } = {};
            if (key.current?.value) {
              update.api_key = key.current.value;
              // Forget the key in the page at once; only the server keeps it.
              key.current.value = '';
            }
            const typed = (modelField.current?.value ?? modelName).trim();
            if (typed && typed !== config.model) {
              update.model = typed;
            }
            status.updateConfig(update).catch(refused);
          }}
        >
          {!config.has_api_key && (
            <input
              type="password"
              autoComplete="off"
              placeholder={trans.__('API key')}
              className="jp-mod-styled jp-CodeInterpreter-keyInput"
              ref={key}
            />
          )}
          <input
            type="text"
            placeholder={trans.__('model (e.g. gpt-4o-mini)')}
            className="jp-mod-styled jp-CodeInterpreter-modelInput"
            ref={modelField}
            defaultValue={modelName}
            onChange={event => props.onModelName(event.currentTarget.value)}
          />
          <Button type="submit" className="jp-mod-styled jp-mod-accept">
            {trans.__('Save on server')}
          </Button>
          <Button
            type="button"
            className="jp-mod-styled jp-CodeInterpreter-useLocal"
            title={trans.__('Forget the endpoint and its key on the server, and use the model the server runs itself')}
            onClick={() => status.updateConfig({ base_url: '', api_key: '' }).catch(refused)}
          >
            {trans.__('Use the local model')}
          </Button>
        </form>
      </>
    );
  }
}
