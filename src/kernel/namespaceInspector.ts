// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { Kernel, KernelMessage } from '@jupyterlab/services';

import namespaceInspectorSource from '../../jupyterlab_code_interpreter/kernel_side/namespace_inspector.py';
import mentionDescriberSource from '../../jupyterlab_code_interpreter/kernel_side/mention_describer.py';
import { pythonJson, pythonModule } from './kernelSidePython';
import type { IMentionedEntry } from './mentionDescriber';

/**
 * One variable of the user's namespace, as the kernel described it.
 */
export interface INamespaceVariable {
  /**
   * Its name.
   */
  name: string;

  /**
   * What kind of value it is: `dataframe` (pandas or polars), `series`, `array` (anything with
   * a shape and a dtype), `scalar` (numbers, booleans, None, short strings and bytes),
   * `collection` (list, tuple, set, dict), `callable` (functions and classes) or `object`.
   */
  kind: 'dataframe' | 'series' | 'array' | 'scalar' | 'collection' | 'callable' | 'object';

  /**
   * Its type's name, such as `DataFrame`, `ndarray`, `int` or `mypackage.Model`.
   */
  type: string;

  /**
   * The shape of frames and arrays, such as `[3, 2]`.
   */
  shape?: number[];

  /**
   * The dtype of arrays and series.
   */
  dtype?: string;

  /**
   * The length of collections and series.
   */
  length?: number;

  /**
   * Bytes held (frames without their objects' contents, arrays), when cheap to know.
   */
  bytes?: number;

  /**
   * The repr of a scalar, already cut to a few dozen characters.
   */
  value?: string;

  /**
   * A frame's first columns: name, dtype and null count (`null` when counting would be costly);
   * given for the first few frames only.
   */
  columns?: [string, string, number | null][];

  /**
   * A frame's first rows, over its listed columns, each value cut short.
   */
  head?: string[][];
}

/**
 * The user's namespace, as collected by the kernel.
 */
export interface IKernelNamespace {
  /**
   * The kernel's working folder.
   */
  cwd: string;

  /**
   * Variables in the namespace (not counting modules and hidden names).
   */
  total: number;

  /**
   * The most telling variables (frames and arrays first, the newest first within a kind), at
   * most the number asked for.
   */
  variables: INamespaceVariable[];

  /**
   * Imported modules as `[name in the namespace, module name]`.
   */
  modules: [string, string][];

  /**
   * Entries of the working folder as `[name, bytes]` (`null` bytes for folders, whose names end
   * with `/`, and for notebooks, whose size changes with each save), hidden files left out.
   */
  files: [string, number | null][];

  /**
   * Visible entries in the working folder (when `filesCapped`, at least this many).
   */
  filesTotal: number;

  /**
   * The folder had more entries than were looked at.
   */
  filesCapped: boolean;

  /**
   * The kernel's own time to collect it, in milliseconds.
   */
  elapsedMs: number;

  /**
   * The kernel ran out of its time allowance: some variables are described by type alone.
   */
  partial: boolean;

  /**
   * The names the user mentioned, described more fully (empty when none were asked for).
   */
  mentioned?: IMentionedEntry[];

  /**
   * Which of the usual data packages the kernel can import (`DATA_PACKAGES`), so that a model
   * that imports one it lacks can be told what it has instead.
   */
  packages?: string[];
}

/**
 * The data packages whose presence the kernel reports: what a data analysis reaches for.
 */
export const DATA_PACKAGES = [
  'pandas',
  'numpy',
  'scipy',
  'statsmodels',
  'sklearn',
  'matplotlib',
  'seaborn',
  'plotly',
  'polars',
  'pyarrow',
  'openpyxl',
  'sympy',
  'networkx'
] as const;

/**
 * What an inspection of the kernel gave: its namespace, or why there is none.
 */
export type KernelInspection =
  | { kind: 'namespace'; namespace: IKernelNamespace; durationMs: number }
  | { kind: 'skipped'; reason: KernelInspectionSkip; durationMs: number };

/**
 * Why the kernel was not inspected: it was running code (it is not made to wait), it is not a
 * Python kernel, it had no answer within the time limit, it is not running, or the inspection
 * failed.
 */
export type KernelInspectionSkip = 'busy' | 'not-python' | 'timeout' | 'not-running' | 'error';

/**
 * Describe the user's namespace without leaving a trace in the kernel.
 *
 * The request is a silent execute_request of empty code with one `user_expressions` entry: the
 * kernel publishes nothing on IOPub but its status, does not count the execution, records no
 * history, and leaves `In`, `Out` and `_` alone; the expression runs the inspector
 * (jupyterlab_code_interpreter/kernel_side/namespace_inspector.py) in a globals dict of its own,
 * so no helper name enters the user's namespace. The kernel is never made to wait and never
 * interrupted: a busy kernel is skipped at once, and a reply that takes longer than `timeoutMs`
 * is given up on (the inspector also stops describing variables in detail after a time allowance
 * of its own).
 *
 * @param kernel - the kernel connection.
 * @param options - whether the caller knows the kernel to be busy, the limits.
 * @returns the namespace, or why it was skipped.
 */
export async function inspectNamespace(
  kernel: Kernel.IKernelConnection | null | undefined,
  options: inspectNamespace.IOptions = {}
): Promise<KernelInspection> {
  const started = Date.now();
  const skipped = (reason: KernelInspectionSkip): KernelInspection => ({
    kind: 'skipped',
    reason,
    durationMs: Date.now() - started
  });
  if (!kernel || kernel.isDisposed || kernel.connectionStatus !== 'connected') {
    return skipped('not-running');
  }
  if (options.busy || kernel.status === 'busy') {
    return skipped('busy');
  }
  if (kernel.status !== 'idle') {
    return skipped('not-running');
  }
  const info = await Private.infoWithin(kernel, options.timeoutMs ?? 2000);
  if (!info) {
    return skipped('timeout');
  }
  if (info.language_info?.name?.toLowerCase() !== 'python' || info.implementation !== 'ipython') {
    return skipped('not-python');
  }
  const timeoutMs = Math.max(1, (options.timeoutMs ?? 2000) - (Date.now() - started));
  const expression = Private.expression({
    maxVariables: options.maxVariables ?? 60,
    maxFiles: options.maxFiles ?? 20,
    mentions: (options.mentions ?? []).slice(0, MAX_MENTIONS),
    mentionChars: options.mentionChars ?? 3000,
    // The kernel describes variables for at most half the time the caller waits, so that a
    // large namespace still answers in time, with the rest by type.
    allowanceMs: Math.max(10, Math.floor(timeoutMs / 2))
  });
  let future: Kernel.IShellFuture<KernelMessage.IExecuteRequestMsg, KernelMessage.IExecuteReplyMsg>;
  try {
    future = kernel.requestExecute(
      {
        code: '',
        silent: true,
        store_history: false,
        allow_stdin: false,
        stop_on_error: false,
        user_expressions: { [Private.KEY]: expression }
      },
      true
    );
  } catch {
    return skipped('not-running');
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>(resolve => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  let reply: KernelMessage.IExecuteReplyMsg | 'timeout';
  try {
    reply = await Promise.race([future.done, timedOut]);
  } catch {
    // The future is cancelled when the kernel restarts or the connection goes.
    return skipped('not-running');
  } finally {
    clearTimeout(timer);
  }
  if (reply === 'timeout') {
    // The kernel is not interrupted: whatever it is doing may be the user's. Its late reply is
    // dropped with the future.
    future.dispose();
    return skipped('timeout');
  }
  const namespace = Private.parseReply(reply);
  return namespace ? { kind: 'namespace', namespace, durationMs: Date.now() - started } : skipped('error');
}

/**
 * The namespace for `inspectNamespace` statics.
 */
export namespace inspectNamespace {
  /**
   * Options of an inspection.
   */
  export interface IOptions {
    /**
     * The caller knows the kernel to be running code (a cell it started and whose busy status
     * may not have arrived yet). The kernel's own status is consulted too.
     */
    busy?: boolean;

    /**
     * How long to wait for the kernel's answer, in milliseconds. Default 2000.
     */
    timeoutMs?: number;

    /**
     * Variables described at most (the count of all of them is always given). Default 60.
     */
    maxVariables?: number;

    /**
     * Entries of the working folder listed at most. Default 20.
     */
    maxFiles?: number;

    /**
     * Names the user mentioned with `@` (variables, or paths under the working folder), described
     * more fully in `mentioned`; at most `MAX_MENTIONS`.
     */
    mentions?: string[];

    /**
     * Characters each mention's description may take. Default 3000.
     */
    mentionChars?: number;
  }
}

/**
 * Mentions described in one inspection at most.
 */
export const MAX_MENTIONS = 8;

namespace Private {
  /**
   * The name of the user expression (any name: it lives in the request, not in the kernel).
   */
  export const KEY = 'code_interpreter_namespace';

  /**
   * The user expression: the inspector (and, when there are mentions, the mention describer) run
   * in globals dicts of their own, and the inspector's reply, an object whose repr is the JSON of
   * the namespace, since user expressions come back as their text/plain repr.
   */
  export function expression(limits: {
    maxVariables: number;
    maxFiles: number;
    allowanceMs: number;
    mentions: string[];
    mentionChars: number;
  }): string {
    const given = {
      variables: Math.max(0, Math.floor(limits.maxVariables)),
      files: Math.max(0, Math.floor(limits.maxFiles)),
      columns: 30,
      frames: 8,
      allowance: limits.allowanceMs,
      mentions: limits.mentions,
      mentionChars: Math.max(100, Math.floor(limits.mentionChars)),
      packages: [...DATA_PACKAGES]
    };
    const inspector = pythonModule(namespaceInspectorSource, '<code-interpreter namespace inspector>');
    const describer = limits.mentions.length
      ? `${pythonModule(mentionDescriberSource, '<code-interpreter mention describer>')}['describe_mentions']`
      : 'None';
    return `${inspector}['inspect_namespace_reply'](${pythonJson(given)}, ${describer})`;
  }

  /**
   * The kernel's info, unless it takes longer than the time limit (it is cached after the first).
   */
  export async function infoWithin(
    kernel: Kernel.IKernelConnection,
    timeoutMs: number
  ): Promise<KernelMessage.IInfoReply | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>(resolve => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([kernel.info, late]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The namespace in an execute_reply, or `undefined` when the expression failed.
   */
  export function parseReply(reply: KernelMessage.IExecuteReplyMsg): IKernelNamespace | undefined {
    const content = reply.content as { status: string; user_expressions?: Record<string, unknown> };
    const value = content.user_expressions?.[KEY] as { status?: string; data?: Record<string, unknown> } | undefined;
    const text = value?.status === 'ok' ? value.data?.['text/plain'] : undefined;
    if (typeof text !== 'string') {
      return undefined;
    }
    try {
      return JSON.parse(text) as IKernelNamespace;
    } catch {
      return undefined;
    }
  }
}
