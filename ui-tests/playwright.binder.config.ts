/**
 * Galata test of the Binder path (scripts/binder-test prepares it): JupyterLab from the venv that
 * binder/environment.yml and binder/postBuild made in a clean clone, started in the clone as
 * Binder starts it, with nothing of the code interpreter configured. Only Galata's own settings are
 * given, on the command line: a `--config` file would replace the environment's
 * jupyter_server_config.json, which is the very file the Binder build writes.
 *
 *   scripts/binder-test        (not on its own: it needs the BINDER_* variables that script sets)
 */
import * as path from 'node:path';

import { defineConfig } from '@playwright/test';

import base from './playwright.config';
import { freePort } from './loopbackPort';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run this config through scripts/binder-test`);
  }
  return value;
};

const env = required('BINDER_ENV');
const repo = required('BINDER_REPO');
const galata = required('BINDER_GALATA');
const results = required('BINDER_RESULTS');
const port = freePort('BINDER_JUPYTER_PORT');
const token = 'binder-test-token';

export default defineConfig({
  ...base,
  testDir: './binder',
  outputDir: path.join(__dirname, '..', 'test-results', 'ui-tests-binder'),
  // The first question loads the model and is read on one thread of a shared CPU.
  timeout: 600_000,
  expect: { timeout: 300_000 },
  use: {
    ...base.use,
    baseURL: `http://127.0.0.1:${port}`,
    extraHTTPHeaders: { Authorization: `token ${token}` }
  },
  webServer: [
    {
      // Its log goes to a file the test reads (it says which model it serves and why).
      command: [
        'exec',
        path.join(env, 'bin', 'jupyter'),
        'lab',
        '--no-browser',
        '--ip=127.0.0.1',
        `--port=${port}`,
        '--ServerApp.port_retries=0',
        `--IdentityProvider.token=${token}`,
        // CI containers run as root; Binder does not, and this changes nothing else.
        '--allow-root',
        // Galata's in-page helpers (jupyterlab.galata.configure_jupyter_server sets the same).
        '--LabApp.expose_app_in_browser=True',
        `--LabServerApp.extra_labextensions_path=${galata}`,
        `>${path.join(results, 'jupyter.log')}`,
        '2>&1'
      ].join(' '),
      cwd: repo,
      url: `http://127.0.0.1:${port}/api/status?token=${token}`,
      // scripts/binder-test gives the visitor's environment: no endpoint, key or model, an empty
      // cache and Jupyter folders of its own.
      env: { ...(process.env as Record<string, string>), BINDER_JUPYTER_PORT: String(port) },
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'ignore',
      timeout: 120_000
    }
  ]
});
