// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type * as nbformat from '@jupyterlab/nbformat';

/**
 * How an execution ended.
 *
 * - `ok`: the kernel replied `ok`.
 * - `error`: the code raised; the outputs hold the traceback.
 * - `timeout`: the per-cell time limit ran out and the cell was interrupted.
 * - `interrupted`: the caller stopped the execution (AbortSignal) and the cell was interrupted.
 * - `dead-kernel`: the kernel died while running the cell; its state is lost.
 */
export type ExecutionStatus = 'ok' | 'error' | 'timeout' | 'interrupted' | 'dead-kernel';

/**
 * What one execution of a code cell produced.
 */
export interface IExecutionResult {
  /**
   * How the execution ended.
   */
  status: ExecutionStatus;

  /**
   * The kernel's execution count, or `null` when no reply carried one.
   */
  executionCount: number | null;

  /**
   * The outputs, as the notebook stores them (streams coalesced, displays updated).
   */
  outputs: nbformat.IOutput[];

  /**
   * Wall time from the request to the end, in milliseconds.
   */
  durationMs: number;

  /**
   * The server dropped output because of its IOPub rate limit: what the outputs show is incomplete.
   */
  outputDroppedByServer: boolean;

  /**
   * The code asked for input (`input()`, `getpass`) and the request was refused.
   */
  stdinRequested: boolean;

  /**
   * The kernel did not answer an interrupt after a timeout or stop; it may need a restart.
   */
  kernelUnresponsive: boolean;

  /**
   * The error name and value, when `status` is `error`.
   */
  error?: { ename: string; evalue: string };
}

/**
 * Options of one execution.
 */
export interface IExecuteOptions {
  /**
   * Time limit in milliseconds; the cell is interrupted when it runs out. No limit when omitted or 0.
   */
  timeoutMs?: number;

  /**
   * Aborting it interrupts the running cell.
   */
  signal?: AbortSignal;

  /**
   * Called each time the outputs change, with the outputs so far (for live progress).
   */
  onOutput?: (outputs: readonly nbformat.IOutput[]) => void;
}
