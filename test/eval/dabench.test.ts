// InfiAgent-DABench through the product's agent: the answer parser and scorer, and end-to-end runs
// of `code-interpreter eval --dataset dabench` on fixture questions with their own tiny CSVs (real
// Jupyter server and kernels, the scripted model server).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runEvalCommand } from '../../src/cli/evalCommand';
import {
  dabenchAccuracy,
  dabenchAnswerMatches,
  dabenchPrompt,
  loadDabench,
  parseDabenchAnswers,
  scoreDabench,
  type IDabenchQuestion
} from '../../src/eval/dabench';
import type { IDabenchRecord, IDabenchSummary } from '../../src/eval/dabenchSummary';
import { contentText, toolCall } from '../support/agentHarness';
import { projectPython } from '../support/jupyter';
import { ScriptedModelServer, type IRecordedRequest, type ScriptedReply } from '../support/scriptedModelServer';

jest.setTimeout(180_000);

const question = (answers: [string, string][]): IDabenchQuestion => ({
  id: '1',
  question: 'q',
  constraints: '',
  format: '@x[v]',
  fileName: 'f.csv',
  answers
});

describe('DABench answers', () => {
  it('reads @name[value] lines: one, several, with blanks, the last of a repeated name', () => {
    expect([...parseDabenchAnswers('The mean is 7.5.\n@mean[7.5]')]).toEqual([['mean', '7.5']]);
    expect([...parseDabenchAnswers('@a[1] and @b_2[ yes ]\n@c [x, y]')]).toEqual([
      ['a', '1'],
      ['b_2', 'yes'],
      ['c', 'x, y']
    ]);
    expect(parseDabenchAnswers('@a[1]\nActually: @a[2]').get('a')).toBe('2');
    // A value does not run across lines, as in the benchmark.
    expect(parseDabenchAnswers('@a[1\n2]').size).toBe(0);
    expect(parseDabenchAnswers('no answer here').size).toBe(0);
  });

  it('numbers match at the label precision or within 1e-6, text ignoring case and blanks', () => {
    expect(dabenchAnswerMatches('7.5', '7.50')).toBe(true);
    expect(dabenchAnswerMatches('0.2131', '0.21')).toBe(true); // more decimals than the label
    expect(dabenchAnswerMatches('0.2149', '0.21')).toBe(true);
    expect(dabenchAnswerMatches('0.2151', '0.21')).toBe(false);
    expect(dabenchAnswerMatches('0.2', '0.2048')).toBe(false); // fewer decimals: not the label
    expect(dabenchAnswerMatches('9.0', '9')).toBe(true);
    expect(dabenchAnswerMatches('9.6', '9')).toBe(false);
    expect(dabenchAnswerMatches('2081990.0000001', '2081990')).toBe(true);
    expect(dabenchAnswerMatches('-0.04', '-0.04')).toBe(true);
    expect(dabenchAnswerMatches('1e-3', '0.001')).toBe(true);
    expect(dabenchAnswerMatches(' no ', 'No')).toBe(true); // wrong case, blanks
    expect(dabenchAnswerMatches('Not Normal', 'not normal')).toBe(true);
    expect(dabenchAnswerMatches('normal', 'not normal')).toBe(false);
    expect(dabenchAnswerMatches('seven', '7')).toBe(false);
    expect(dabenchAnswerMatches('314,577.0', '314, 577')).toBe(true); // a list, item by item
    expect(dabenchAnswerMatches('314', '314, 577')).toBe(false);
    expect(dabenchAnswerMatches('', '')).toBe(true);
  });

  it('scores each labelled sub-answer; a missing one is wrong; three figures', () => {
    const q = question([
      ['mean', '7.50'],
      ['name', 'Bob'],
      ['count', '3']
    ]);
    const verdicts = scoreDabench(q, parseDabenchAnswers('@mean[7.5012]\n@NAME[bob]'));
    expect(verdicts).toEqual([
      { name: 'mean', label: '7.50', answer: '7.5012', correct: true },
      { name: 'name', label: 'Bob', answer: 'bob', correct: true },
      { name: 'count', label: '3', answer: null, correct: false }
    ]);
    const allRight = scoreDabench(question([['a', '1']]), new Map([['a', '1.0']]));
    const figures = dabenchAccuracy([verdicts, allRight]);
    expect(figures.by_question).toBe(0.5);
    expect(figures.by_sub_answer).toBe(3 / 4);
    expect(figures.proportional_by_sub_answer).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(dabenchAccuracy([])).toEqual({ by_question: 0, by_sub_answer: 0, proportional_by_sub_answer: 0 });
  });

  it('reads the shared dev set and builds the prompt from question, constraints and format', () => {
    const shared = join(__dirname, '..', '..', '..', 'shared', 'data', 'dabench');
    if (!existsSync(join(shared, 'questions.jsonl'))) {
      return; // only in a checkout next to the shared data
    }
    const questions = loadDabench(shared);
    expect(questions.length).toBeGreaterThan(100);
    const first = questions[0];
    expect(first.answers.length).toBeGreaterThan(0);
    expect(existsSync(join(shared, 'tables', first.fileName))).toBe(true);
    const prompt = dabenchPrompt(first);
    expect(prompt).toContain(`\`${first.fileName}\``);
    expect(prompt).toContain(first.question.trim());
    expect(prompt).toContain(first.constraints.trim());
    expect(prompt).toContain(first.format.trim());
  });
});

/** The fixture questions: the first answered right, the second half right, the third without its table. */
const QUESTIONS = [
  {
    id: 1,
    question: 'What is the mean of column x?',
    constraints: 'Use all rows.',
    format: '@mean_x[value]\nwhere "value" is the mean, rounded to two decimal places.',
    file_name: 'a.csv',
    level: 'easy'
  },
  {
    id: 2,
    question: 'What is the highest score, and who has it?',
    constraints: '',
    format: '@max_score[value]\n@top_name[name]',
    file_name: 'b.csv',
    level: 'medium'
  },
  { id: 3, question: 'How many rows?', constraints: '', format: '@rows[n]', file_name: 'missing.csv' }
];
const LABELS = [
  { id: 1, common_answers: [['mean_x', '7.50']] },
  {
    id: 2,
    common_answers: [
      ['max_score', '9'],
      ['top_name', 'Bob']
    ]
  },
  { id: 3, common_answers: [['rows', '4']] }
];

const CODE: Record<string, string> = {
  'a.csv': "import pandas as pd\ndf = pd.read_csv('a.csv')\nprint('mean_x =', df['x'].mean())",
  // The wrong row for the name: min instead of max.
  'b.csv':
    "import pandas as pd\ndf = pd.read_csv('b.csv')\nprint('max_score =', float(df['score'].max()))\nprint('top_name =', df.loc[df['score'].idxmin(), 'name'])",
  // The answer printed by the cell only.
  'c.csv': 'import pandas as pd\nprint(f"@rows[{len(pd.read_csv(\'c.csv\'))}]")',
  'd.csv': 'import pandas as pd\nprint(f"@rows[{len(pd.read_csv(\'d.csv\'))}]")'
};

/** execute_code first; then the answer, built from what the tool result says. */
function script(request: IRecordedRequest): ScriptedReply | undefined {
  const messages = request.body.messages;
  const prompt = contentText(messages.find(message => message.role === 'user')?.content);
  const file = Object.keys(CODE).find(name => prompt.includes(`\`${name}\``));
  if (!file) {
    return undefined;
  }
  const last = messages[messages.length - 1];
  if (file === 'd.csv') {
    // The model's code in a python block, which runs at once: its answer lines are an f-string's.
    return { kind: 'text', content: `\`\`\`python\n${CODE[file]}\n\`\`\`` };
  }
  if (last.role !== 'tool') {
    return toolCall('execute_code', { code: CODE[file] });
  }
  const output = contentText(last.content);
  const value = (name: string) => new RegExp(`${name} = (\\S+)`).exec(output)?.[1] ?? '?';
  const content =
    file === 'a.csv'
      ? `The mean of x is ${value('mean_x')}.\n\n@mean_x[${value('mean_x')}]`
      : file === 'b.csv'
        ? `@max_score[ ${value('max_score')} ]\n@top_name[${value('top_name')}]`
        : 'The answer is in the output above.';
  return { kind: 'text', content };
}

describe('code-interpreter eval --dataset dabench', () => {
  let server: ScriptedModelServer;
  let dir: string;
  let data: string;
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  const python = process.env.CODE_INTERPRETER_PYTHON;

  beforeAll(async () => {
    process.env.CODE_INTERPRETER_PYTHON = projectPython();
    server = await ScriptedModelServer.start({ script: request => script(request) });
    dir = mkdtempSync(join(tmpdir(), 'dabench-'));
    data = join(dir, 'data');
    mkdirSync(join(data, 'tables'), { recursive: true });
    writeFileSync(join(data, 'questions.jsonl'), QUESTIONS.map(q => `${JSON.stringify(q)}\n`).join(''));
    writeFileSync(join(data, 'labels.jsonl'), LABELS.map(l => `${JSON.stringify(l)}\n`).join(''));
    writeFileSync(join(data, 'tables', 'a.csv'), 'x,y\n5,1\n10,2\n');
    writeFileSync(join(data, 'tables', 'b.csv'), 'name,score\nAlice,7\nBob,9\nCarol,3\n');
  });

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    if (python === undefined) {
      delete process.env.CODE_INTERPRETER_PYTHON;
    } else {
      process.env.CODE_INTERPRETER_PYTHON = python;
    }
  });

  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    stdout.mockRestore();
    stderr.mockRestore();
  });

  const printed = (spy: jest.SpyInstance) => spy.mock.calls.map(call => String(call[0])).join('');

  const run = (outDir: string, extra: string[] = []) =>
    runEvalCommand([
      '--dataset',
      'dabench',
      '--data',
      data,
      '--base-url',
      server.baseUrl,
      '--api-key',
      'test-key',
      '--model',
      'scripted-analyst',
      '--out',
      outDir,
      ...extra
    ]);

  const records = (outDir: string) =>
    readFileSync(join(outDir, 'results.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line) as IDabenchRecord);
  const summaryOf = (outDir: string) =>
    JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as IDabenchSummary;

  it('runs the agent per question in its own notebook, scores, and --resume skips finished questions', async () => {
    const outDir = join(dir, 'run');
    const before = server.requests.length;
    expect(await run(outDir, ['--limit', '2', '--workers', '2'])).toBe(0);
    const requests = server.requests.slice(before);
    // Two questions, two requests each (the tool call, then the answer), greedy, tools offered.
    expect(requests).toHaveLength(4);
    expect(requests.every(request => request.body.temperature === 0)).toBe(true);
    expect(requests.every(request => JSON.stringify(request.body.tools ?? []).includes('"execute_code"'))).toBe(true);
    const first = requests.find(request => JSON.stringify(request.body.messages).includes('`a.csv`'));
    const prompt = contentText(first?.body.messages.find(message => message.role === 'user')?.content);
    expect(prompt).toContain('Question: What is the mean of column x?');
    expect(prompt).toContain('Constraints:\nUse all rows.');
    expect(prompt).toContain('@mean_x[value]\nwhere "value" is the mean');
    // The kernel's state (on by default) names the CSV in the notebook's folder.
    expect(prompt).toContain("The kernel's state now");
    expect(prompt).toMatch(/files in .*a\.csv/);

    const byId = Object.fromEntries(records(outDir).map(record => [record.task_id, record]));
    expect(Object.keys(byId).sort()).toEqual(['1', '2']);
    expect(byId['1']).toMatchObject({
      answer_source: 'response',
      correct: true,
      outcome: 'completed',
      executions: 1,
      sub_answers: [{ name: 'mean_x', label: '7.50', answer: '7.5', correct: true }]
    });
    expect(byId['2']).toMatchObject({
      correct: false,
      sub_answers: [
        { name: 'max_score', label: '9', answer: '9.0', correct: true },
        { name: 'top_name', label: 'Bob', answer: 'Carol', correct: false }
      ]
    });
    // The notebook holds the agent's cell and its output.
    const notebookPath = byId['1'].notebook as string;
    expect(existsSync(notebookPath)).toBe(true);
    const notebook = JSON.parse(readFileSync(notebookPath, 'utf8')) as {
      cells: { cell_type: string; source: string | string[]; outputs?: { text?: string | string[] }[] }[];
    };
    const cell = notebook.cells.find(candidate => candidate.cell_type === 'code');
    expect([cell?.source ?? ''].flat().join('')).toContain("pd.read_csv('a.csv')");
    expect(JSON.stringify(cell?.outputs)).toContain('mean_x = 7.5');

    const summary = summaryOf(outDir);
    expect(summary).toMatchObject({
      dataset: 'dabench',
      model: 'scripted-analyst',
      n: 2,
      total: 2,
      errors: 0,
      no_code: 0,
      unverified: 0
    });
    expect(summary.accuracy.by_question).toBe(0.5);
    expect(summary.accuracy.by_sub_answer).toBeCloseTo(2 / 3, 12);
    expect(summary.accuracy.proportional_by_sub_answer).toBe(0.75);
    expect(summary.sub_answers).toEqual({ correct: 2, total: 3 });
    expect(summary.kernel_state_tokens).toBe(600);
    expect(printed(stdout)).toMatch(/dabench\s+scripted-analyst\s+2\s+50\.0\s+66\.7\s+75\.0\s+0\s+0\s+0/);

    // --resume: the two finished questions are skipped (no model request for them); the third,
    // whose table is missing, is recorded as an error without reaching the model.
    const resumedFrom = server.requests.length;
    expect(await run(outDir, ['--resume', '--workers', '1'])).toBe(0);
    expect(server.requests.length).toBe(resumedFrom);
    const all = records(outDir);
    expect(all.map(record => record.task_id).sort()).toEqual(['1', '2', '3']);
    const missing = all.find(record => record.task_id === '3') as IDabenchRecord;
    expect(missing.error).toMatch(/missing\.csv does not exist/);
    expect(missing).toMatchObject({
      correct: false,
      answer_source: 'none',
      sub_answers: [{ name: 'rows', answer: null }]
    });
    expect(summaryOf(outDir)).toMatchObject({ n: 3, total: 3, errors: 1, accuracy: { by_question: 1 / 3 } });
    // Without --resume the folder is refused rather than overwritten.
    expect(await run(outDir)).toBe(2);
  });

  it("--kernel-state off hides the kernel state; an answer only in the last cell's output is read there", async () => {
    const other = join(dir, 'data-c');
    mkdirSync(join(other, 'tables'), { recursive: true });
    writeFileSync(
      join(other, 'questions.jsonl'),
      `${JSON.stringify({ id: 4, question: 'How many rows?', constraints: '', format: '@rows[n]', file_name: 'c.csv' })}\n`
    );
    writeFileSync(join(other, 'labels.jsonl'), `${JSON.stringify({ id: 4, common_answers: [['rows', '2']] })}\n`);
    writeFileSync(join(other, 'tables', 'c.csv'), 'v\n1\n2\n');
    const outDir = join(dir, 'no-state');
    const before = server.requests.length;
    expect(await run(outDir, ['--data', other, '--kernel-state', 'off', '--workers', '1'])).toBe(0);
    const first = server.requests[before];
    const prompt = contentText(first.body.messages.find(message => message.role === 'user')?.content);
    expect(prompt.startsWith('Answer this question about the data in the file `c.csv`')).toBe(true);
    expect(prompt).not.toContain("The kernel's state now");
    expect(records(outDir)).toMatchObject([
      { task_id: '4', answer_source: 'cell-output', correct: true, response: 'The answer is in the output above.' }
    ]);
    expect(summaryOf(outDir)).toMatchObject({ n: 1, kernel_state_tokens: 0, accuracy: { by_question: 1 } });
  });

  it("reads answer lines written in the code of the model's last answer from the cell's output", async () => {
    const other = join(dir, 'data-d');
    mkdirSync(join(other, 'tables'), { recursive: true });
    writeFileSync(
      join(other, 'questions.jsonl'),
      `${JSON.stringify({ id: 5, question: 'How many rows?', constraints: '', format: '@rows[n]', file_name: 'd.csv' })}\n`
    );
    writeFileSync(join(other, 'labels.jsonl'), `${JSON.stringify({ id: 5, common_answers: [['rows', '3']] })}\n`);
    writeFileSync(join(other, 'tables', 'd.csv'), 'v\n1\n2\n3\n');
    const outDir = join(dir, 'code-answer');
    // One execution: the turn ends with the code block as the model's last answer (question 244).
    expect(await run(outDir, ['--data', other, '--max-attempts', '1', '--workers', '1'])).toBe(0);
    const [record] = records(outDir);
    expect(record.response).toContain('@rows[{len(');
    expect(record).toMatchObject({
      answer_source: 'cell-output',
      correct: true,
      sub_answers: [{ name: 'rows', answer: '3', correct: true }]
    });
  });

  it('usage errors are clear: --limit, --data, --kernel-state, options of the other datasets', async () => {
    const out = join(dir, 'usage');
    expect(await run(out, ['--limit', '0'])).toBe(2);
    expect(printed(stderr)).toContain('--limit must be a positive integer, not "0"');
    expect(await run(out, ['--limit', 'two'])).toBe(2);
    expect(await run(out, ['--kernel-state', 'maybe'])).toBe(2);
    expect(printed(stderr)).toContain('--kernel-state must be on or off');
    expect(await run(out, ['--mode', 'single'])).toBe(2);
    expect(printed(stderr)).toContain('--mode does not apply to dabench');
    expect(await runEvalCommand(['--dataset', 'dabench', '--data', join(dir, 'nowhere'), '--model', 'm'])).toBe(2);
    expect(printed(stderr)).toContain('is not a DABench folder');
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
  });
});
