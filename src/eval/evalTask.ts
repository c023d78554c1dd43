// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * The benchmarks the harness knows. `humaneval` and `mbpp` are scored on the original tests'
 * inputs only (EvalPlus's "base"); the `+` versions add EvalPlus's extra inputs ("plus").
 */
export type DatasetName = 'humaneval' | 'humaneval+' | 'mbpp' | 'mbpp+';

/**
 * The family a dataset belongs to; EvalPlus's special cases depend on it.
 */
export type DatasetFamily = 'humaneval' | 'mbpp';

/**
 * A set of test inputs: the original benchmark's (`base`) or EvalPlus's extra ones (`plus`).
 */
export type TestSection = 'base' | 'plus';

/**
 * How the model's answer is obtained.
 *
 * - `single`: one answer per task.
 * - `exec-feedback`: the solution runs on the tests; a failure goes back to the model, which revises.
 * - `self-feedback`: only the solution's own run and the examples visible in the prompt give feedback.
 * - `human-feedback`: a critic model turns the execution result into short guidance for the coder.
 */
export type EvalMode = 'single' | 'exec-feedback' | 'self-feedback' | 'human-feedback';

/**
 * One benchmark task as the harness uses it.
 */
export interface IEvalTask {
  /**
   * `HumanEval/0`, `Mbpp/2`...
   */
  taskId: string;

  /**
   * The prompt: a function signature with its docstring (HumanEval) or a docstring with a test (MBPP).
   */
  prompt: string;

  /**
   * The name of the function under test.
   */
  entryPoint: string;

  /**
   * The reference solution (appended to the prompt to run it).
   */
  canonicalSolution: string;

  /**
   * The task's line in the data file, unparsed: the kernel parses it, so that floats, big
   * integers and NaN keep their Python types.
   */
  line: string;
}

/**
 * The verdict of a section: EvalPlus's statuses.
 */
export type SectionStatus = 'pass' | 'fail' | 'timeout';

/**
 * Why a solution failed a section.
 *
 * - `wrong`: an output differs from the expected one.
 * - `error`: a call (or loading the code, `phase: 'load'`) raised.
 * - `timeout`: a call ran past its time limit.
 * - `missing`: the code does not define the entry point.
 * - `crash`: the kernel died or stopped answering.
 */
export interface IFailure {
  kind: 'wrong' | 'error' | 'timeout' | 'missing' | 'crash';
  phase?: 'load';
  /**
   * The position of the failing input in its section.
   */
  index?: number;
  /**
   * The arguments, as a Python tuple repr.
   */
  input?: string;
  expected?: string;
  actual?: string;
  /**
   * The traceback, without the harness's frames.
   */
  error?: string;
  /**
   * The time limit that ran out, in seconds.
   */
  limit?: number;
}

/**
 * The verdict of one section of tests.
 */
export interface ISectionVerdict {
  status: SectionStatus;
  /**
   * Inputs passed before the first failure.
   */
  passed: number;
  total: number;
  failure?: IFailure;
}

/**
 * The verdict of a solution: base tests, and plus tests for the `+` datasets.
 */
export interface ITaskVerdict {
  base: ISectionVerdict;
  plus?: ISectionVerdict;
}

/**
 * What the harness keeps of a task's expected outputs: the canonical solution's time per input
 * of each section, in seconds, and the kernel-side file that holds the outputs themselves.
 */
export interface IGroundTruth {
  /**
   * The pickle file with the outputs, on the kernel's file system.
   */
  file: string;
  base_time?: number[];
  plus_time?: number[];
}
