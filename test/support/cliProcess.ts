import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { projectPython } from './jupyter';

/**
 * The built command line (bin/code-interpreter.js, which loads dist/cli.js).
 */
export const CLI = join(__dirname, '..', '..', 'bin', 'code-interpreter.js');

/**
 * What a command-line run printed, and how it ended.
 */
export interface ICliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Run the built command line as a user would, and collect what it printed.
 *
 * @param args - the arguments.
 * @param env - variables to set; `undefined` removes one from the environment.
 * @param cwd - the working folder.
 * @returns once the process has exited.
 */
export function runCli(args: string[], env: Record<string, string | undefined>, cwd: string): Promise<ICliRun> {
  const started = Date.now();
  const environment: NodeJS.ProcessEnv = { ...process.env, CODE_INTERPRETER_PYTHON: projectPython() };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) {
      delete environment[name];
    } else {
      environment[name] = value;
    }
  }
  return new Promise(resolve => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: environment });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('close', code => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}
