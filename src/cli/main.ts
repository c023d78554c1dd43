// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { runEvalCommand } from './evalCommand';
import { runEvaluateCommand } from './evaluateCommand';
import { runRunCommand } from './runCommand';

const HELP = `Usage: code-interpreter <command> [options]

Commands:
  run "<task>"   do a task in a notebook on a live IPython kernel, revising failing cells
  eval           measure pass@1 on HumanEval/MBPP (+ EvalPlus) with execution feedback
  evaluate       evaluate existing samples (evalplus format) without a model

Run 'code-interpreter <command> --help' for a command's options.`;

/**
 * The command line's entry point.
 *
 * @param argv - the arguments after the program name.
 * @returns the exit code.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runRunCommand(rest);
    case 'eval':
      return runEvalCommand(rest);
    case 'evaluate':
      return runEvaluateCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${HELP}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`code-interpreter: unknown command "${command}"\n\n${HELP}\n`);
      return 2;
  }
}

/**
 * Run the command line as this process's program: quiet the libraries' debug logging, run the
 * command given on the process's command line and exit with its code.
 */
export function runAsProgram(): void {
  // @jupyterlab/services reports on console.debug every websocket it opens ("Starting WebSocket")
  // and every error body that is not JSON, with its stack (the contents API's 404 for a notebook
  // that does not exist yet). Those are for a browser's developer tools; in a terminal they bury
  // the run. Errors are still thrown and reported, and the library's console.error stays.
  // eslint-disable-next-line no-console -- silencing a library's logging, not logging.
  console.debug = () => undefined;
  void main(process.argv.slice(2)).then(code => process.exit(code));
}

if (require.main === module) {
  runAsProgram();
}
