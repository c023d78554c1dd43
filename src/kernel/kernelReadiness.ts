// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { Kernel } from '@jupyterlab/services';

/**
 * Wait until a kernel is idle and connected again (after the server restarted it), up to a time
 * limit. Polled: the status messages of a restart can all pass before anyone listens.
 *
 * @param kernel - the kernel connection.
 * @param timeoutMs - how long to wait.
 * @returns whether it became idle in time (false when it is dead).
 */
export async function waitForIdleKernel(kernel: Kernel.IKernelConnection, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let asked = 0;
  while (Date.now() < deadline) {
    if (kernel.isDisposed || kernel.status === 'dead') {
      return false;
    }
    if (kernel.status === 'idle' && kernel.connectionStatus === 'connected') {
      return true;
    }
    if (kernel.connectionStatus === 'connected' && Date.now() - asked > 1000) {
      // A kernel_info reply brings a status message, for a kernel whose last one was missed.
      asked = Date.now();
      void kernel.requestKernelInfo().catch(() => undefined);
    }
    await new Promise<void>(resolve => setTimeout(resolve, 100));
  }
  return false;
}
