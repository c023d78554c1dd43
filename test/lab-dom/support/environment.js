// The jsdom environment of @jupyterlab/testing (which gives the page Node's fetch), with Node's
// AbortController and AbortSignal as well: Node's fetch refuses jsdom's signals, so a request
// with a time limit (`AbortSignal.timeout`) would fail before it is sent. And Node's
// structuredClone, which every browser has and jsdom lacks.
const JupyterLabEnvironment = require('@jupyterlab/testing/lib/jest-env').default;

class LabDomEnvironment extends JupyterLabEnvironment {
  constructor(...args) {
    super(...args);
    this.global.AbortController = AbortController;
    this.global.AbortSignal = AbortSignal;
    this.global.structuredClone = structuredClone;
  }
}

module.exports = LabDomEnvironment;
