// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import type { ChatMessage } from '../conversation/conversationRecord';
import type { IModelResponse, ModelClient } from '../model/modelClient';
import { ModelError } from '../model/modelError';
import { extractCodeBlocks } from '../model/textProtocol';
import type { ITokenUsage } from './solveOutcome';
import { EvalAbortedError } from './solutionChecker';

/**
 * Ask a model of the harness (the coder or the critic), greedily (temperature 0, as pass@1 in the
 * paper) unless `sampling` says otherwise; an answer cut off midway is asked again, twice at most.
 *
 * @param client - the model.
 * @param messages - the conversation so far (copied, never changed).
 * @param maxTokens - the answer's length limit, if any.
 * @param signal - stops the request.
 * @param tokens - the task's token counts, to which this request's are added.
 * @param extras - fields sent beyond OpenAI's.
 * @param sampling - the temperature and seed of a sampled answer.
 * @returns the answer.
 * @throws {EvalAbortedError} when stopped.
 * @throws {ModelError} when the endpoint fails, or an answer is cut off three times.
 */
export async function askModel(
  client: ModelClient,
  messages: ChatMessage[],
  maxTokens: number | undefined,
  signal: AbortSignal | undefined,
  tokens: ITokenUsage,
  extras?: Record<string, unknown>,
  sampling?: { temperature: number; seed: number }
): Promise<IModelResponse> {
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
 * @param entryPoint - the function or class the task asks for.
 * @returns the code to sanitize.
 */
export function pickSolutionCode(content: string, entryPoint: string): string {
  const blocks = extractCodeBlocks(content);
  const definition = new RegExp(`^\\s*(async\\s+)?(def|class)\\s+${entryPoint}\\b`, 'm');
  const defining = blocks.filter(block => definition.test(block));
  if (defining.length) {
    return defining[defining.length - 1];
  }
  return blocks.length ? blocks.join('\n\n') : content;
}
