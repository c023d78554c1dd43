// Opens a notebook as JupyterLab does: a document context on a real Jupyter server (contents and
// sessions over HTTP, the kernel over its websocket), its model shown in a NotebookPanel attached
// to the jsdom document.
import { CodeMirrorEditorFactory, CodeMirrorMimeTypeService, EditorLanguageRegistry } from '@jupyterlab/codemirror';
import { Context } from '@jupyterlab/docregistry';
import type * as nbformat from '@jupyterlab/nbformat';
import {
  Notebook,
  NotebookModelFactory,
  NotebookPanel,
  StaticNotebook,
  type INotebookModel
} from '@jupyterlab/notebook';
import { RenderMimeRegistry, standardRendererFactories } from '@jupyterlab/rendermime';
import { ServiceManager } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

import type { JupyterServerProcess } from '../../../src/node/jupyterServerProcess';
import { makeNodeServerSettings } from '../../../src/node/serverConnection';

/**
 * The service manager of a page connected to `server`, with Node's fetch and `ws`.
 */
export function serviceManagerFor(server: JupyterServerProcess): ServiceManager {
  // Polls pause while the (jsdom) page is hidden; nothing here depends on them.
  return new ServiceManager({ serverSettings: makeNodeServerSettings(server.url, server.token), standby: 'never' });
}

/**
 * Save a notebook with these cells on the server, open it in a panel and start its kernel.
 *
 * @param manager - the page's services.
 * @param path - where to save it.
 * @param cells - its cells.
 * @param metadata - more notebook metadata (the kernelspec is set).
 * @returns the panel, attached to the document, its kernel idle.
 */
export async function openNotebook(
  manager: ServiceManager,
  path: string,
  cells: nbformat.ICell[],
  metadata: nbformat.INotebookMetadata = {}
): Promise<NotebookPanel> {
  const content: nbformat.INotebookContent = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { ...metadata, kernelspec: { name: 'python3', display_name: 'Python 3' } },
    cells
  };
  await manager.ready;
  await manager.contents.save(path, { type: 'notebook', format: 'json', content });

  const context = new Context<INotebookModel>({
    manager,
    factory: new NotebookModelFactory({}),
    path,
    kernelPreference: { name: 'python3', shouldStart: true, canStart: true, shutdownOnDispose: true }
  });
  await context.initialize(false);
  await context.sessionContext.initialize();
  await context.sessionContext.ready;
  const kernel = context.sessionContext.session?.kernel;
  if (!kernel) {
    throw new Error(`No kernel started for ${path}`);
  }
  await kernel.info;

  const languages = new EditorLanguageRegistry();
  const editorFactory = new CodeMirrorEditorFactory({ languages });
  const content_ = new Notebook({
    rendermime: new RenderMimeRegistry({ initialFactories: standardRendererFactories }),
    contentFactory: new Notebook.ContentFactory({ editorFactory: editorFactory.newInlineEditor }),
    mimeTypeService: new CodeMirrorMimeTypeService(languages),
    // Every cell rendered: jsdom has no layout for windowing to measure.
    notebookConfig: { ...StaticNotebook.defaultNotebookConfig, windowingMode: 'none' }
  });
  const panel = new NotebookPanel({ content: content_, context });
  Widget.attach(panel, document.body);
  await panel.revealed;
  return panel;
}

/**
 * Close a panel opened by `openNotebook`: its session and kernel are shut down on the server.
 *
 * @param panel - the panel.
 */
export async function closeNotebook(panel: NotebookPanel): Promise<void> {
  const context = panel.context;
  await context.sessionContext.shutdown();
  panel.dispose();
  context.dispose();
}
