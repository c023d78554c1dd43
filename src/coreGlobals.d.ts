// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

// The globals the core layers (agent/, model/, kernel/, feedback/, notebook/, conversation/) may
// use: those common to the browser and Node that docs/architecture.md allows, and of each only
// the members the core uses today. tsconfig.core.json compiles the core with this file and no DOM
// library nor Node types, so a browser or Node global there fails to compile. Each declaration
// is a subset of both the DOM library's and @types/node's, so what compiles against it compiles
// in both; the other projects (lab, node, the tests) use the full declarations instead, and the
// core's emitted .d.ts files name these types, which the consumer's own library then supplies.
// A member the core newly needs is added here, once it exists in both the browser and Node.

/** A pending timer: a number in the browser, an object in Node, so only given back to clear. */
interface CoreTimer {
  readonly coreTimerBrand: never;
}

/**
 * Runs `handler` once after `timeoutMs` milliseconds.
 *
 * @param handler - what to run.
 * @param timeoutMs - the delay; default 0.
 * @returns the timer, for `clearTimeout`.
 */
declare function setTimeout(handler: () => void, timeoutMs?: number): CoreTimer;

/**
 * Cancels a timer that has not run yet.
 *
 * @param timer - the timer, or `undefined` for none.
 */
declare function clearTimeout(timer: CoreTimer | undefined): void;

/** The signal of an `AbortController`: whether it aborted, and an event when it does. */
interface AbortSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Aborts the work that was given its signal. */
declare class AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}

/** What the core passes to `fetch`: a GET with headers, stopped by a signal. */
interface RequestInit {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** What the core reads of a `fetch` response. */
interface Response {
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
}

/**
 * Sends an HTTP request.
 *
 * @param url - where to.
 * @param init - its headers and signal.
 * @returns the response.
 */
declare function fetch(url: string, init?: RequestInit): Promise<Response>;

/** A parsed URL; the core reads its host name. */
declare class URL {
  constructor(url: string, base?: string);
  readonly hostname: string;
}

/**
 * A deep copy of plain data (the notebook's JSON).
 *
 * @param value - the data.
 * @returns its copy.
 */
declare function structuredClone<T>(value: T): T;

/**
 * Decodes base64 (an image's first bytes, for its size).
 *
 * @param data - base64 text.
 * @returns the bytes, one character each.
 */
declare function atob(data: string): string;
