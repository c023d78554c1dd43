// Starts Jupyter Enterprise Gateway on loopback (from .venv-gateway, made by scripts/setup) and a
// Jupyter server whose kernels run on it, for the remote-kernel tests and bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { freeLoopbackPort } from '../../src/node/loopbackPort';
import { projectPython } from './jupyter';

/**
 * The gateway's Python environment (scripts/setup makes it from requirements-gateway.txt).
 *
 * @returns its interpreter.
 * @throws when it is missing, saying how to make it.
 */
export function gatewayPython(): string {
  const python = join(__dirname, '..', '..', '.venv-gateway', 'bin', 'python');
  if (!existsSync(python)) {
    throw new Error(`${python} is missing: run scripts/setup (it installs requirements-gateway.txt there)`);
  }
  return python;
}

/**
 * Jupyter Enterprise Gateway on loopback, with a random port and token, owned by this process.
 */
export class GatewayProcess {
  private constructor(
    readonly url: string,
    readonly token: string,
    private _child: ChildProcess,
    private _folder: string,
    private _log: () => string
  ) {}

  /**
   * Start the gateway and wait until it lists its kernel specs.
   *
   * @param options - how to start it.
   * @returns the running gateway.
   * @throws when it exits or does not answer within a minute.
   */
  static async start(options: GatewayProcess.IOptions = {}): Promise<GatewayProcess> {
    const port = await freeLoopbackPort();
    const token = randomBytes(24).toString('hex');
    // Its runtime files (kernel connection files) in a folder of its own.
    const folder = mkdtempSync(join(tmpdir(), 'code-interpreter-gateway-'));
    const args = [
      '-m',
      'enterprise_gateway',
      '--ip=127.0.0.1',
      `--port=${port}`,
      '--port_retries=0',
      // The Jupyter server polls /api/kernels, which EG refuses unless asked.
      '--EnterpriseGatewayApp.list_kernels=True',
      // EG refuses kernels for root by default; containers and CI run as root.
      "--EnterpriseGatewayApp.unauthorized_users=['nobody']",
      ...(options.extraArgs ?? [])
    ];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      EG_AUTH_TOKEN: token,
      JUPYTER_RUNTIME_DIR: join(folder, 'runtime')
    };
    delete env.OPENAI_API_KEY;
    const child = spawn(gatewayPython(), args, { cwd: folder, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (log = (log + chunk).slice(-20000)));
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
    let failure: string | undefined;
    child.once('error', error => (failure = error.message));
    child.once('exit', code => (failure = `the gateway exited with code ${code}`));
    const url = `http://127.0.0.1:${port}`;
    const gateway = new GatewayProcess(url, token, child, folder, () => log);
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      if (failure) {
        await gateway.stop();
        throw new Error(`${failure}\n${log.slice(-3000)}`);
      }
      try {
        const response = await fetch(`${url}/api/kernelspecs`, {
          headers: { Authorization: `token ${token}` },
          signal: AbortSignal.timeout(2000)
        });
        if (response.ok) {
          return gateway;
        }
      } catch {
        // Not listening yet.
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    await gateway.stop();
    throw new Error(`The gateway did not answer within a minute.\n${log.slice(-3000)}`);
  }

  /**
   * The gateway's log so far (its last 20,000 characters).
   */
  get log(): string {
    return this._log();
  }

  /**
   * Start a Jupyter server (the project's Python and extension) whose kernels run on this gateway.
   *
   * @param options - more options for the server.
   * @returns the running server.
   */
  startServer(options: JupyterServerProcess.IOptions = {}): Promise<JupyterServerProcess> {
    return JupyterServerProcess.start({
      python: projectPython(),
      ...options,
      gateway: { url: this.url, token: this.token }
    });
  }

  /**
   * Stop the gateway and its kernels. Safe to call more than once.
   */
  async stop(): Promise<void> {
    const child = this._child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
      // SIGTERM lets the gateway shut its kernels down.
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(forced);
    }
    rmSync(this._folder, { recursive: true, force: true });
  }
}

/**
 * The namespace for `GatewayProcess` statics.
 */
export namespace GatewayProcess {
  /**
   * How to start the gateway.
   */
  export interface IOptions {
    /**
     * More command-line arguments for Enterprise Gateway.
     */
    extraArgs?: string[];
  }
}
