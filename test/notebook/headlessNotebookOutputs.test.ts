import { HeadlessNotebook } from '../../src/notebook/headlessNotebook';
import { CellNotFoundError } from '../../src/notebook/notebookTarget';
import { JupyterConnection } from '../../src/node/jupyterConnection';
import { projectPython } from '../support/jupyter';

describe('HeadlessNotebook.getOutputs', () => {
  let connection: JupyterConnection;
  let notebook: HeadlessNotebook;

  beforeAll(async () => {
    connection = await JupyterConnection.open({ python: projectPython() });
    notebook = await HeadlessNotebook.open({
      contents: connection.contents,
      sessions: connection.sessions,
      path: 'outputs.ipynb'
    });
  });

  afterAll(async () => {
    await notebook?.close(true);
    await connection?.close();
  });

  it("reads a cell's outputs as nbformat stores them: a traceback, none for markdown, an error for a gone cell", async () => {
    const failing = await notebook.insertCode('print("seen")\n1 / 0');
    await notebook.execute(failing);
    const notRun = await notebook.insertCode('x = 1');
    const notes = await notebook.insertMarkdown('# Notes');

    const outputs = notebook.getOutputs(failing);

    expect(outputs).toHaveLength(2);
    expect(outputs[0]).toEqual({ output_type: 'stream', name: 'stdout', text: 'seen\n' });
    expect(outputs[1]).toMatchObject({ output_type: 'error', ename: 'ZeroDivisionError' });
    // A copy: changing it leaves the cell as it is.
    outputs.pop();
    expect(notebook.getOutputs(failing)).toHaveLength(2);
    expect(notebook.getOutputs(notRun)).toEqual([]);
    expect(notebook.getOutputs(notes)).toEqual([]);
    expect(() => notebook.getOutputs('no-such-cell')).toThrow(CellNotFoundError);
  });
});
