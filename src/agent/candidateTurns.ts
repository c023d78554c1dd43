// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { IConversationRecord } from '../conversation/conversationRecord';
import type { INotebookTarget } from '../notebook/notebookTarget';
import { Agent } from './agent';
import { normaliseAnswer, voteIsSettled, voteOnAnswers, type IVoter } from './answerVote';
import { candidateSampling } from './candidateSampling';
import type { ApprovalHook } from './approval';
import type { AgentEvent } from './events';
import { checkGrounding } from './grounding';
import type { ITurnOptions } from './turnRequest';

/**
 * The thorough effort in a notebook (docs/effort.md): K candidate turns of the same task, one
 * after the other, each in a target of its own (a kernel started for it, in a copy of the folder)
 * and sampled with its own seed; the figures of the completed candidates' answers are put to a
 * vote, and the winner's cells are then written into the person's notebook and run there. The
 * places candidates run in are the caller's: the command line's private server, the sidebar's
 * kernels started through JupyterLab.
 */
export class CandidateTurns {
  /**
   * @param options - the task, how candidates are sampled and where they run.
   */
  constructor(options: CandidateTurns.IOptions) {
    this._options = options;
  }

  /**
   * Run the candidates, one after the other, and choose one. The targets opened stay open for
   * `replay`; `close()` closes them.
   *
   * @param signal - stops the candidate under way and starts no other.
   * @returns the candidates that finished and the chosen one; `chosen` is `undefined` when the
   *   run was stopped or none finished.
   */
  async run(signal?: AbortSignal): Promise<CandidateTurns.IChoice> {
    const { candidates, onEvent } = this._options;
    let current: Agent | undefined;
    const stop = () => current?.stop();
    signal?.addEventListener('abort', stop);
    try {
      for (let index = 0; index < candidates && !signal?.aborted; index++) {
        const { temperature, seed } = candidateSampling(index, this._options);
        onEvent?.({ type: 'candidate-start', index, candidates, seed });
        const opened = await this._options.openCandidate(index);
        this._opened.push(opened);
        const before = new Set(opened.target.cells().map(cell => cell.id));
        let response: AgentEvent.IModelResponse | undefined;
        const agent = new Agent({
          ...this._options.agent,
          target: opened.target,
          temperature,
          seed,
          approve: this._options.candidateApprove
        });
        agent.events.connect((_: Agent, event: AgentEvent) => {
          if (event.type === 'model-response') {
            response = event;
          }
        });
        current = agent;
        try {
          const result = await agent.run(this._options.task, this._options.turnOptions);
          const answer = response?.content ?? '';
          const key = CandidateTurns.answerKey(answer);
          this._runs.push({ index, seed, result, answer, key, response, target: opened.target, before });
          onEvent?.({
            type: 'candidate-end',
            index,
            outcome: result.outcome,
            executions: result.executions,
            answer: key
          });
        } finally {
          current = undefined;
          agent.dispose();
        }
        if (voteIsSettled(['answer'], Private.voters(this._runs), candidates - index - 1)) {
          // The candidates to come could not change the vote: they need not run.
          break;
        }
      }
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    const finished = this._runs.filter(run => run.result.outcome !== 'stopped');
    if (!finished.length || signal?.aborted) {
      // Stopped: nothing is chosen, whatever finished before.
      return { runs: this._runs };
    }
    const vote = voteOnAnswers(['answer'], Private.voters(finished));
    const winning = vote.votes[0].value;
    const chosen = finished[vote.voting.find(at => finished[at].key === winning) ?? 0];
    onEvent?.({
      type: 'candidate-chosen',
      index: chosen.index,
      voters: vote.voting.length,
      unneeded: candidates - this._runs.length
    });
    return { runs: this._runs, chosen };
  }

  /**
   * Write the cells the chosen candidate's turn added into the person's notebook, in order,
   * running its code cells in the person's kernel (each through `approve` when given), and save
   * the candidate's conversation there with the cells' new ids.
   *
   * @param chosen - the candidate.
   * @param to - the person's notebook.
   * @param options - the approval of each cell, and a stop.
   * @returns whether every code cell ran without error (`false` also when one was skipped or the
   *   replay stopped), and how many ran.
   */
  static async replay(
    chosen: CandidateTurns.ICandidateRun,
    to: INotebookTarget,
    options: CandidateTurns.IReplayOptions = {}
  ): Promise<CandidateTurns.IReplay> {
    const signal = options.signal ?? new AbortController().signal;
    const emit = options.onEvent ?? (() => undefined);
    let ok = true;
    let executions = 0;
    const ids = new Map<string, string>();
    const added = chosen.target.cells().filter(candidate => !chosen.before.has(candidate.id));
    const codeCells = added.filter(cell => cell.cellType === 'code').length;
    for (const cell of added) {
      const source = chosen.target.getSource(cell.id);
      if (cell.cellType !== 'code' && cell.cellType !== 'markdown') {
        continue;
      }
      const id = cell.cellType === 'code' ? await to.insertCode(source) : await to.insertMarkdown(source);
      ids.set(cell.id, id);
      emit({ type: 'cell-inserted', cellId: id, cellType: cell.cellType, source });
      if (cell.cellType !== 'code' || !ok || signal.aborted) {
        continue;
      }
      const decision = options.approve
        ? await options.approve({ cellId: id, code: source, kind: 'new' }, signal)
        : { action: 'run' as const };
      if (decision.action === 'skip') {
        emit({ type: 'execution-skipped', cellId: id, reason: decision.reason ?? 'The person chose not to run it.' });
        ok = false;
        continue;
      }
      if (decision.action === 'edit') {
        await to.setSource(id, decision.code);
      }
      executions++;
      emit({ type: 'execution-start', cellId: id, attempt: executions, maxAttempts: codeCells });
      const result = await to.execute(id, { signal });
      emit({ type: 'execution-end', cellId: id, attempt: executions, maxAttempts: codeCells, result });
      ok &&= result.status === 'ok';
    }
    const saved = chosen.target.loadConversation();
    if (saved !== undefined) {
      let text = JSON.stringify(saved);
      for (const [old, id] of ids) {
        text = text.split(old).join(id);
      }
      await to.saveConversation(JSON.parse(text) as IConversationRecord);
    }
    return { ok: ok && !signal.aborted, executions };
  }

  /**
   * Close every candidate's target (their kernels). Safe to call more than once.
   */
  async close(): Promise<void> {
    const opened = this._opened.splice(0);
    await Promise.all(opened.map(candidate => candidate.close().catch(() => undefined)));
  }

  /**
   * What candidates are compared on: the figures the final answer states, normalised as
   * DABench's vote does (`7.50` = `7.5`); an answer without figures by its words.
   *
   * @param answer - a candidate's final answer.
   * @returns the key its vote counts under.
   */
  static answerKey(answer: string): string {
    const figures = checkGrounding(answer, []).figures;
    return figures.length ? figures.map(normaliseAnswer).join(' | ') : normaliseAnswer(answer.replace(/,/g, ' '));
  }

  private _options: CandidateTurns.IOptions;
  private _opened: CandidateTurns.IOpenedCandidate[] = [];
  private _runs: CandidateTurns.ICandidateRun[] = [];
}

/**
 * The namespace for `CandidateTurns` statics.
 */
export namespace CandidateTurns {
  /**
   * What the candidates need.
   */
  export interface IOptions {
    /**
     * The person's prompt.
     */
    task: string;

    /**
     * What each candidate's turn takes besides the prompt (the cells pointed at).
     */
    turnOptions?: Pick<ITurnOptions, 'attachments'>;

    /**
     * How many candidate turns (K).
     */
    candidates: number;

    /**
     * Their sampling temperature (above 0).
     */
    temperature: number;

    /**
     * Candidate i (from 0) is sent seed `seed + i` with every request of its turn; the first is
     * greedy, the others sampled at `temperature` (`candidateSampling`).
     */
    seed: number;

    /**
     * The agent's options but its target, sampling and approval.
     */
    agent: Omit<Agent.IOptions, 'target' | 'temperature' | 'seed' | 'approve'>;

    /**
     * Asked before each execution of a candidate, in its own kernel; none runs everything. The
     * sidebar's one approval of the set is asked before `run`; this hook only keeps what the
     * person's policy never lets run unseen out of the candidates (docs/effort.md).
     */
    candidateApprove?: ApprovalHook;

    /**
     * Open the place candidate `index` runs in: a notebook on a kernel of its own, working in a
     * copy of the folder.
     */
    openCandidate(index: number): Promise<IOpenedCandidate>;

    /**
     * Told as candidates start, end and one is chosen.
     */
    onEvent?(event: CandidateEvent): void;
  }

  /**
   * A candidate's place: its notebook, and how to close it (shutting its kernel down).
   */
  export interface IOpenedCandidate {
    target: INotebookTarget;
    close(): Promise<void>;
  }

  /**
   * A candidate that finished its turn.
   */
  export interface ICandidateRun {
    /**
     * Its index, from 0.
     */
    index: number;
    seed: number;
    result: Agent.ITurnResult;
    /**
     * Its final answer.
     */
    answer: string;
    /**
     * What its answer is voted on as (`answerKey`).
     */
    key: string;
    /**
     * The model's last response of its turn (holding the answer), as its agent told it.
     */
    response?: AgentEvent.IModelResponse;
    target: INotebookTarget;
    /**
     * The ids of the cells its notebook held before its turn.
     */
    before: Set<string>;
  }

  /**
   * How the chosen candidate's cells are written into the person's notebook.
   */
  export interface IReplayOptions {
    /**
     * Asked before each code cell runs in the person's kernel (their approval policy).
     */
    approve?: ApprovalHook;

    /**
     * Told of each cell written and run, as the agent tells its own.
     */
    onEvent?: (event: AgentEvent) => void;

    /**
     * Stops the replay: the cells left are written, not run.
     */
    signal?: AbortSignal;
  }

  /**
   * What the replay did.
   */
  export interface IReplay {
    /**
     * Every code cell ran without error.
     */
    ok: boolean;
    executions: number;
  }

  /**
   * The candidates that finished and the one chosen.
   */
  export interface IChoice {
    runs: ICandidateRun[];
    chosen?: ICandidateRun;
  }
}

/**
 * What the thorough effort tells as it goes (the sidebar shows it; the command line prints it).
 */
export type CandidateEvent =
  | { type: 'candidate-start'; index: number; candidates: number; seed: number }
  | {
      type: 'candidate-end';
      index: number;
      outcome: Agent.ITurnResult['outcome'];
      executions: number;
      /**
       * The figures of its answer, normalised, as they are voted on.
       */
      answer: string;
    }
  | {
      type: 'candidate-chosen';
      index: number;
      voters: number;
      /**
       * The candidates not run because they could not have changed the vote (`voteIsSettled`).
       */
      unneeded: number;
    };

namespace Private {
  /**
   * The candidates as the vote counts them: each answer's key, and whether its turn completed.
   */
  export function voters(runs: readonly CandidateTurns.ICandidateRun[]): IVoter[] {
    return runs.map(run => ({
      answers: new Map([['answer', run.key]]),
      completed: run.result.outcome === 'completed'
    }));
  }
}
