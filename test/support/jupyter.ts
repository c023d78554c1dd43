// Starts a real Jupyter server and kernel for a test suite, on loopback.
import { KernelManager, type Kernel } from '@jupyterlab/services';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { makeNodeServerSettings } from '../../src/node/serverConnection';

/**
 * The project's Python environment (made by scripts/setup), or whatever `python3` is on PATH.
 */
export function projectPython(): string {
  const venvPython = join(__dirname, '..', '..', '.venv', 'bin', 'python');
  return existsSync(venvPython) ? venvPython : 'python3';
}

export async function startJupyter(options: JupyterServerProcess.IOptions = {}): Promise<JupyterServerProcess> {
  return JupyterServerProcess.start({ python: projectPython(), ...options });
}

export async function startKernel(
  server: JupyterServerProcess
): Promise<{ manager: KernelManager; kernel: Kernel.IKernelConnection }> {
  const manager = new KernelManager({
    serverSettings: makeNodeServerSettings(server.url, server.token)
  });
  await manager.ready;
  const kernel = await manager.startNew({ name: 'python3' });
  await kernel.info;
  return { manager, kernel };
}
