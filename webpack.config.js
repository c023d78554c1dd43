// Added by JupyterLab's builder to its own configuration of the labextension build.
module.exports = {
  module: {
    // The kernel-side Python (jupyterlab_code_interpreter/kernel_side) is imported as its text.
    rules: [{ test: /\.py$/, type: 'asset/source' }]
  }
};
