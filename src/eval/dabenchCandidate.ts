// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { readFileSync } from 'node:fs';

import { AGENT_BUDGET_DEFINITIONS, SETTING_DEFINITIONS } from '../agent/settingDefinitions';
import { Agent } from '../agent/agent';
import type { AgentEvent } from '../agent/events';
import type { ITokenCounter } from '../feedback/tokenCounter';
import type { ModelClient } from '../model/modelClient';
import { ModelError } from '../model/modelError';
import { extractCodeBlocks } from '../model/textProtocol';
import { HeadlessNotebook } from '../notebook/headlessNotebook';
import type { JupyterConnection } from '../node/jupyterConnection';
import { dabenchPrompt, parseDabenchAnswers, type IDabenchQuestion } from './dabench';

/**
 * What one run of the agent on a DABench question gave, before scoring.
 */
export interface IDabenchCandidateRun {
  /**
   * The notebook's path on the server.
   */
  path: string;
  /**
   * Where the answers were read (see `IDabenchRecord.answer_source`).
   */
  answerSource: 'response' | 'cell-output' | 'none';
  answers: Map<string, string>;
  /**
   * The agent's final answer text.
   */
  response: string;
  outcome: string;
  executions: number;
  tokens: { prompt: number; completion: number };
  /**
   * Why the model failed, when it did.
   */
  error?: string;
}

/**
 * Run the product's agent on a question once: a fresh headless notebook with its own kernel at
 * `path`, the question's table copied into the notebook's folder first (so the agent reads it,
 * and writes files, there and nowhere else another run looks), one turn on the question's prompt.
 *
 * @param question - the question.
 * @param table - the question's CSV on this machine.
 * @param jupyter - the server.
 * @param run - where the notebook goes, the model, the agent's settings, and the sampling.
 * @param signal - stops the turn.
 * @returns what the run gave.
 * @throws {ModelError} when the model endpoint cannot be reached (the question is not recorded).
 */
export async function runDabenchCandidate(
  question: IDabenchQuestion,
  table: string,
  jupyter: JupyterConnection,
  run: IDabenchCandidateOptions,
  signal: AbortSignal
): Promise<IDabenchCandidateRun> {
  const folder = run.path.slice(0, run.path.lastIndexOf('/'));
  // A notebook left by a stopped run would be continued (its conversation is in it): start afresh.
  await jupyter.contents.delete(run.path).catch(() => undefined);
  const notebook = await HeadlessNotebook.open({
    contents: jupyter.contents,
    sessions: jupyter.sessions,
    path: run.path
  });
  const tokens = { prompt: 0, completion: 0 };
  let response = '';
  try {
    await jupyter.contents.save(`${folder}/${question.fileName}`, {
      type: 'file',
      format: 'base64',
      content: readFileSync(table).toString('base64')
    });
    const agent = new Agent({
      model: run.model.client,
      target: notebook,
      tokenCounter: run.tokenCounter,
      contextWindowTokens: run.model.contextWindow,
      temperature: run.model.temperature ?? 0,
      ...(run.model.seed !== undefined ? { seed: run.model.seed } : {}),
      protocol: run.agent?.protocol ?? SETTING_DEFINITIONS.protocol.default,
      maxAttempts: run.agent?.maxAttempts ?? SETTING_DEFINITIONS.maxAttempts.default,
      cellTimeoutMs: run.agent?.cellTimeoutMs ?? SETTING_DEFINITIONS.executionTimeout.default * 1000,
      kernelStateTokens: run.agent?.kernelStateTokens ?? AGENT_BUDGET_DEFINITIONS.kernelStateTokens.default
    });
    agent.events.connect((_: Agent, event: AgentEvent) => {
      if (event.type === 'model-response') {
        response = event.content;
        tokens.prompt += event.usage.promptTokens;
        tokens.completion += event.usage.completionTokens;
      }
    });
    let result: Agent.ITurnResult;
    try {
      result = await agent.run(dabenchPrompt(question), { signal });
    } finally {
      agent.dispose();
    }
    if (result.outcome === 'model-error' && result.modelErrorKind === 'unreachable') {
      // Not the question's fault: nothing is recorded, and --resume runs it again.
      throw new ModelError('unreachable', result.reason ?? 'The model endpoint cannot be reached.');
    }
    // Answer lines inside code the model ran are its code's (f-strings such as
    // `@normal[{p < 0.05}]`, DABench question 244), not its answer: they are read from the
    // cell's output instead.
    const fromResponse = parseDabenchAnswers(
      extractCodeBlocks(response).reduce((text, code) => text.replace(code, ''), response)
    );
    const named = (answers: Map<string, string>) =>
      question.answers.some(([name]) => [...answers.keys()].some(key => key.toLowerCase() === name.toLowerCase()));
    let answerSource: IDabenchCandidateRun['answerSource'] = 'none';
    let answers = new Map<string, string>();
    if (named(fromResponse)) {
      answerSource = 'response';
      answers = fromResponse;
    } else {
      const fromOutput = parseDabenchAnswers(Private.lastCellOutput(notebook));
      if (named(fromOutput)) {
        answerSource = 'cell-output';
        answers = fromOutput;
      }
    }
    const error =
      result.outcome === 'model-error'
        ? `The model failed: ${result.reason ?? result.modelErrorKind ?? 'unknown error'}`
        : undefined;
    return {
      path: run.path,
      answerSource,
      answers,
      response,
      outcome: result.outcome,
      executions: result.executions,
      tokens,
      ...(error ? { error } : {})
    };
  } finally {
    await notebook.close(true);
  }
}

/**
 * How one run of the agent goes.
 */
export interface IDabenchCandidateOptions {
  /**
   * The notebook's path on the server; the table goes next to it.
   */
  path: string;
  model: { client: ModelClient; contextWindow?: number; temperature?: number; seed?: number };
  agent?: Pick<Agent.IOptions, 'maxAttempts' | 'cellTimeoutMs' | 'kernelStateTokens' | 'protocol'>;
  tokenCounter?: ITokenCounter;
}

namespace Private {
  /**
   * The text the last code cell showed: its streams and the plain text of its results.
   */
  export function lastCellOutput(notebook: HeadlessNotebook): string {
    const cells = notebook.document.cells.filter(cell => cell.cell_type === 'code');
    const last = cells[cells.length - 1];
    if (!last || !Array.isArray(last.outputs)) {
      return '';
    }
    const join = (value: unknown) => (Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '');
    return (last.outputs as Record<string, unknown>[])
      .map(output =>
        output.output_type === 'stream'
          ? join(output.text)
          : join((output.data as Record<string, unknown> | undefined)?.['text/plain'])
      )
      .join('\n');
  }
}
