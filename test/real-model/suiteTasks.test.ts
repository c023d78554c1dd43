import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { codeCellsOf, describeFact, loadSuiteTasks, scoreTurn, SUITE_DATA_DIR } from '../../bench/support/suiteScoring';
import { runCli } from '../support/cliProcess';

/**
 * Two tasks of the real-model suite (bench/real-model-suite/tasks.jsonl) through the command line
 * on the embedded local model, each in a folder holding the task's other files (sales.csv,
 * employees.csv, notes.txt), as a user's working folder would. Scored as the suite scores them: on
 * the figures a cell's output shows, never on the model's wording. The whole suite is
 * `node bench/run.mjs bench/realModelSuite.ts`.
 */
// A task is a few model requests of seconds to a minute each on two CPU cores.
jest.setTimeout(600_000);

const noEndpoint = { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined, CODE_INTERPRETER_MODEL: undefined };
const tasks = loadSuiteTasks();

describe.each(['numbers-mean', 'numbers-mean-std'])('suite task %s on the embedded local model', id => {
  const task = tasks.find(entry => entry.id === id)!;
  let workdir: string;

  beforeEach(() => {
    workdir = mkdtempSync(join(tmpdir(), 'ci-suite-'));
    for (const file of task.files) {
      copyFileSync(join(SUITE_DATA_DIR, file), join(workdir, file));
    }
  });

  afterEach(() => {
    rmSync(workdir, { recursive: true, force: true });
  });

  it(`shows ${task.turns[0].expect.map(describeFact).join(' and ')} in a cell's output, and says it succeeded`, async () => {
    const turn = task.turns[0];
    const run = await runCli(['run', turn.prompt, '--notebook', 'task.ipynb'], noEndpoint, workdir);
    const notebook = join(workdir, 'task.ipynb');
    const cells = existsSync(notebook) ? codeCellsOf(readFileSync(notebook, 'utf8')) : [];
    const score = scoreTurn(turn, cells, [], task.needsCode);
    expect({ missing: score.missing.map(describeFact), stdout: run.stdout }).toEqual({
      missing: [],
      stdout: run.stdout
    });
    expect(run.code).toBe(0);
  });
});
