// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { isCodeCellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';

import { waitForIdleKernel } from '../kernel/kernelReadiness';
import { inspectNamespace, type KernelInspection } from '../kernel/namespaceInspector';
import type { IInspectKernelOptions } from '../notebook/notebookTarget';

/**
 * The kernel of a notebook open in JupyterLab, once its session is ready.
 *
 * @param panel - the notebook.
 * @returns the kernel's connection.
 * @throws when the notebook has no kernel.
 */
export async function notebookKernel(panel: NotebookPanel): Promise<Kernel.IKernelConnection> {
  const sessionContext = panel.sessionContext;
  await sessionContext.ready;
  const kernel = sessionContext.session?.kernel;
  if (!kernel) {
    throw new Error(`The notebook ${panel.context.path} has no kernel; select one to let the agent run code.`);
  }
  return kernel;
}

/**
 * Make a notebook's kernel usable again: wait for the restart jupyter_server makes by itself
 * after a kernel died, or restart a kernel that ignored an interrupt.
 *
 * @param panel - the notebook.
 * @throws when the kernel does not come back.
 */
export async function restartNotebookKernel(panel: NotebookPanel): Promise<void> {
  const sessionContext = panel.sessionContext;
  const kernel = sessionContext.session?.kernel;
  if (kernel && kernel.status !== 'busy' && (await waitForIdleKernel(kernel, 20_000))) {
    return;
  }
  await sessionContext.restartKernel();
  const restarted = sessionContext.session?.kernel;
  if (!restarted || !(await waitForIdleKernel(restarted, 30_000))) {
    throw new Error('The kernel did not come back after a restart.');
  }
}

/**
 * Describe the user's namespace in a notebook's kernel without a trace; skipped at once while a
 * cell runs (one the user just started may not have made the kernel report busy yet).
 *
 * @param panel - the notebook.
 * @param options - the time limit and how many variables to describe.
 * @returns the namespace, or why the kernel was not inspected.
 */
export async function inspectNotebookKernel(
  panel: NotebookPanel,
  options: IInspectKernelOptions = {}
): Promise<KernelInspection> {
  const cells = panel.model?.cells;
  let busy = false;
  for (const cell of cells ?? []) {
    busy ||= isCodeCellModel(cell) && cell.executionState === 'running';
  }
  return inspectNamespace(panel.sessionContext.session?.kernel, { ...options, busy });
}
