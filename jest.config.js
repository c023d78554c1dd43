/**
 * Four jest projects; `npx jest --runInBand` runs them all, `--selectProjects node|dom|timed|real`
 * some.
 *
 * - node: everything under test/ except test/lab-dom and the timed suites, TypeScript through
 *   ts-jest; suites start their own Jupyter server.
 * - timed: the suites whose verdicts rest on time limits measured in the same run (the canonical
 *   solutions of HumanEval+ and MBPP+, agreement with EvalPlus's evaluator). A limit is four times
 *   the canonical solution's measured time, so a canonical solution can exceed its own limit when
 *   other suites take the cores in between: these run alone (`scripts/test` runs them in band,
 *   after the others).
 * - dom: test/lab-dom, the JupyterLab widgets in jsdom (environment, shims and ws resolver of
 *   @jupyterlab/testing). JupyterLab and some of its dependencies ship ES modules, which babel
 *   turns into CommonJS for jest.
 */
const jupyterlabJest = require('@jupyterlab/testing/lib/jest-config');

const tsTransform = ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.jest.json' }];

// The kernel-side Python, imported by src/ as its text (src/pythonSources.d.ts).
const pythonTransform = { '\\.py$': '<rootDir>/test/support/pythonSourceTransform.js' };

const timedSuites = ['<rootDir>/test/eval/canonicalSolutions.test.ts', '<rootDir>/test/eval/evalplusAgreement.test.ts'];

const node = {
  displayName: 'node',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/lab-dom/', '<rootDir>/test/real-model/', ...timedSuites],
  transform: {
    ...pythonTransform,
    '^.+\\.tsx?$': tsTransform
  },
  setupFiles: ['<rootDir>/test/support/quietServices.ts']
};

// Packages published as ES modules that the lab code imports (directly or through JupyterLab).
const esModules = [
  '@jupyterlab',
  '@jupyter/ydoc',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@codemirror',
  '@lezer',
  '@marijn',
  '@microsoft',
  'color',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'yjs'
].join('|');

const base = jupyterlabJest(__dirname);

const dom = {
  displayName: 'dom',
  testEnvironment: '<rootDir>/test/lab-dom/support/environment.js',
  resolver: base.resolver,
  moduleNameMapper: base.moduleNameMapper,
  moduleFileExtensions: base.moduleFileExtensions,
  roots: ['<rootDir>/test/lab-dom'],
  testMatch: ['**/*.test.ts'],
  transform: {
    ...pythonTransform,
    '\\.svg$': '@jupyterlab/testing/lib/jest-raw-loader.js',
    '^.+\\.tsx?$': tsTransform,
    '^.+\\.m?jsx?$': ['babel-jest', { presets: [['@babel/preset-env', { targets: { node: 'current' } }]] }]
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esModules})/)`],
  setupFiles: [
    ...base.setupFiles,
    '<rootDir>/test/support/quietServices.ts',
    '<rootDir>/test/lab-dom/support/quietJupyterLab.ts'
  ]
};

const timed = {
  ...node,
  displayName: 'timed',
  testMatch: timedSuites,
  testPathIgnorePatterns: ['/node_modules/']
};

// The embedded local model (the `local` extra): the command line end to end on a real model.
// A suite of its own (`scripts/test real`): minutes, not seconds, on two CPU cores.
const real = {
  ...node,
  displayName: 'real',
  roots: ['<rootDir>/test/real-model'],
  testPathIgnorePatterns: ['/node_modules/'],
  // One model request is seconds to a minute on a CPU; a task is a few of them.
  slowTestThreshold: 600
};

// testTimeout is a global option: it applies to every project; the real-model tests set their own.
module.exports = { projects: [node, dom, timed, real], testTimeout: 60000 };
