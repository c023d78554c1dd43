// ESLint for the TypeScript tree: typescript-eslint with the rules JupyterLab's own repository
// uses, Prettier for layout, and the layers of the design notes (docs/architecture.md) as
// import and global restrictions, so an arrow that runs up the layers fails the lint.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Node's built-in modules, as `fs` or `node:fs`. */
const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'net',
  'http',
  'https',
  'child_process',
  'crypto',
  'url',
  'util',
  'readline',
  'stream',
  'worker_threads'
];
const nodeModules = NODE_BUILTINS.flatMap(name => [name, `node:${name}`, `${name}/*`, `node:${name}/*`]);

/** JupyterLab's front-end packages: only lab/ may use them. */
const labPackages = [
  '@jupyterlab/application',
  '@jupyterlab/apputils',
  '@jupyterlab/cells',
  '@jupyterlab/notebook',
  '@jupyterlab/rendermime',
  '@jupyterlab/settingregistry',
  '@jupyterlab/statusbar',
  '@jupyterlab/translation',
  '@jupyterlab/ui-components',
  '@lumino/widgets'
];

/**
 * An import restriction: what a layer must not import, and why.
 *
 * @param folders - the layers (folders of src/) it may not reach.
 * @param message - the reason shown by the lint.
 */
function noLayers(folders, message) {
  return folders.map(folder => ({ group: [`../${folder}/*`, `../${folder}`, `./${folder}/*`], message }));
}

const coreMessage =
  'agent/, model/, kernel/, feedback/, notebook/ and conversation/ run in the browser and in Node: they use no DOM, no Node module and nothing of lab/, cli/, eval/ or node/.';

/** The layers below the agent, bottom first, each with the core layers it may not import. */
const coreLayers = {
  conversation: ['agent', 'model', 'kernel', 'feedback', 'notebook'],
  kernel: ['agent', 'model', 'feedback', 'notebook', 'conversation'],
  model: ['agent', 'kernel', 'feedback', 'notebook'],
  feedback: ['agent', 'model', 'notebook', 'conversation'],
  notebook: ['agent', 'model', 'feedback'],
  agent: []
};

// The compiler is the main guard of the core's globals (tsconfig.core.json has no DOM library and
// no Node types, only src/coreGlobals.d.ts); these lists name the usual suspects in the lint too,
// so an editor without the layer's project still flags them.
const browserGlobals = [
  'window',
  'self',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'location',
  'history',
  'alert',
  'confirm',
  'getComputedStyle',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'DOMParser',
  'XMLSerializer',
  'MutationObserver',
  'ResizeObserver',
  'IntersectionObserver',
  'Element',
  'HTMLElement',
  'Image',
  'XMLHttpRequest',
  'WebSocket',
  'Worker'
].map(name => ({ name, message: coreMessage }));
const nodeGlobals = [
  'process',
  'require',
  'module',
  'Buffer',
  'global',
  'setImmediate',
  'clearImmediate',
  '__dirname',
  '__filename'
].map(name => ({
  name,
  message: coreMessage
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'lib/',
      'dist/',
      'jupyterlab_code_interpreter/labextension/',
      'bench/out/',
      '.venv/',
      '.venv-gateway/',
      'test-results/',
      'playwright-report/',
      '**/*.d.ts'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/naming-convention': [
        'error',
        { selector: 'interface', format: ['PascalCase'], custom: { regex: '^I[A-Z]', match: true } }
      ],
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-use-before-define': 'off',
      curly: ['error', 'all'],
      eqeqeq: ['error', 'smart'],
      'prefer-arrow-callback': 'error',
      'no-console': 'error'
    }
  },
  {
    files: ['test/**', 'bench/**', 'ui-tests/**', 'scripts/**', 'bin/**', '*.js', '*.mjs'],
    rules: { 'no-console': 'off', 'no-control-regex': 'off', '@typescript-eslint/no-require-imports': 'off' }
  },
  ...Object.entries(coreLayers).map(([layer, lower]) => ({
    files: [`src/${layer}/**/*.ts`],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['ws', ...labPackages].map(name => ({ name, message: coreMessage })),
          patterns: [
            { group: nodeModules, message: coreMessage },
            ...noLayers(['lab', 'cli', 'eval', 'node'], coreMessage),
            ...noLayers(lower, `${layer}/ sits below ${lower.join(', ')} in the layers: it may not import them.`)
          ]
        }
      ],
      'no-restricted-globals': ['error', ...browserGlobals, ...nodeGlobals]
    }
  })),
  {
    files: ['src/lab/**/*.{ts,tsx}', 'src/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'ws', message: 'lab/ runs in the browser.' }],
          patterns: [
            { group: nodeModules, message: 'lab/ runs in the browser.' },
            ...noLayers(['cli', 'eval', 'node'], 'lab/ runs in the browser: no Node-only code.')
          ]
        }
      ]
    }
  },
  {
    files: ['src/node/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: noLayers(['lab', 'cli', 'eval'], 'node/ sits below eval/ and cli/ and uses no browser code.') }
      ]
    }
  },
  {
    files: ['src/eval/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: labPackages, patterns: noLayers(['lab', 'cli'], 'eval/ sits below cli/ and uses no browser code.') }
      ]
    }
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: labPackages, patterns: noLayers(['lab'], 'cli/ uses no browser code.') }
      ]
    }
  }
);
