import type { Kernel, KernelManager } from '@jupyterlab/services';

import type { JupyterServerProcess } from '../../src/node/jupyterServerProcess';
import { KernelExecutor } from '../../src/kernel/kernelExecutor';
import { waitForIdleKernel } from '../../src/kernel/kernelReadiness';
import { startJupyter, startKernel } from '../support/jupyter';

describe('KernelExecutor on a real ipykernel', () => {
  let server: JupyterServerProcess;
  let manager: KernelManager;
  let kernel: Kernel.IKernelConnection;
  const executor = new KernelExecutor();

  beforeAll(async () => {
    server = await startJupyter();
    ({ manager, kernel } = await startKernel(server));
  });

  afterAll(async () => {
    await kernel?.shutdown().catch(() => undefined);
    manager?.dispose();
    await server?.stop();
  });

  it('returns the result and a coalesced stream', async () => {
    const result = await executor.execute(kernel, 'print("a")\nprint("b")\n6 * 7');
    expect(result.status).toBe('ok');
    expect(result.executionCount).toBeGreaterThan(0);
    expect(result.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
      expect.objectContaining({ output_type: 'execute_result', data: { 'text/plain': '42' } })
    ]);
  });

  it('reports an error with its name and traceback', async () => {
    const result = await executor.execute(kernel, '1 / 0');
    expect(result.status).toBe('error');
    expect(result.error).toEqual({ ename: 'ZeroDivisionError', evalue: 'division by zero' });
  });

  it('stops a cell at its time limit, leaving the kernel and its state', async () => {
    await executor.execute(kernel, 'survivor = "still here"');
    const result = await executor.execute(kernel, 'import time\nwhile True:\n    time.sleep(0.01)', {
      timeoutMs: 1000
    });
    expect(result.status).toBe('timeout');
    expect(result.kernelUnresponsive).toBe(false);
    expect(result.error?.ename).toBe('KeyboardInterrupt');
    const after = await executor.execute(kernel, 'print(survivor)');
    expect(after.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'still here\n' }]);
  });

  it('interrupts a cell when its signal aborts', async () => {
    const controller = new AbortController();
    // Aborted on the cell's first output: the kernel is inside the cell, in its sleep.
    const seen: string[] = [];
    const result = await executor.execute(kernel, 'import time\nprint("started", flush=True)\ntime.sleep(60)', {
      signal: controller.signal,
      onOutput: current => {
        seen.push(JSON.stringify(current));
        controller.abort();
      }
    });
    expect(result.status).toBe('interrupted');
    expect(seen[0]).toBe(JSON.stringify([{ output_type: 'stream', name: 'stdout', text: 'started\n' }]));
    expect(result.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'started\n' },
      expect.objectContaining({ output_type: 'error', ename: 'KeyboardInterrupt' })
    ]);
  });

  it('reports a segfault as a dead kernel within seconds, never a hang', async () => {
    const result = await executor.execute(kernel, 'import ctypes\nctypes.string_at(0)');
    expect(result.status).toBe('dead-kernel');
    // jupyter_server restarts the kernel by itself; the connection follows it.
    expect(await waitForIdleKernel(kernel, 30000)).toBe(true);
    const after = await executor.execute(kernel, 'print("back")');
    expect(after.status).toBe('ok');
  });
});
