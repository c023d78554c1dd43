// Drives bench/zmq_round_trip.py: the jupyter_client-over-ZMQ floor of the round trip.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';

/**
 * A kernel driven by jupyter_client in a Python child process.
 */
export class ZmqWorker {
  private constructor(
    private _child: ChildProcessWithoutNullStreams,
    private _lines: Interface
  ) {}

  /**
   * Start the worker and its kernel.
   *
   * @param python - the Python with jupyter_client and ipykernel.
   * @returns the worker, its kernel ready.
   * @throws when the worker exits or prints something else than READY first.
   */
  static async start(python: string): Promise<ZmqWorker> {
    const child = spawn(python, [join(Private.benchDir(), 'zmq_round_trip.py')], {
      stdio: ['pipe', 'pipe', 'pipe']
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    const lines = createInterface({ input: child.stdout });
    const worker = new ZmqWorker(child, lines);
    const first = await worker._nextLine(() => stderr);
    if (first !== 'READY') {
      throw new Error(`zmq_round_trip.py did not start: ${first}\n${stderr}`);
    }
    return worker;
  }

  /**
   * Run `pass` a number of times.
   *
   * @param count - how many round trips.
   * @returns their times in milliseconds.
   */
  async roundTrips(count: number): Promise<number[]> {
    this._child.stdin.write(`${count}\n`);
    return JSON.parse(await this._nextLine(() => '')) as number[];
  }

  /**
   * Shut the kernel down and wait for the worker to exit. Safe to call more than once.
   */
  async stop(): Promise<void> {
    if (this._child.exitCode !== null || this._child.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>(resolve => this._child.once('exit', () => resolve()));
    this._child.stdin.end('quit\n');
    const forced = setTimeout(() => this._child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(forced);
    this._lines.close();
  }

  private _nextLine(stderr: () => string): Promise<string> {
    return new Promise((resolve, reject) => {
      const onLine = (line: string) => {
        this._child.off('exit', onExit);
        resolve(line.trim());
      };
      const onExit = () => {
        this._lines.off('line', onLine);
        reject(new Error(`zmq_round_trip.py exited\n${stderr()}`));
      };
      this._lines.once('line', onLine);
      this._child.once('exit', onExit);
    });
  }
}

namespace Private {
  /**
   * The bench folder: the bundle runs from bench/out, the sources from bench/support.
   */
  export function benchDir(): string {
    return join(__dirname, '..');
  }
}
