// The command line's private Jupyter server, and its kernel, stop when the command ends in any way
// (issue 18, item 10): here the process that started them is killed with SIGKILL, which runs no
// handler of its own.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');

/** Start a server and a kernel from a plain Node process, which prints their pids. */
const HELPER = `
import { requireTypeScript } from ${JSON.stringify(join(REPO, 'test', 'support', 'requireTypeScript.mjs'))};
const { JupyterServerProcess } = await requireTypeScript(
  "export { JupyterServerProcess } from './src/node/jupyterServerProcess';",
  ${JSON.stringify(REPO)}
);
const server = await JupyterServerProcess.start({ python: ${JSON.stringify(join(REPO, '.venv', 'bin', 'python'))} });
const headers = { Authorization: 'token ' + server.token, 'Content-Type': 'application/json' };
const kernel = await (await fetch(server.url + 'api/kernels', { method: 'POST', headers, body: '{}' })).json();
process.stdout.write(JSON.stringify({ kernel: kernel.id, url: server.url }) + '\\n');
setInterval(() => {}, 1000);
`;

function children(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (/^\d+$/.test(entry)) {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) {
          found.push(Number(entry));
        }
      } catch {
        // gone meanwhile
      }
    }
  }
  return found;
}

function descendants(pid: number): number[] {
  const all: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const next = children(queue.pop()!);
    all.push(...next);
    queue.push(...next);
  }
  return all;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) {
      return true;
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  return check();
}

describe('the private Jupyter server', () => {
  it('stops with its kernel when the process that started it is killed with SIGKILL', async () => {
    const helper = spawn(process.execPath, ['--input-type=module', '-e', HELPER], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit']
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      helper.stdout.on('data', chunk => {
        out += chunk;
        if (out.includes('\n')) {
          resolve(out.split('\n')[0]);
        }
      });
      helper.once('exit', code => reject(new Error(`the helper exited with ${code}`)));
    });
    expect(JSON.parse(line).kernel).toBeTruthy();
    const started = descendants(helper.pid!);
    // The server and its kernel (and whatever the kernel started).
    expect(started.length).toBeGreaterThanOrEqual(2);
    helper.kill('SIGKILL');
    const gone = await until(() => started.every(pid => !existsSync(`/proc/${pid}`) || isZombie(pid)), 30_000);
    expect(started.filter(pid => existsSync(`/proc/${pid}`) && !isZombie(pid))).toEqual([]);
    expect(gone).toBe(true);
  }, 90_000);
});

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
