/**
 * The sidebar with kernels on Jupyter Enterprise Gateway: the JupyterLab and scripted model of the
 * other UI tests (playwright.config.ts), the Jupyter server started with `--gateway-url` pointing at
 * a gateway on loopback (from .venv-gateway, made by scripts/setup), configured as in
 * docs/deployments.md.
 *
 *   PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test -c ui-tests/playwright.gateway.config.ts
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { defineConfig } from '@playwright/test';

import { freePort } from './loopbackPort';
import base from './playwright.config';

const root = path.resolve(__dirname, '..');
const gatewayPort = freePort('GATEWAY_PORT');
// Chosen once in the main process, like the ports, for the workers.
process.env.GATEWAY_TOKEN ??= randomBytes(24).toString('hex');
process.env.GATEWAY_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'ui-tests-gateway-'));
const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

const servers = Array.isArray(base.webServer) ? base.webServer : [];
const withGateway = servers.map(server =>
  server.command.includes('jupyterlab')
    ? {
        ...server,
        command: `${server.command} --gateway-url=${gatewayUrl}`,
        env: { ...server.env, JUPYTER_GATEWAY_AUTH_TOKEN: process.env.GATEWAY_TOKEN ?? '' }
      }
    : server
);

export default defineConfig({
  ...base,
  testDir: './gateway',
  outputDir: path.join(root, 'test-results', 'ui-tests-gateway'),
  webServer: [
    {
      command: [
        path.join(root, '.venv-gateway', 'bin', 'python'),
        '-m enterprise_gateway --ip=127.0.0.1',
        `--port=${gatewayPort} --port_retries=0`,
        // The Jupyter server polls /api/kernels, which the gateway refuses unless asked.
        '--EnterpriseGatewayApp.list_kernels=True',
        // The gateway refuses kernels for root by default; CI runs as root.
        `"--EnterpriseGatewayApp.unauthorized_users=['nobody']"`
      ].join(' '),
      cwd: process.env.GATEWAY_FOLDER,
      // Answers 401 without the token: up, as Playwright counts it.
      url: `${gatewayUrl}/api/kernelspecs`,
      env: {
        EG_AUTH_TOKEN: process.env.GATEWAY_TOKEN ?? '',
        JUPYTER_RUNTIME_DIR: path.join(process.env.GATEWAY_FOLDER ?? '', 'runtime'),
        PATH: process.env.PATH ?? ''
      },
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      timeout: 120_000
    },
    ...withGateway
  ]
});
