// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * A one-line progress bar with the running pass rate, on a terminal stream (stderr). On a
 * terminal the line is redrawn in place; into a file or pipe a line is written every 5%.
 */
export class ProgressBar {
  /**
   * Construct a bar.
   *
   * @param options - the stream, the total and a label.
   */
  constructor(options: ProgressBar.IOptions) {
    this._stream = options.stream;
    this._total = options.total;
    this._label = options.label;
    this._metric = options.metric ?? 'pass@1 base';
    this._started = Date.now();
  }

  /**
   * Show the progress.
   *
   * @param done - tasks finished (this run and resumed ones).
   * @param passBase - how many of them pass the base tests (or count as right, for the metric).
   * @param passPlus - how many pass base and plus tests, or `undefined` when there are none.
   * @param note - what is under way (a task's candidate), shown at the end of the line.
   */
  update(done: number, passBase: number, passPlus: number | undefined, note?: string): void {
    const total = Math.max(1, this._total);
    const width = 24;
    const filled = Math.round((width * Math.min(done, total)) / total);
    const rate = (count: number) => (done ? `${((100 * count) / done).toFixed(1)}%` : '-');
    const seconds = Math.round((Date.now() - this._started) / 1000);
    const line =
      `${this._label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this._total}` +
      ` ${this._metric} ${rate(passBase)}` +
      (passPlus === undefined ? '' : ` plus ${rate(passPlus)}`) +
      ` ${seconds}s` +
      (note ? ` ${note}` : '');
    if (this._stream.isTTY) {
      this._stream.write(`\r\u001b[K${line}`);
      this._drawn = true;
      return;
    }
    const step = Math.max(1, Math.ceil(this._total / 20));
    if (done === this._total || done - this._lastPrinted >= step) {
      this._lastPrinted = done;
      this._stream.write(`${line}\n`);
    }
  }

  /**
   * End the bar's line (on a terminal). Safe to call more than once.
   */
  finish(): void {
    if (this._drawn) {
      this._stream.write('\n');
      this._drawn = false;
    }
  }

  private _stream: ProgressBar.IStream;
  private _total: number;
  private _label: string;
  private _metric: string;
  private _started: number;
  private _drawn = false;
  private _lastPrinted = 0;
}

/**
 * The namespace for `ProgressBar` statics.
 */
export namespace ProgressBar {
  /**
   * The part of a Node stream the bar writes to.
   */
  export interface IStream {
    write(text: string): unknown;
    isTTY?: boolean;
  }

  /**
   * The bar's options.
   */
  export interface IOptions {
    stream: IStream;
    total: number;
    label: string;
    /**
     * The name of the rate shown; default `pass@1 base`.
     */
    metric?: string;
  }
}
