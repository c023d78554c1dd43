// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { EXECUTION_RESULT_PREFIX } from '../model/textProtocol';
import type { DatasetFamily, IEvalTask, ISectionVerdict, TestSection } from './evalTask';

/**
 * The coder's system message.
 */
export const CODER_SYSTEM_PROMPT =
  'You are an exceptionally intelligent coding assistant that consistently delivers accurate and reliable responses to user instructions.';

/**
 * The critic's system message (synthesized human feedback, as in the paper).
 */
export const CRITIC_SYSTEM_PROMPT =
  'You are an experienced programmer reviewing code written by a colleague. You give short, concrete guidance in plain words; you never write the code yourself.';

/**
 * What the coder is asked first: the task, and a complete Python function in one fenced block.
 *
 * @param task - the task.
 * @param family - HumanEval prompts are code to complete; MBPP prompts are a description and a test.
 * @returns the user message.
 */
export function coderPrompt(task: IEvalTask, family: DatasetFamily): string {
  if (family === 'humaneval') {
    return [
      'Complete the following Python function. Answer with the complete function, including the imports it needs, in one ```python code block.',
      '',
      '```python',
      task.prompt.trimEnd(),
      '```'
    ].join('\n');
  }
  return [
    Private.mbppDescription(task.prompt),
    '',
    `Write a Python function \`${task.entryPoint}\` that solves this task; it must pass the test above. Answer with the complete code, including the imports it needs, in one \`\`\`python code block.`
  ].join('\n');
}

/**
 * The request to revise that follows any feedback.
 */
export const REVISE_REQUEST =
  'Fix the code. Answer with the complete corrected function, including its imports, in one ```python code block.';

/**
 * The execution feedback of a failed check on the hidden tests, as the paper's Code-Feedback
 * turns word it (`Execution result:` then what happened).
 *
 * @param task - the task.
 * @param verdicts - the verdicts of the sections that ran.
 * @returns the feedback, or `undefined` when every section passed.
 */
export function describeTestFailure(
  task: IEvalTask,
  verdicts: Partial<Record<TestSection, ISectionVerdict>>
): string | undefined {
  for (const verdict of Object.values(verdicts)) {
    if (verdict && verdict.status !== 'pass') {
      return Private.describeVerdict(task, verdict);
    }
  }
  return undefined;
}

/**
 * What the model is asked when it repeated a failing solution.
 */
const REPEATED_REQUEST =
  'This is the same code as your previous answer, and it fails in the same way. Do not repeat it: read the failing case above, work out by hand what the function must return for that input, find the mistake, and write a corrected complete function in a ```python block.';

/**
 * The message carrying an execution result back to the coder.
 *
 * @param result - what happened (from {@link describeTestFailure} or {@link describeSelfCheck}).
 * @returns the user message.
 */
export function executionFeedbackMessage(result: string): string {
  return `${EXECUTION_RESULT_PREFIX}${result}\n\n${REVISE_REQUEST}`;
}

/**
 * The feedback when the model answered a solution it had already given, which failed: the same
 * result, and a request for a different approach rather than the same code again.
 *
 * @param result - the execution result, as `describeTestFailure` words it.
 * @returns the user message.
 */
export function repeatedSolutionMessage(result: string): string {
  return `${EXECUTION_RESULT_PREFIX}${result}\n\n${REPEATED_REQUEST}`;
}

/**
 * The message carrying the critic's guidance to the coder.
 *
 * @param guidance - the critic's words.
 * @returns the user message.
 */
export function humanFeedbackMessage(guidance: string): string {
  return `${guidance.trim()}\n\n${REVISE_REQUEST}`;
}

/**
 * What the critic is asked: the problem, the code and its execution result.
 *
 * @param task - the task.
 * @param code - the coder's solution.
 * @param result - the execution result.
 * @returns the user message.
 */
export function criticPrompt(task: IEvalTask, code: string, result: string): string {
  return [
    'A colleague was given this task:',
    '```python',
    task.prompt.trimEnd(),
    '```',
    'Their code:',
    '```python',
    code.trimEnd(),
    '```',
    'Running it on the tests gave:',
    '```',
    result.trimEnd(),
    '```',
    'Write brief guidance for them (at most three sentences): what is wrong and how to fix it. Do not write code.'
  ].join('\n');
}

/**
 * What the driver's `self_check` reports: the model's own run and the visible examples.
 */
export interface ISelfCheckReport {
  run: { status: 'ok' | 'error' | 'timeout'; output: string; error: string | null };
  examples: { source: string; expected: string | null; actual?: string; ok: boolean; error?: string }[];
  load_error?: string;
  missing_entry_point?: boolean;
}

/**
 * The execution result of a self-check, when something failed: the code's own output or error
 * and the visible examples that did not hold. Nothing of the hidden tests is in it.
 *
 * @param task - the task.
 * @param report - the driver's report.
 * @returns the result text, or `undefined` when the run and every example succeeded.
 */
export function describeSelfCheck(task: IEvalTask, report: ISelfCheckReport): string | undefined {
  const lines: string[] = [];
  let failed = false;
  if (report.run.status === 'error') {
    failed = true;
    lines.push(Private.clip(report.run.output), (report.run.error ?? '').trimEnd());
  } else if (report.run.status === 'timeout') {
    failed = true;
    lines.push(Private.clip(report.run.output), 'The code did not finish in time.');
  } else if (report.run.output.trim()) {
    lines.push(Private.clip(report.run.output));
  }
  if (report.load_error) {
    failed = true;
    lines.push(`Loading the solution raised an error:\n${report.load_error.trimEnd()}`);
  }
  if (report.missing_entry_point) {
    failed = true;
    lines.push(`The code does not define \`${task.entryPoint}\`.`);
  }
  for (const example of report.examples) {
    if (example.ok) {
      continue;
    }
    failed = true;
    if (example.error) {
      lines.push(`The example \`${example.source}\` raised an error:\n${example.error.trimEnd()}`);
    } else if (example.expected !== null) {
      lines.push(
        `The example \`${example.source}\` returned ${example.actual}, but the task says ${example.expected}.`
      );
    } else {
      lines.push(
        `The test \`${example.source}\` failed` +
          (example.actual !== undefined ? ` (the left side is ${example.actual}).` : '.')
      );
    }
  }
  return failed ? lines.filter(line => line.trim()).join('\n') : undefined;
}

namespace Private {
  /**
   * An MBPP+ prompt is a docstring (`"""\ndescription\nassert ...\n"""`): its text.
   */
  export function mbppDescription(prompt: string): string {
    return prompt
      .trim()
      .replace(/^("""|''')/, '')
      .replace(/("""|''')$/, '')
      .trim();
  }

  /**
   * The start of a long output.
   */
  export function clip(text: string, limit = 2000): string {
    return text.length > limit ? `${text.slice(0, limit)}\n... (output truncated)` : text.trimEnd();
  }

  /**
   * A call written as Python, from the driver's repr of the argument tuple.
   */
  function callText(task: IEvalTask, input: string | undefined): string {
    if (input === undefined) {
      return `${task.entryPoint}(...)`;
    }
    let args = input;
    if (args.startsWith('(') && args.endsWith(')')) {
      args = args.slice(1, -1);
      if (args.endsWith(',')) {
        args = args.slice(0, -1);
      }
    }
    return `${task.entryPoint}(${args})`;
  }

  /**
   * One failed section, in words.
   */
  export function describeVerdict(task: IEvalTask, verdict: ISectionVerdict): string {
    const failure = verdict.failure;
    if (!failure) {
      return 'The tests failed.';
    }
    switch (failure.kind) {
      case 'missing':
        return `The code does not define a function named \`${task.entryPoint}\`.`;
      case 'crash':
        return 'The Python kernel died while running the tests (a crash, or too much memory).';
      case 'timeout':
        if (failure.index === undefined || verdict.status === 'timeout') {
          return `Running the tests did not finish within ${failure.limit ?? '?'} seconds.`;
        }
        return `Calling ${callText(task, failure.input)} did not finish within ${Number(failure.limit ?? 0).toFixed(1)} seconds (time limit exceeded).`;
      case 'error':
        if (failure.phase === 'load') {
          return `Running the code raised an error:\n${(failure.error ?? '').trimEnd()}`;
        }
        return `Calling ${callText(task, failure.input)} raised an error:\n${(failure.error ?? '').trimEnd()}`;
      case 'wrong':
        return [
          `Test failed: ${callText(task, failure.input)}`,
          `Expected: ${failure.expected}`,
          `Actual: ${failure.actual}`
        ].join('\n');
    }
    return 'The tests failed.';
  }
}
