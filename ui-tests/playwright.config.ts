/**
 * Galata UI tests of the code interpreter against a real JupyterLab and a real kernel; the model is
 * the scripted OpenAI-compatible server (ui-tests/modelReplies.ts) behind the server's proxy.
 *
 * Run from the repository root after building the labextension:
 *   PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test -c ui-tests/playwright.config.ts
 * Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM); no browser is downloaded.
 */
import * as path from 'node:path';

import { defineConfig } from '@playwright/test';

import { CHROMIUM_ARGS } from './chromiumArgs';
import { freePort } from './loopbackPort';

const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const root = path.resolve(__dirname, '..');

const jupyterPort = freePort('JUPYTER_PORT');
const modelPort = freePort('MODEL_PORT');
const token = process.env.JUPYTER_TOKEN ?? 'ui-tests-token';
const modelKey = 'ui-tests-model-key';
const python = process.env.PYTHON ?? path.join(root, '.venv', 'bin', 'python');

export default defineConfig({
  ...baseConfig,
  testDir: './tests',
  outputDir: path.join(root, 'test-results', 'ui-tests'),
  reporter: [['list']],
  // One JupyterLab, one model server, one kernel at a time on a small machine.
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${jupyterPort}`,
    // Every request of the page and of Galata's REST helpers carries the token.
    extraHTTPHeaders: { Authorization: `token ${token}` },
    viewport: { width: 1400, height: 850 },
    trace: 'retain-on-failure',
    video: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      // Playwright already gives each run a fresh temporary profile (--user-data-dir).
      args: CHROMIUM_ARGS
    }
  },
  webServer: [
    {
      command: `node ${path.join(__dirname, 'model-server.mjs')}`,
      port: modelPort,
      env: { MODEL_PORT: String(modelPort), MODEL_API_KEY: modelKey },
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      timeout: 60_000
    },
    {
      command: `${python} -m jupyterlab --config ${path.join(__dirname, 'jupyter_server_test_config.py')}`,
      cwd: root,
      url: `http://127.0.0.1:${jupyterPort}/api/status?token=${token}`,
      env: {
        JUPYTER_PORT: String(jupyterPort),
        JUPYTER_TOKEN: token,
        OPENAI_BASE_URL: `http://127.0.0.1:${modelPort}/v1`,
        OPENAI_API_KEY: modelKey,
        CODE_INTERPRETER_MODEL: 'scripted-model',
        // The kernel and server find no user config of the machine running the tests.
        JUPYTER_CONFIG_DIR: path.join(root, 'test-results', 'ui-tests-jupyter-config'),
        JUPYTER_PLATFORM_DIRS: '1',
        PATH: `${path.join(root, '.venv', 'bin')}:${process.env.PATH ?? ''}`
      },
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      timeout: 120_000
    }
  ]
});
