// Figure 2: the agent's own time per refinement step, with a model that answers at once.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

import { Agent } from '../src/agent/agent';
import type { AgentEvent } from '../src/agent/events';
import { JupyterConnection } from '../src/node/jupyterConnection';
import { createTiktokenCounter } from '../src/feedback/tiktokenCounter';
import { ModelClient } from '../src/model/modelClient';
import { HeadlessNotebook } from '../src/notebook/headlessNotebook';
import { ScriptedModelServer, type IRecordedRequest, type ScriptedReply } from '../test/support/scriptedModelServer';
import { median } from './support/statistics';

/**
 * One measured turn, in milliseconds per step (a step is one model answer with a tool call and
 * the execution it asks for).
 */
export interface IOverheadTurn {
  steps: number;
  totalMs: number;
  modelMs: number;
  kernelMs: number;
  savesMs: number;
  /**
   * The two waits a turn has once, whatever its steps: the kernel's inspection before the first
   * request (a silent execute_request) and the save of the notebook with the conversation after
   * the last step (a PUT to the contents API, which waits for any background save still going).
   */
  inspectionMs: number;
  conversationSaveMs: number;
  /** (total - model - executions - the turn's two waits) / steps: the agent's own code. */
  agentPerStepMs: number;
  /** (total - model - executions) / steps: the agent with the turn's two waits spread over its steps. */
  agentWithTurnWaitsPerStepMs: number;
  kernelPerStepMs: number;
  modelPerStepMs: number;
  /**
   * Of the agent's own time, per step: from the previous event (feedback given, or the turn's
   * start) to the next model request, i.e. fitting the history into the context window and
   * assembling the request.
   */
  requestAssemblyPerStepMs: number;
  /** Messages in the conversation when the turn started. */
  historyMessages: number;
}

/**
 * The result of the overhead figure.
 */
export interface IOverheadResult {
  turns: IOverheadTurn[];
  /** Medians over the measured turns. */
  agentPerStepMs: number;
  agentWithTurnWaitsPerStepMs: number;
  kernelPerStepMs: number;
  modelPerStepMs: number;
  /** Per turn: the kernel's inspection and the end-of-turn save. */
  inspectionMs: number;
  conversationSaveMs: number;
  savesPerStep: number;
  steps: number;
}

/**
 * Run turns of `steps` tool calls each (execute_code and edit_cell of `pass`, alternately) on a
 * headless notebook with a real kernel, and split each turn's wall time into model, kernel,
 * notebook saves and the rest, which is the agent's own overhead.
 *
 * @param options - the Python, steps per turn and measured turns (after one warm-up turn).
 * @param log - progress lines.
 * @returns per-turn figures and their medians.
 */
export async function measureAgentOverhead(
  options: { python: string; steps: number; turns: number },
  log: (line: string) => void
): Promise<IOverheadResult> {
  const connection = await JupyterConnection.open({ python: options.python });
  const model = await ScriptedModelServer.start({ script: request => Private.reply(request, options.steps) });
  let notebook: HeadlessNotebook | undefined;
  try {
    notebook = await HeadlessNotebook.open({
      contents: connection.contents,
      sessions: connection.sessions,
      path: 'overhead.ipynb'
    });
    const saves = Private.timeCalls(notebook, 'save');
    const inspections = Private.timeCalls(notebook, 'inspectKernel');
    const conversationSaves = Private.timeCalls(notebook, 'saveConversation');
    const agent = new Agent({
      model: new ModelClient({ baseURL: model.baseUrl, apiKey: 'bench', model: 'scripted-model', maxRetries: 0 }),
      target: notebook,
      tokenCounter: await createTiktokenCounter(),
      maxAttempts: options.steps,
      cellTimeoutMs: 20_000
    });
    const clock = new Private.EventClock();
    agent.events.connect((_, event) => clock.on(event));
    const turns: IOverheadTurn[] = [];
    for (let turn = 0; turn <= options.turns; turn++) {
      clock.reset();
      saves.reset();
      inspections.reset();
      conversationSaves.reset();
      const historyMessages = agent.conversation.messages.length;
      const started = performance.now();
      const result = await agent.run(`${Private.PROMPT} ${turn}`);
      const totalMs = performance.now() - started;
      if (result.outcome !== 'completed' || result.executions !== options.steps) {
        throw new Error(
          `overhead turn ended as ${result.outcome} after ${result.executions} executions: ${result.reason}`
        );
      }
      // Saves after each execution run in the background, overlapping model requests, executions
      // and the agent's own code, so they are not subtracted. The turn's inspection and its last
      // save are awaited by the agent, between its events: they are the kernel's and the server's
      // time, and they come once a turn, not once a step.
      const savesInside = saves.within(clock.executions);
      const kernelMs = clock.executionMs - savesInside;
      const steps = options.steps;
      const turnWaitsMs = inspections.totalMs + conversationSaves.totalMs;
      const measured: IOverheadTurn = {
        steps,
        totalMs,
        modelMs: clock.modelMs,
        kernelMs,
        savesMs: saves.totalMs,
        inspectionMs: inspections.totalMs,
        conversationSaveMs: conversationSaves.totalMs,
        agentPerStepMs: (totalMs - clock.modelMs - clock.executionMs - turnWaitsMs) / steps,
        agentWithTurnWaitsPerStepMs: (totalMs - clock.modelMs - clock.executionMs) / steps,
        kernelPerStepMs: kernelMs / steps,
        modelPerStepMs: clock.modelMs / steps,
        requestAssemblyPerStepMs: clock.assemblyMs / steps,
        historyMessages
      };
      if (turn === 0) {
        log(`agent overhead: warm-up turn of ${steps} steps took ${totalMs.toFixed(0)} ms`);
        continue;
      }
      turns.push(measured);
      log(
        `agent overhead: turn ${turn} (${historyMessages} messages before): ${measured.agentPerStepMs.toFixed(2)} ms/step agent ` +
          `(request assembly ${measured.requestAssemblyPerStepMs.toFixed(2)}), ` +
          `${measured.agentWithTurnWaitsPerStepMs.toFixed(2)} with the turn's inspection ` +
          `(${measured.inspectionMs.toFixed(0)} ms) and last save (${measured.conversationSaveMs.toFixed(0)} ms), kernel ${measured.kernelPerStepMs.toFixed(2)}, ` +
          `model ${measured.modelPerStepMs.toFixed(2)}`
      );
    }
    agent.dispose();
    return {
      turns,
      agentPerStepMs: median(turns.map(turn => turn.agentPerStepMs)),
      agentWithTurnWaitsPerStepMs: median(turns.map(turn => turn.agentWithTurnWaitsPerStepMs)),
      inspectionMs: median(turns.map(turn => turn.inspectionMs)),
      conversationSaveMs: median(turns.map(turn => turn.conversationSaveMs)),
      kernelPerStepMs: median(turns.map(turn => turn.kernelPerStepMs)),
      modelPerStepMs: median(turns.map(turn => turn.modelPerStepMs)),
      savesPerStep: saves.countPerTurn / options.steps,
      steps: options.steps
    };
  } finally {
    await notebook?.close(true);
    await model.stop();
    await connection.close();
  }
}

namespace Private {
  export const PROMPT = 'Overhead turn';

  /**
   * The scripted model: `steps` tool calls (a new cell, then edits of it, alternately), then text.
   */
  export function reply(request: IRecordedRequest, steps: number): ScriptedReply {
    const messages: ChatCompletionMessageParam[] = request.body.messages;
    let start = messages.length - 1;
    while (start > 0 && !(messages[start].role === 'user' && String(messages[start].content).includes(PROMPT))) {
      start--;
    }
    const done = messages.slice(start).filter(message => message.role === 'tool');
    if (done.length >= steps) {
      return { kind: 'text', content: 'Done.' };
    }
    const last = done.length ? String(done[done.length - 1].content) : '';
    const cellId = /^cell_id: (\S+)/m.exec(last)?.[1];
    const call =
      done.length % 2 === 1 && cellId
        ? { name: 'edit_cell', arguments: JSON.stringify({ cell_id: cellId, code: `pass  # step ${done.length}` }) }
        : { name: 'execute_code', arguments: JSON.stringify({ code: `pass  # step ${done.length}` }) };
    return { kind: 'tools', calls: [call] };
  }

  /**
   * Times model requests and executions from the agent's events (signals are synchronous, so the
   * handler runs at the moment the agent emits).
   */
  export class EventClock {
    modelMs = 0;
    executionMs = 0;
    assemblyMs = 0;
    executions: Array<[number, number]> = [];
    requests: Array<[number, number]> = [];

    reset(): void {
      this.modelMs = 0;
      this.executionMs = 0;
      this.assemblyMs = 0;
      this.executions = [];
      this.requests = [];
    }

    on(event: AgentEvent): void {
      const now = performance.now();
      switch (event.type) {
        case 'turn-start':
        case 'feedback':
          this._lastFeedback = now;
          break;
        case 'model-request':
          this.assemblyMs += now - this._lastFeedback;
          this._modelStart = now;
          break;
        case 'model-response':
          this.modelMs += now - this._modelStart;
          this.requests.push([this._modelStart, now]);
          break;
        case 'execution-start':
          this._executionStart = now;
          break;
        case 'execution-end':
          this.executionMs += now - this._executionStart;
          this.executions.push([this._executionStart, now]);
          break;
      }
    }

    private _modelStart = 0;
    private _executionStart = 0;
    private _lastFeedback = 0;
  }

  /**
   * Wraps one asynchronous method of the notebook to time its calls: the saves (a PUT of the
   * whole notebook to the contents API after each change), the kernel's inspection and the save
   * of the conversation are the kernel's or the server's work, not the agent's computation.
   */
  export function timeCalls(
    notebook: HeadlessNotebook,
    method: 'save' | 'inspectKernel' | 'saveConversation'
  ): {
    reset(): void;
    totalMs: number;
    countPerTurn: number;
    within(intervals: Array<[number, number]>): number;
  } {
    const original = notebook[method].bind(notebook) as (...args: unknown[]) => Promise<unknown>;
    let spans: Array<[number, number]> = [];
    (notebook as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original(...args);
      } finally {
        spans.push([started, performance.now()]);
      }
    };
    return {
      reset: () => (spans = []),
      get totalMs() {
        return spans.reduce((sum, [start, end]) => sum + end - start, 0);
      },
      get countPerTurn() {
        return spans.length;
      },
      within: intervals =>
        spans
          .filter(([start, end]) => intervals.some(([from, to]) => start >= from && end <= to))
          .reduce((sum, [start, end]) => sum + end - start, 0)
    };
  }
}
