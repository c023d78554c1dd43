// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { JSONValue } from '@lumino/coreutils';

/**
 * A Python expression whose value is the globals dict of a kernel-side module, its source run in
 * a fresh dict of its own: nothing enters the user's namespace or `sys.modules`, and the kernel
 * need not have this package installed.
 *
 * @param source - the module's source (a file of jupyterlab_code_interpreter/kernel_side).
 * @param filename - the name its code is compiled under, as tracebacks show it.
 * @returns the expression; index it with a function's name, then call that.
 */
export function pythonModule(source: string, filename: string): string {
  return (
    `(lambda g: (exec(compile(${pythonString(source)}, ${pythonString(filename)}, 'exec'), g), g)[1])` +
    `({'__name__': ${pythonString(filename)}})`
  );
}

/**
 * A Python expression for a JSON value, parsed by the kernel's `json` so that `true`, `false` and
 * `null` come out as Python's.
 *
 * @param value - the value.
 * @returns the expression.
 */
export function pythonJson(value: JSONValue): string {
  return `__import__('json').loads(${pythonString(JSON.stringify(value))})`;
}

/**
 * A Python string literal. A JSON string is one: its escapes (`\n`, `\"`, `\\`, `\uXXXX`...)
 * mean the same in Python, and the rest of its text is UTF-8 as Python source is.
 *
 * @param text - the text.
 * @returns the literal.
 */
export function pythonString(text: string): string {
  return JSON.stringify(text);
}
