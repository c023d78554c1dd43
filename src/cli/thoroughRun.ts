// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { cpSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import type { Agent } from '../agent/agent';
import { CandidateTurns, type CandidateEvent } from '../agent/candidateTurns';
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
                       left out; at most 200 MB; candidates write files only in their copies,
                       removed afterwards),
                       sampled with seeds; the figures of the completed candidates' answers are
                       compared, the most common wins (ties to the earlier), and its cells are
                       written into the notebook and run once more in its kernel. Private server
                       only (not with --server-url). Ctrl-C stops all candidates
  --candidates K       thorough's candidate turns (default 3; 1 to 20)
  --candidate-temperature T  the sampled candidates' temperature (default 0.8)
  --seed N             candidate i is sent seed N + i (default 1); the first candidate is greedy`;

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
 * @throws {Error} when the working folder holds more than 200 MB, before anything is copied.
 */
export async function runThoroughTask(options: IThoroughRunOptions): Promise<IThoroughOutcome> {
  const { streams } = options;
  const size = Private.folderSize(options.workingDir);
  if (size > Private.MAX_FOLDER_BYTES) {
    throw new Error(
      `The folder holds ${Math.round(size / 2 ** 20)} MB; the thorough effort copies it once per candidate and ` +
        `copies at most ${Private.MAX_FOLDER_BYTES / 2 ** 20} MB. Move the notebook into a smaller folder, or use --effort fast.`
    );
  }
  const scratch = mkdtempSync(join(tmpdir(), 'code-interpreter-thorough-'));
  let connection: JupyterConnection | undefined;
  let turns: CandidateTurns | undefined;
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
    const server = await JupyterConnection.open({ python: options.python, rootDir: scratch });
    connection = server;
    turns = new CandidateTurns({
      task: options.task,
      candidates: options.candidates,
      temperature: options.temperature,
      seed: options.seed,
      agent: options.agent,
      openCandidate: async index => {
        const notebook = await HeadlessNotebook.open({
          contents: server.contents,
          sessions: server.sessions,
          path: `candidate-${index + 1}/${options.notebookPath}`,
          kernelName: options.kernelName
        });
        return { target: notebook, close: () => notebook.close(true) };
      },
      onEvent: event => streams.err.write(Private.describe(event, options.candidates))
    });
    const { chosen } = await turns.run(options.signal);
    if (!chosen || options.signal?.aborted) {
      // Stopped: nothing is written into the person's notebook, whatever finished before.
      return { replayed: false };
    }
    const replayed = (await CandidateTurns.replay(chosen, options.userNotebook)).ok;
    // The cells inserted are saved in the background; the file must hold them when the run ends.
    await options.userNotebook.save();
    streams.out.write(`${chosen.answer}\n`);
    return { result: chosen.result, chosen: chosen.index, replayed };
  } finally {
    await turns?.close();
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
  agent: Omit<Agent.IOptions, 'target' | 'temperature' | 'seed' | 'approve'> & {
    model: ModelClient;
    tokenCounter?: ITokenCounter;
  };
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
   * The most a working folder may hold to be copied for candidates: the sidebar's limit too
   * (MAX_FOLDER_BYTES in jupyterlab_code_interpreter/candidate_folders_handler.py).
   */
  export const MAX_FOLDER_BYTES = 200 * 2 ** 20;

  /**
   * Bytes of the files a copy would hold (links not followed), counted until over the limit.
   */
  export function folderSize(folder: string): number {
    let total = 0;
    const pending = [folder];
    while (pending.length && total <= MAX_FOLDER_BYTES) {
      const current = pending.pop()!;
      for (const entry of readdirSync(current, { withFileTypes: true })) {
        if (SKIPPED.test(entry.name)) {
          continue;
        }
        const path = join(current, entry.name);
        if (entry.isDirectory()) {
          pending.push(path);
        } else if (entry.isFile()) {
          total += lstatSync(path).size;
        }
      }
    }
    return total;
  }

  /**
   * A line of stderr for a candidate's progress.
   */
  export function describe(event: CandidateEvent, candidates: number): string {
    switch (event.type) {
      case 'candidate-start':
        return `● candidate ${event.index + 1}/${candidates} (seed ${event.seed}) in a kernel of its own\n`;
      case 'candidate-end':
        return `● candidate ${event.index + 1}: ${event.outcome}, ${event.executions} executions\n`;
      case 'candidate-chosen': {
        const unneeded = event.unneeded
          ? `; ${event.unneeded} more could not have changed the vote and did not run`
          : '';
        return `● candidate ${event.index + 1} chosen (${event.voters} voted${unneeded}; its cells now run in your kernel)\n`;
      }
    }
  }
}
