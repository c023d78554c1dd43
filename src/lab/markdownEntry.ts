// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { MimeModel, type IRenderMime, type IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Panel } from '@lumino/widgets';

/**
 * An answer of the model, rendered as markdown by JupyterLab's own renderer. While the answer
 * streams, it is rendered at the next animation frame after a token arrives, and never twice at
 * once: tokens that arrive during a render are shown by the render that follows it.
 */
export class MarkdownEntry extends Panel {
  /**
   * Construct the answer's view.
   *
   * @param rendermime - the registry whose markdown renderer is used (the sidebar's, whose
   * sanitizer takes out anything the browser would fetch).
   */
  constructor(rendermime: IRenderMimeRegistry) {
    super();
    this._renderer = rendermime.createRenderer('text/markdown');
    this.addWidget(this._renderer);
  }

  /**
   * Show the answer's text.
   *
   * @param text - the markdown so far.
   * @param streaming - whether more tokens are coming (the render waits for the next frame).
   */
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

  /**
   * Dispose of the view and of any render waiting for a frame. Safe to call more than once.
   */
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
