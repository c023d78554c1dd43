import type { ServiceManager } from '@jupyterlab/services';

import type { JupyterServerProcess } from '../../../src/node/jupyterServerProcess';
import { startJupyter } from '../../support/jupyter';
import { ScriptedModelServer } from '../../support/scriptedModelServer';
import { serviceManagerFor } from './liveNotebook';

/**
 * What a suite of the sidebar's jsdom tests runs against: the scripted model, a real Jupyter
 * server with this extension (which proxies the model's requests to the scripted server) and a
 * service manager connected to it, started before the suite's tests and stopped after them.
 */
export class ScriptedLab {
  /**
   * Register the suite's `beforeAll` and `afterAll`. Call it at the top of a test file, before
   * hooks that use it.
   *
   * @param options - the model's script, extra environment of the server, and what to close
   * before the manager and the servers stop.
   * @returns the lab, whose parts are there once the suite's `beforeAll` has run.
   */
  static forSuite(options: ScriptedLab.IOptions): ScriptedLab {
    const lab = new ScriptedLab();
    beforeAll(async () => {
      lab._model = await ScriptedModelServer.start({ script: options.script });
      lab._server = await startJupyter({
        env: { OPENAI_BASE_URL: lab._model.baseUrl, CODE_INTERPRETER_MODEL: 'scripted-model', ...options.env },
        extraArgs: ['--ServerApp.jpserver_extensions=jupyterlab_code_interpreter=True']
      });
      lab._manager = serviceManagerFor(lab._server);
    });
    afterAll(async () => {
      try {
        await options.beforeStop?.();
        lab._manager?.dispose();
      } finally {
        await lab._server?.stop();
        await lab._model?.stop();
      }
    });
    return lab;
  }

  /**
   * The scripted model server.
   */
  get model(): ScriptedModelServer {
    return ScriptedLab._started(this._model);
  }

  /**
   * The Jupyter server.
   */
  get server(): JupyterServerProcess {
    return ScriptedLab._started(this._server);
  }

  /**
   * The service manager connected to the server.
   */
  get manager(): ServiceManager {
    return ScriptedLab._started(this._manager);
  }

  private static _started<T>(part: T | undefined): T {
    if (part === undefined) {
      throw new Error('The scripted lab is not started: use it in a test or a hook after forSuite().');
    }
    return part;
  }

  private _model: ScriptedModelServer | undefined;
  private _server: JupyterServerProcess | undefined;
  private _manager: ServiceManager | undefined;
}

export namespace ScriptedLab {
  /**
   * Options of a suite's lab.
   */
  export interface IOptions {
    /**
     * The scripted model's script.
     */
    script: ScriptedModelServer.IOptions['script'];

    /**
     * More environment of the Jupyter server (an API key, for instance).
     */
    env?: Record<string, string>;

    /**
     * What to close before the manager is disposed and the servers stop (panels, services).
     */
    beforeStop?: () => Promise<void> | void;
  }
}
