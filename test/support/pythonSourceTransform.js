// A jest transform for the kernel-side Python (jupyterlab_code_interpreter/kernel_side): the
// module's default export is the file's text, as webpack's `asset/source` and esbuild's `text`
// loader make it in the builds.
module.exports = {
  process(sourceText) {
    return { code: `module.exports = { __esModule: true, default: ${JSON.stringify(sourceText)} };` };
  }
};
