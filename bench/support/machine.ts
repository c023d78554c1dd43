// The machine a bench ran on, for the results file.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

/**
 * What the results depend on.
 */
export interface IMachine {
  cores: number;
  cpu: string;
  memoryGB: number;
  loadAverage: string;
  node: string;
  python: string;
}

/**
 * Describe this machine and the Python stack.
 *
 * @param python - the Python the bench uses.
 * @returns the description.
 */
export function describeMachine(python: string): IMachine {
  let stack = 'unknown';
  try {
    stack = execFileSync(
      python,
      [
        '-c',
        'import sys, jupyter_server, ipykernel, jupyter_client; ' +
          'print(f"Python {sys.version.split()[0]}, jupyter_server {jupyter_server.__version__}, ' +
          'ipykernel {ipykernel.__version__}, jupyter_client {jupyter_client.__version__}")'
      ],
      { encoding: 'utf8' }
    ).trim();
  } catch {
    // Reported as unknown; the benches themselves say what is missing.
  }
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGB: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg()
      .map(value => value.toFixed(2))
      .join(' '),
    node: process.version,
    python: stack
  };
}
