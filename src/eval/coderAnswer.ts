// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatMessage } from '../conversation/conversationRecord';
import type { IModelResponse, ModelClient } from '../model/modelClient';
import { ModelError } from '../model/modelError';
import { extractCodeBlocks } from '../model/textProtocol';
import type { EvalKernel } from './evalKernel';
import { EvalAbortedError } from './solutionChecker';
import type { DatasetFamily, IEvalTask } from './evalTask';

/**
 * Token counts of a task's model requests.
 */
export interface ITokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * How an answer is sampled: a temperature above 0 with a fixed seed, so that a sampled run is
 * reproducible where the endpoint honours seeds (llama.cpp does).
 */
export interface ISampling {
  temperature: number;
  seed: number;
}

/**
 * Ask the coder, greedily (temperature 0, as pass@1 in the paper) unless `sampling` says
 * otherwise; an answer cut off midway is asked again, twice at most.
 *
 * @param client - the model.
 * @param messages - the conversation so far.
 * @param request - the longest answer, the fields sent beyond OpenAI's, and the sampling.
 * @param tokens - the task's token counts, which grow by this request's.
 * @param signal - stops the request.
 * @returns the answer.
 * @throws {EvalAbortedError} when stopped.
 * @throws {ModelError} when the endpoint fails after the retries of transient errors.
 */
export async function askCoder(
  client: ModelClient,
  messages: ChatMessage[],
  request: { maxTokens?: number; extras?: Record<string, unknown>; sampling?: ISampling },
  tokens: ITokenUsage,
  signal: AbortSignal | undefined
): Promise<IModelResponse> {
  const { maxTokens, extras, sampling } = request;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await client.stream(
        {
          messages: [...messages],
          temperature: sampling?.temperature ?? 0,
          maxTokens,
          extraBody: sampling ? { ...extras, seed: sampling.seed } : extras
        },
        { signal }
      );
      tokens.promptTokens += response.usage.promptTokens;
      tokens.completionTokens += response.usage.completionTokens;
      return response;
    } catch (error) {
      if (signal?.aborted || (error instanceof ModelError && error.kind === 'aborted')) {
        throw new EvalAbortedError();
      }
      if (error instanceof ModelError && error.isTransient && attempt < 2) {
        continue;
      }
      throw error;
    }
  }
}

/**
 * The code of an answer: the last fenced block that defines the entry point, else all blocks
 * together, else the whole answer (a model that forgot the fences).
 *
 * @param content - the answer's text.
 * @param entryPoint - the function under test.
 * @returns the code.
 */
export function pickCode(content: string, entryPoint: string): string {
  const blocks = extractCodeBlocks(content);
  const definition = new RegExp(`^\\s*(async\\s+)?(def|class)\\s+${entryPoint}\\b`, 'm');
  const defining = blocks.filter(block => definition.test(block));
  if (defining.length) {
    return defining[defining.length - 1];
  }
  return blocks.length ? blocks.join('\n\n') : content;
}

/**
 * The solution an answer's code holds: its entry point and what it needs, without tests and
 * prints (the driver's `sanitize`).
 *
 * @param kernel - the worker's kernel.
 * @param task - the task.
 * @param family - the dataset family.
 * @param raw - the answer's code.
 * @param signal - stops the work.
 * @returns the sanitized code (the raw code when the kernel could not parse it).
 * @throws {EvalAbortedError} when stopped.
 */
export async function sanitizeAnswer(
  kernel: EvalKernel,
  task: IEvalTask,
  family: DatasetFamily,
  raw: string,
  signal: AbortSignal | undefined
): Promise<string> {
  const sanitize = async (code: string) => {
    const call = await kernel.call(
      { op: 'sanitize', code, entry_point: task.entryPoint, prompt: task.prompt },
      { timeoutMs: 30000, signal }
    );
    if (signal?.aborted) {
      throw new EvalAbortedError();
    }
    return call.result as { code: string; has_entry_point: boolean } | undefined;
  };
  const direct = await sanitize(raw);
  if (direct?.has_entry_point) {
    return direct.code;
  }
  // An answer that continues the prompt's function body instead of repeating it.
  if (family === 'humaneval' && raw.trim()) {
    const completed = await sanitize(task.prompt + raw);
    if (completed?.has_entry_point) {
      return completed.code;
    }
  }
  return direct?.code ?? raw;
}
