// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { Agent } from '../agent/agent';
import type { AgentEvent } from '../agent/events';
import { checkGrounding } from '../agent/grounding';
import type { IConversationRecord } from '../conversation/conversationRecord';
import { voteOnAnswers, normaliseAnswer } from '../eval/answerVote';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ModelClient } from '../model/modelClient';
import { HeadlessNotebook } from '../notebook/headlessNotebook';
import { JupyterConnection } from '../node/jupyterConnection';
import type { ITerminalStreams } from './terminalRenderer';

/**
 * The help of `code-interpreter run`'s effort options.
 */
export const THOROUGH_RUN_HELP = `Effort:
  --effort fast|thorough  fast (default): one turn. thorough: K candidate turns, one after the
                       other, each in a fresh kernel of the same kernel spec working in a temporary
                       copy of the notebook's folder (hidden entries, node_modules and __pycache__
                       left out; candidates write files only in their copies, removed afterwards),
                       sampled with seeds; the figures of the completed candidates' answers are
                       compared, the most common wins (ties to the earlier), and its cells are
                       written into the notebook and run once more in its kernel. Private server
                       only (not with --server-url). Ctrl-C stops all candidates
  --candidates K       thorough's candidate turns (default 3; 1 to 20)
  --candidate-temperature T  their sampling temperature (default 0.8)
  --seed N             candidate i is sent seed N + i (default 1)`;

/**
 * What a thorough run of `code-interpreter run` gave.
 */
export interface IThoroughOutcome {
  /**
   * The chosen candidate's turn, as it ended in its own kernel; `undefined` when stopped before
   * any candidate finished.
   */
  result?: Agent.ITurnResult;
  /**
   * The chosen candidate's index (from 0), or `undefined` when no candidate finished (stopped).
   */
  chosen?: number;
  /**
   * Whether the chosen cells ran without error in the user's kernel.
   */
  replayed: boolean;
}

/**
 * Run a task with the thorough effort: K candidate turns, one after the other, each in a fresh
 * kernel of the same kernel spec on a private Jupyter server, in a temporary copy of the working
 * folder (so candidates write files only in their copies, and see none of each other's names),
 * each sampled with its own seed; the printed answers of the candidates that completed are
 * compared (the figures each final answer states, normalised), the most common wins (ties to the
 * earlier candidate); its cells are written into the user's notebook and run once more in the
 * user's kernel, and its conversation saved there. The copies are removed afterwards.
 *
 * @param options - the task, the folders, the model and how candidates are sampled.
 * @returns the chosen candidate's turn, and whether its cells ran in the user's kernel.
 * @throws {UnreachableError} when the candidates' Jupyter server cannot be started.
 */
export async function runThoroughTask(options: IThoroughRunOptions): Promise<IThoroughOutcome> {
  const { streams } = options;
  const scratch = mkdtempSync(join(tmpdir(), 'code-interpreter-thorough-'));
  let connection: JupyterConnection | undefined;
  const runs: { result: Agent.ITurnResult; answer: string; notebook: HeadlessNotebook; before: Set<string> }[] = [];
  let current: Agent | undefined;
  const stop = () => current?.stop();
  options.signal?.addEventListener('abort', stop);
  try {
    for (let index = 0; index < options.candidates; index++) {
      cpSync(options.workingDir, join(scratch, `candidate-${index + 1}`), {
        recursive: true,
        // Version control, environments and caches are not the task's data.
        // (and a working folder that holds the temporary one, /tmp itself, is not copied into itself).
        filter: source =>
          source === options.workingDir || (!Private.SKIPPED.test(basename(source)) && !source.startsWith(scratch))
      });
    }
    connection = await JupyterConnection.open({ python: options.python, rootDir: scratch });
    for (let index = 0; index < options.candidates && !options.signal?.aborted; index++) {
      const seed = options.seed + index;
      streams.err.write(`● candidate ${index + 1}/${options.candidates} (seed ${seed}) in a kernel of its own\n`);
      const notebook = await HeadlessNotebook.open({
        contents: connection.contents,
        sessions: connection.sessions,
        path: `candidate-${index + 1}/${options.notebookPath}`,
        kernelName: options.kernelName
      });
      const before = new Set(notebook.cells().map(cell => cell.id));
      let answer = '';
      const agent = new Agent({ ...options.agent, target: notebook, temperature: options.temperature, seed });
      agent.events.connect((_: Agent, event: AgentEvent) => {
        if (event.type === 'model-response') {
          answer = event.content;
        }
      });
      current = agent;
      try {
        const result = await agent.run(options.task);
        runs.push({ result, answer, notebook, before });
        streams.err.write(`● candidate ${index + 1}: ${result.outcome}, ${result.executions} executions\n`);
      } finally {
        current = undefined;
        agent.dispose();
      }
    }
    if (!runs.length) {
      return { replayed: false };
    }
    const vote = voteOnAnswers(
      ['answer'],
      runs.map(run => ({
        answers: new Map([['answer', Private.answerKey(run.answer)]]),
        completed: run.result.outcome === 'completed'
      }))
    );
    const winning = vote.votes[0].value;
    const chosen = vote.voting.find(index => Private.answerKey(runs[index].answer) === winning) ?? 0;
    const winner = runs[chosen];
    streams.err.write(
      `● candidate ${chosen + 1} chosen (${vote.voting.length} voted; its cells now run in your kernel)\n`
    );
    const replayed = await Private.replay(winner.notebook, winner.before, options.userNotebook);
    streams.out.write(`${winner.answer}\n`);
    return { result: winner.result, chosen, replayed };
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await Promise.all(runs.map(run => run.notebook.close(true).catch(() => undefined)));
    await connection?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * What a thorough run needs.
 */
export interface IThoroughRunOptions {
  task: string;
  /**
   * The folder the user's kernel works in (a private server's root), copied for each candidate.
   */
  workingDir: string;
  /**
   * The notebook's path under that folder.
   */
  notebookPath: string;
  /**
   * The user's notebook, on the user's kernel: the winner's cells are written and run there.
   */
  userNotebook: HeadlessNotebook;
  kernelName?: string;
  python?: string;
  candidates: number;
  temperature: number;
  seed: number;
  /**
   * The agent's options but its target, temperature and seed.
   */
  agent: Omit<Agent.IOptions, 'target' | 'temperature' | 'seed'> & { model: ModelClient; tokenCounter?: ITokenCounter };
  streams: ITerminalStreams;
  /**
   * Stops the candidate under way, and the ones after it.
   */
  signal?: AbortSignal;
}

namespace Private {
  /**
   * Entries of the working folder left out of the copies.
   */
  export const SKIPPED = /^(\..*|node_modules|__pycache__)$/;

  /**
   * What the candidates are compared on: the figures the final answer states, normalised as
   * DABench's vote does; an answer without figures by its words.
   */
  export function answerKey(answer: string): string {
    const figures = checkGrounding(answer, []).figures;
    return figures.length ? figures.map(normaliseAnswer).join(' | ') : normaliseAnswer(answer.replace(/,/g, ' '));
  }

  /**
   * Write the cells the winner's turn added into the user's notebook, in order, running the code
   * cells in the user's kernel, and save the winner's conversation with the cells' new ids.
   *
   * @returns whether every code cell ran without error.
   */
  export async function replay(from: HeadlessNotebook, before: Set<string>, to: HeadlessNotebook): Promise<boolean> {
    let ok = true;
    const ids = new Map<string, string>();
    for (const cell of from.cells().filter(candidate => !before.has(candidate.id))) {
      if (cell.cellType === 'code') {
        const id = await to.insertCode(cell.source);
        ids.set(cell.id, id);
        const result = await to.execute(id);
        ok &&= result.status === 'ok';
      } else if (cell.cellType === 'markdown') {
        ids.set(cell.id, await to.insertMarkdown(cell.source));
      }
    }
    const saved = from.loadConversation();
    if (saved !== undefined) {
      let text = JSON.stringify(saved);
      for (const [old, id] of ids) {
        text = text.split(old).join(id);
      }
      await to.saveConversation(JSON.parse(text) as IConversationRecord);
    } else {
      await to.save();
    }
    return ok;
  }
}
