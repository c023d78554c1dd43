/**
 * The sidebar on JupyterHub, in Chromium: a real Hub on loopback with two users (the deployment of
 * docs/deployments.md, started by tests_python/hub_deployment.py with the scripted model behind the
 * Hub's model service). Each test logs in as a person does, through the Hub's login page.
 *
 *   PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test -c ui-tests/playwright.hub.config.ts
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

import { defineConfig } from '@playwright/test';

import { CHROMIUM_ARGS } from './chromiumArgs';
import { freePort } from './loopbackPort';

const root = path.resolve(__dirname, '..');
const python = process.env.PYTHON ?? path.join(root, '.venv', 'bin', 'python');

const port = freePort('HUB_PORT');
// Like the port, chosen once in the main process for the workers.
process.env.HUB_PASSWORD ??= randomBytes(12).toString('hex');

export default defineConfig({
  testDir: './hub',
  outputDir: path.join(root, 'test-results', 'ui-tests-hub'),
  reporter: [['list']],
  workers: 1,
  retries: 0,
  timeout: 300_000,
  expect: { timeout: 120_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1400, height: 850 },
    trace: 'retain-on-failure',
    video: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS
    }
  },
  webServer: {
    command: `${python} tests_python/hub_deployment.py --port ${port} --password ${process.env.HUB_PASSWORD}`,
    cwd: root,
    // Ready when the script says so, after both users' servers run: the Hub's API answers earlier,
    // and a browser login racing the script's own spawn requests made them fail.
    wait: { stdout: /READY http/ },
    timeout: 300_000,
    reuseExistingServer: false,
    // The Hub stops the users' servers and its proxy on SIGTERM; a SIGKILL of its process group
    // (Playwright's default) would leave them running, each in a session of its own.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    stdout: 'pipe',
    stderr: 'pipe'
  }
});
