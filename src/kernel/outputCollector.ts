// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type * as nbformat from '@jupyterlab/nbformat';
import type { KernelMessage } from '@jupyterlab/services';

/**
 * The text ipykernel's server sends in place of output it dropped under its IOPub rate limits.
 */
const RATE_LIMIT_PREFIXES = ['IOPub data rate exceeded', 'IOPub message rate exceeded'];

/**
 * Builds the nbformat outputs of one cell from its IOPub messages, the way a notebook shows them:
 * consecutive writes to one stream are joined, carriage returns overwrite their line,
 * `clear_output` (also with `wait`) is honoured and `update_display_data` replaces the outputs
 * that carry its display id.
 */
export class OutputCollector {
  /**
   * The outputs so far. The array is replaced, never mutated, so a caller may keep a snapshot.
   */
  get outputs(): readonly nbformat.IOutput[] {
    return this._outputs;
  }

  /**
   * Whether the server dropped output because of its IOPub rate limit.
   */
  get outputDroppedByServer(): boolean {
    return this._outputDroppedByServer;
  }

  /**
   * Take one IOPub message into account.
   *
   * @param msg - a message from the execution's IOPub channel.
   * @returns whether the outputs changed.
   */
  add(msg: KernelMessage.IIOPubMessage): boolean {
    switch (msg.header.msg_type) {
      case 'stream': {
        const content = (msg as KernelMessage.IStreamMsg).content;
        if (RATE_LIMIT_PREFIXES.some(prefix => content.text.startsWith(prefix))) {
          this._outputDroppedByServer = true;
        }
        this._appendStream(content.name, content.text);
        return true;
      }
      case 'execute_result': {
        const content = (msg as KernelMessage.IExecuteResultMsg).content;
        this._push({
          output_type: 'execute_result',
          execution_count: content.execution_count,
          data: content.data,
          metadata: content.metadata
        });
        return true;
      }
      case 'display_data': {
        const content = (msg as KernelMessage.IDisplayDataMsg).content;
        const displayId = Private.displayIdOf(content.transient);
        this._push({ output_type: 'display_data', data: content.data, metadata: content.metadata });
        if (displayId) {
          const indices = this._displayIndices.get(displayId) ?? [];
          indices.push(this._outputs.length - 1);
          this._displayIndices.set(displayId, indices);
        }
        return true;
      }
      case 'update_display_data': {
        const content = (msg as KernelMessage.IUpdateDisplayDataMsg).content;
        const displayId = Private.displayIdOf(content.transient);
        const indices = displayId ? this._displayIndices.get(displayId) : undefined;
        if (!indices) {
          // The display lives in another cell: nothing of this cell changes.
          return false;
        }
        const outputs = [...this._outputs];
        for (const index of indices) {
          outputs[index] = { ...outputs[index], data: content.data, metadata: content.metadata };
        }
        this._outputs = outputs;
        return true;
      }
      case 'error': {
        const content = (msg as KernelMessage.IErrorMsg).content;
        this._push({
          output_type: 'error',
          ename: content.ename,
          evalue: content.evalue,
          traceback: content.traceback
        });
        return true;
      }
      case 'clear_output': {
        const content = (msg as KernelMessage.IClearOutputMsg).content;
        if (content.wait) {
          this._clearBeforeNextOutput = true;
          return false;
        }
        this._clear();
        return true;
      }
      default:
        return false;
    }
  }

  private _push(output: nbformat.IOutput): void {
    this._clearIfPending();
    this._outputs = [...this._outputs, output];
  }

  /**
   * Append to the last output when it is the same stream. Only the new text and the stream's open
   * last line are looked at (carriage returns act within a line, and the text before the last line
   * break has none left), so a stream of many small writes costs time linear in its length.
   */
  private _appendStream(name: nbformat.StreamType, text: string): void {
    this._clearIfPending();
    const last = this._outputs[this._outputs.length - 1];
    if (last && last.output_type === 'stream' && last.name === name && this._stream?.output === last) {
      const { head, tail } = Private.splitLastLine(this._stream.head, this._stream.tail, text);
      const output: nbformat.IStream = { ...(last as nbformat.IStream), text: head + tail };
      this._stream = { output, head, tail };
      this._outputs = [...this._outputs.slice(0, -1), output];
      return;
    }
    const { head, tail } = Private.splitLastLine('', '', text);
    const output: nbformat.IStream = { output_type: 'stream', name, text: head + tail };
    this._stream = { output, head, tail };
    this._outputs = [...this._outputs, output];
  }

  private _clearIfPending(): void {
    if (this._clearBeforeNextOutput) {
      this._clearBeforeNextOutput = false;
      this._clear();
    }
  }

  private _clear(): void {
    this._outputs = [];
    this._displayIndices.clear();
    this._stream = undefined;
  }

  private _outputs: nbformat.IOutput[] = [];
  private _displayIndices = new Map<string, number[]>();
  private _clearBeforeNextOutput = false;
  private _outputDroppedByServer = false;
  /**
   * The last stream output, its text as what ends with its last line break and the line after.
   */
  private _stream: { output: nbformat.IOutput; head: string; tail: string } | undefined;
}

namespace Private {
  /**
   * The display id a message's `transient` field carries, if any.
   */
  export function displayIdOf(transient: unknown): string | undefined {
    if (transient && typeof transient === 'object' && 'display_id' in transient) {
      const id = (transient as { display_id?: unknown }).display_id;
      return typeof id === 'string' ? id : undefined;
    }
    return undefined;
  }

  /**
   * A stream's text after `text` is written to it, given as what ends with its last line break
   * (`head`, carriage returns applied) and its open last line (`tail`, likewise): carriage returns
   * are applied to the open line and the new text only.
   */
  export function splitLastLine(head: string, tail: string, text: string): { head: string; tail: string } {
    if (!text.includes('\r')) {
      // Only the new text is searched: the open line may be long (output written without line breaks).
      const newline = text.lastIndexOf('\n');
      return newline < 0
        ? { head, tail: tail + text }
        : { head: head + tail + text.slice(0, newline + 1), tail: text.slice(newline + 1) };
    }
    const open = applyCarriageReturns(tail + text);
    const newline = open.lastIndexOf('\n');
    if (newline < 0) {
      return { head, tail: open };
    }
    return { head: head + open.slice(0, newline + 1), tail: open.slice(newline + 1) };
  }

  /**
   * Apply carriage returns the way a terminal does: text after a lone `\r` overwrites its line,
   * so a progress bar keeps only its last state.
   */
  export function applyCarriageReturns(text: string): string {
    if (!text.includes('\r')) {
      return text;
    }
    return text
      .replace(/\r\n/g, '\n')
      .split('\n')
      .map(line => {
        if (!line.includes('\r')) {
          return line;
        }
        const parts = line.split('\r');
        // A trailing `\r` (common in progress bars) keeps the text before it until overwritten.
        const nonEmpty = parts.filter(part => part.length > 0);
        return nonEmpty.length ? nonEmpty[nonEmpty.length - 1] : '';
      })
      .join('\n');
  }
}
