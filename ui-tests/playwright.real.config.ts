/**
 * Galata test of the sidebar on the embedded local model: the same JupyterLab as the other UI
 * tests (playwright.config.ts), but with no endpoint, key or model configured, so the server
 * extension serves its own model (the `local` extra) through its proxy.
 *
 *   PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test -c ui-tests/playwright.real.config.ts
 */
import * as path from 'node:path';

import { defineConfig } from '@playwright/test';

import base from './playwright.config';

const servers = Array.isArray(base.webServer) ? base.webServer : [];
// The Jupyter server alone (not the scripted model), with nothing that names an endpoint.
const jupyter = servers
  .filter(server => server.command.includes('jupyterlab'))
  .map(server => {
    const env = { ...server.env };
    delete env.OPENAI_BASE_URL;
    delete env.OPENAI_API_KEY;
    delete env.CODE_INTERPRETER_MODEL;
    return { ...server, env };
  });

export default defineConfig({
  ...base,
  testDir: './real-model',
  outputDir: path.join(__dirname, '..', 'test-results', 'ui-tests-real-model'),
  // A turn is a few model requests of seconds to a minute each on two CPU cores.
  timeout: 600_000,
  expect: { timeout: 300_000 },
  webServer: jupyter
});
