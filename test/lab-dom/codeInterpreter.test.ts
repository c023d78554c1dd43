import type { ICodeCellModel } from '@jupyterlab/cells';
import type * as nbformat from '@jupyterlab/nbformat';
import { NotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';

import { makeNodeServerSettings } from '../../src/node/serverConnection';
import { CodeInterpreter } from '../../src/lab/codeInterpreter';
import { codeInterpreterPlugin } from '../../src/lab/plugin';
import { DEFAULT_SETTINGS } from '../../src/lab/settings';
import { ICodeInterpreter } from '../../src/lab/tokens';
import type { ScriptedReply } from '../support/scriptedModelServer';
import { closeNotebook, openNotebook } from './support/liveNotebook';
import { ScriptedLab } from './support/scriptedLab';

const FAILING = 'print(1 / 0)';
const FIXED = 'print(1 / 2)';

/**
 * The model: divides by zero, fixes the cell after the error, then answers; a prompt with
 * "hang" gets a request that is never answered.
 */
function reply(body: { messages: { role: string; content?: unknown }[] }): ScriptedReply {
  const messages = body.messages;
  const prompt = [...messages].reverse().find(message => message.role === 'user')?.content;
  if (typeof prompt === 'string' && prompt.includes('hang')) {
    return { kind: 'hang' };
  }
  const last = messages[messages.length - 1];
  const result = last.role === 'tool' && typeof last.content === 'string' ? last.content : null;
  if (!result) {
    return { kind: 'tools', calls: [{ name: 'execute_code', arguments: JSON.stringify({ code: FAILING }) }] };
  }
  const cellId = /^cell_id: (\S+)/m.exec(result)?.[1];
  if (/^status: error/m.test(result) && cellId) {
    return {
      kind: 'tools',
      calls: [{ name: 'edit_cell', arguments: JSON.stringify({ cell_id: cellId, code: FIXED }) }]
    };
  }
  return { kind: 'text', content: 'Half is 0.5.' };
}

const USER_CELLS: nbformat.ICell[] = [
  { id: 'user-code', cell_type: 'code', source: 'x = 1', metadata: {}, outputs: [], execution_count: null }
];

let panel: NotebookPanel;
let interpreter: CodeInterpreter;

// The real server extension proxies the model requests to the scripted server.
const lab = ScriptedLab.forSuite({
  script: request => reply(request.body as never),
  beforeStop: async () => {
    interpreter?.dispose();
    if (panel) {
      await closeNotebook(panel);
    }
  }
});

beforeAll(async () => {
  panel = await openNotebook(lab.manager, 'service.ipynb', USER_CELLS);
  const tracker = new NotebookTracker({ namespace: 'code-interpreter-test' });
  await tracker.add(panel);
  interpreter = new CodeInterpreter({
    tracker,
    settings: () => ({ ...DEFAULT_SETTINGS, approval: 'never', protocol: 'tools' }),
    serverSettings: makeNodeServerSettings(lab.server.url, lab.server.token)
  });
});

describe('ICodeInterpreter', () => {
  it('is the token the plugin provides', () => {
    expect(codeInterpreterPlugin.provides).toBe(ICodeInterpreter);
    expect(ICodeInterpreter.name).toBe('jupyterlab-code-interpreter:ICodeInterpreter');
  });

  it('runs a turn for a notebook and tells other extensions of each execution and event', async () => {
    const executed: ICodeInterpreter.IExecutedArgs[] = [];
    // What the cell held when the signal came: listeners see the finished run.
    const seen: { source: string; count: number | null; outputs: number; state: string }[] = [];
    const events: ICodeInterpreter.IEventArgs[] = [];
    const service: ICodeInterpreter = interpreter;
    const onExecuted = (_: ICodeInterpreter, args: ICodeInterpreter.IExecutedArgs) => {
      executed.push(args);
      seen.push({
        source: args.cell.sharedModel.getSource(),
        count: args.cell.executionCount,
        outputs: args.cell.outputs.length,
        state: args.cell.executionState
      });
    };
    const onEvent = (_: ICodeInterpreter, args: ICodeInterpreter.IEventArgs) => void events.push(args);
    service.executed.connect(onExecuted);
    service.events.connect(onEvent);

    const result = await service.ask('Divide one by two', { notebook: panel });

    // Panels and cell models are compared by identity (a failed deep comparison would print
    // the whole widget tree).
    expect({ outcome: result.outcome, executions: result.executions }).toEqual({ outcome: 'completed', executions: 2 });
    expect(result.notebook === panel).toBe(true);

    expect(executed).toHaveLength(2);
    const [failed, fixed] = executed;
    expect(executed.map(args => args.notebook === panel)).toEqual([true, true]);
    expect([failed.success, failed.status, failed.error]).toEqual([
      false,
      'error',
      { ename: 'ZeroDivisionError', evalue: 'division by zero' }
    ]);
    expect([fixed.success, fixed.status, fixed.error]).toEqual([true, 'ok', undefined]);
    // The same cell, revised in place, and it is the notebook's own cell model.
    expect(fixed.cell === failed.cell).toBe(true);
    const cell = Array.from(panel.model!.cells).find(candidate => candidate.id === fixed.cell.id);
    expect(cell === fixed.cell).toBe(true);
    expect((cell as ICodeCellModel).outputs.toJSON()).toEqual([
      { output_type: 'stream', name: 'stdout', text: '0.5\n' }
    ]);
    expect(seen[0]).toMatchObject({ source: FAILING, outputs: 1, state: 'idle' });
    expect(seen[0].count).toEqual(expect.any(Number));
    expect(seen[1]).toMatchObject({ source: FIXED, outputs: 1, state: 'idle' });

    const types = events.map(args => args.event.type);
    expect(events.every(args => args.notebook === panel)).toBe(true);
    expect(types[0]).toBe('turn-start');
    expect(types[types.length - 1]).toBe('turn-end');
    expect(types.filter(type => type === 'execution-end')).toHaveLength(2);
    service.executed.disconnect(onExecuted);
    service.events.disconnect(onEvent);
  });

  it('stops a turn of a notebook, and says whether one is running', async () => {
    const requested = new Promise<void>(resolve => {
      const onEvent = (_: ICodeInterpreter, args: ICodeInterpreter.IEventArgs) => {
        if (args.event.type === 'model-request') {
          interpreter.events.disconnect(onEvent);
          resolve();
        }
      };
      interpreter.events.connect(onEvent);
    });
    const turn = interpreter.ask('Please hang', { notebook: panel });
    await requested;
    expect(interpreter.isRunning(panel)).toBe(true);

    interpreter.stop(panel);
    const result = await turn;

    expect(result.outcome).toBe('stopped');
    expect(interpreter.isRunning(panel)).toBe(false);
  });

  it('refuses a second turn in the same notebook while one runs', async () => {
    const requested = new Promise<void>(resolve => {
      const onEvent = (_: ICodeInterpreter, args: ICodeInterpreter.IEventArgs) => {
        if (args.event.type === 'model-request') {
          interpreter.events.disconnect(onEvent);
          resolve();
        }
      };
      interpreter.events.connect(onEvent);
    });
    const first = interpreter.ask('hang again', { notebook: panel });
    await requested;
    await expect(interpreter.ask('Divide one by two', { notebook: panel })).rejects.toThrow(/already working/);
    interpreter.stop(panel);
    expect((await first).outcome).toBe('stopped');
  });
});
