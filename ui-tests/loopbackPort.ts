/**
 * Free loopback ports for the servers a Playwright config starts.
 */
import { execFileSync } from 'node:child_process';

/**
 * A free loopback port, chosen once in Playwright's main process and kept in `variable`: the
 * workers, which load the config again, inherit it through the environment.
 *
 * @param variable - the environment variable that holds it.
 * @returns the port.
 */
export function freePort(variable: string): number {
  if (!process.env[variable]) {
    const script =
      'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})';
    process.env[variable] = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
  }
  return Number(process.env[variable]);
}
