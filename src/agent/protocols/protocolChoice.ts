// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ModelProtocol } from '../../conversation/conversationRecord';
import { cataloguedProtocol } from '../../model/modelCatalog';
import type { ModelError } from '../../model/modelError';
import type { IAgentProtocol, IProtocolContext } from './protocol';
import { TextProtocol } from './text';
import { ToolsProtocol } from './tools';

/**
 * Which protocol the agent speaks: the one asked for, or in `auto` first the one the conversation
 * was saved with, else the one the catalog measured the model does best with, else tools, falling
 * back to text (once, for the rest of the conversation) when the endpoint refuses tools or the
 * model writes code blocks instead of calls. The only place that chooses an implementation.
 */
export class ProtocolChoice {
  /**
   * Choose the protocol a conversation starts in.
   *
   * @param options - what was asked for, the model and the saved conversation's protocol.
   */
  constructor(options: ProtocolChoice.IOptions) {
    this._context = options.context;
    this._auto = options.requested === 'auto';
    const name =
      options.requested === 'auto'
        ? (options.savedProtocol ?? cataloguedProtocol(options.model)?.protocol ?? 'tools')
        : options.requested;
    this._current = this._create(name);
  }

  /**
   * The protocol in use.
   */
  get current(): IAgentProtocol {
    return this._current;
  }

  /**
   * A model request failed: when the endpoint refused the tools the protocol offered and the
   * protocol was chosen by `auto`, fall back to text.
   *
   * @param error - why the request failed.
   * @returns whether it fell back (the request is worth making again).
   */
  fallBackOnRefusal(error: ModelError): boolean {
    if (error.kind !== 'tools-unsupported' || !this._auto || !this._current.tools) {
      return false;
    }
    this._fallBack(error.message);
    return true;
  }

  private _fallBack(reason: string): void {
    this._current = this._create('text');
    this._context.emit({ type: 'protocol-fallback', reason });
  }

  private _create(name: ModelProtocol): IAgentProtocol {
    const factories: Record<ModelProtocol, () => IAgentProtocol> = {
      tools: () =>
        new ToolsProtocol({
          context: this._context,
          fallBack: this._auto ? reason => this._fallBack(reason) : undefined
        }),
      text: () => new TextProtocol(this._context)
    };
    return factories[name]();
  }

  private _context: IProtocolContext;
  private _auto: boolean;
  private _current: IAgentProtocol;
}

/**
 * The namespace for `ProtocolChoice` statics.
 */
export namespace ProtocolChoice {
  /**
   * What the choice is made from.
   */
  export interface IOptions {
    /**
     * The protocol asked for.
     */
    requested: ModelProtocol | 'auto';

    /**
     * The model's name, looked up in the catalog.
     */
    model: string;

    /**
     * The protocol of the saved conversation that continues, if any.
     */
    savedProtocol?: ModelProtocol;

    /**
     * What the protocols work with.
     */
    context: IProtocolContext;
  }
}
