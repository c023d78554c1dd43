// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * A Python module of jupyterlab_code_interpreter/kernel_side, imported as its source text, which
 * is sent to the kernel and run there.
 *
 * The text is inlined by every build rather than read at run time, since the browser has no file
 * to read: tsc leaves the import as it is (lib/ sits beside src/, so the relative path still
 * holds), and the labextension's webpack (webpack.config.js, `asset/source`), the CLI's esbuild
 * (scripts/bundle-cli.mjs, the `text` loader) and jest (test/support/pythonSourceTransform.js)
 * each turn it into a module whose default export is the text. Each of these builds has a loader
 * for text, so no build step generates TypeScript from the Python, and nothing generated can fall
 * out of step with the .py file.
 */
declare module '*.py' {
  const source: string;
  export default source;
}
