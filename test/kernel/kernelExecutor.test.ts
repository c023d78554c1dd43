import type { Kernel, KernelManager } from '@jupyterlab/services';

import type { JupyterServerProcess } from '../../src/cli/jupyterServerProcess';
import { KernelExecutor } from '../../src/kernel/kernelExecutor';
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
});
