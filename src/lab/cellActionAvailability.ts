// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { NotebookPanel } from '@jupyterlab/notebook';
import type { KernelSpec } from '@jupyterlab/services';

/**
 * Whether the cell actions (fix, ask about, explain) can be used in a notebook now:
 *
 * - `unavailable`: they cannot work there (no sidebar to show the turn, no kernel, a kernel of
 *   another language than Python), so they are hidden;
 * - `running`: a turn runs in the notebook, so a new one is refused (shown disabled, saying so);
 *   attaching a cell to the next prompt still works;
 * - `ready`: they can be used.
 */
export type CellActionState = 'unavailable' | 'running' | 'ready';

/**
 * The state of the cell actions in a notebook.
 *
 * @param panel - the notebook, or `null` when none is current.
 * @param options - whether a sidebar is there, whether a turn runs, the kernel specs.
 * @returns the state.
 */
export function cellActionState(panel: NotebookPanel | null, options: ICellActionStateOptions): CellActionState {
  if (!panel || panel.isDisposed || !options.hasSidebar) {
    return 'unavailable';
  }
  const kernel = panel.sessionContext.session?.kernel;
  if (!kernel) {
    return 'unavailable';
  }
  const language = kernelLanguage(panel, options.kernelSpecs);
  if (language !== 'python') {
    return 'unavailable';
  }
  return options.isRunning(panel) ? 'running' : 'ready';
}

/**
 * What `cellActionState` reads besides the notebook.
 */
export interface ICellActionStateOptions {
  /**
   * Whether a sidebar is there to show the turn (and hold the chips).
   */
  hasSidebar: boolean;

  /**
   * Whether a turn runs in a notebook.
   */
  isRunning: (panel: NotebookPanel) => boolean;

  /**
   * The server's kernel specs, whose `language` names the kernel's language.
   */
  kernelSpecs?: Pick<KernelSpec.IManager, 'specs'>;
}

/**
 * The language of a notebook's kernel, lower-cased: its kernel spec's, else what the kernel said
 * of itself (the notebook's `language_info`, written when the kernel connects), else the notebook's
 * saved kernelspec; empty when none says.
 *
 * @param panel - the notebook.
 * @param kernelSpecs - the server's kernel specs.
 * @returns the language, such as `python`.
 */
export function kernelLanguage(panel: NotebookPanel, kernelSpecs?: Pick<KernelSpec.IManager, 'specs'>): string {
  const name = panel.sessionContext.session?.kernel?.name;
  const spec = name ? kernelSpecs?.specs?.kernelspecs[name] : undefined;
  if (spec?.language) {
    return spec.language.toLowerCase();
  }
  const info = panel.model?.getMetadata('language_info') as { name?: unknown } | undefined;
  if (typeof info?.name === 'string' && info.name) {
    return info.name.toLowerCase();
  }
  const saved = panel.model?.getMetadata('kernelspec') as { language?: unknown } | undefined;
  return typeof saved?.language === 'string' ? saved.language.toLowerCase() : '';
}
