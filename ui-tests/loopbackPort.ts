/**
 * Free loopback ports for the servers a Playwright config starts.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * A free loopback port, chosen once in Playwright's main process and kept in `variable`: the
 * workers, which load the config again, inherit it through the environment.
 *
 * The port comes from the product's `freeLoopbackPort` (built into lib/ before the UI tests run),
 * which picks below the system's ephemeral range: the servers these configs start later, and
 * those they start in turn with port 0, cannot be handed it in between.
 *
 * @param variable - the environment variable that holds it.
 * @returns the port.
 */
export function freePort(variable: string): number {
  if (!process.env[variable]) {
    const module = path.resolve(__dirname, '..', 'lib', 'node', 'loopbackPort.js');
    // A config is loaded synchronously, and a port is only known once a bind has answered.
    const script = `require(${JSON.stringify(module)}).freeLoopbackPort().then(port => process.stdout.write(String(port)))`;
    process.env[variable] = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
  }
  return Number(process.env[variable]);
}
