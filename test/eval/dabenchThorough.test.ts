// `code-interpreter eval --dataset dabench --effort thorough`: K runs of the agent per question,
// each in a fresh notebook and kernel in its own copy of the question's folder, their answers put
// to a vote (real Jupyter server and kernels, the scripted model server).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { runEvalCommand } from '../../src/cli/evalCommand';
import { normaliseAnswer, voteIsSettled, voteOnAnswers } from '../../src/agent/answerVote';
import type { IDabenchRecord, IDabenchSummary } from '../../src/eval/dabenchSummary';
import { contentText, toolCall } from '../support/agentHarness';
import { projectPython } from '../support/jupyter';
import { ScriptedModelServer, type IRecordedRequest, type ScriptedReply } from '../support/scriptedModelServer';

jest.setTimeout(240_000);

/**
 * Each candidate (by its seed, from 1): the code it runs, then its answer. The first is wrong but
 * grounded and leaves a file and a variable behind; the second looks for them; the third agrees
 * with the second as the scorer would (7.50 = 7.5); the fourth states a figure no output showed
 * (unverified) and would tie the vote if it counted.
 */
const CANDIDATES: { code: string; answer: string }[] = [
  {
    code: "open('marker.txt', 'w').write('1')\nsecret = 42\nprint('mean_x =', 99)",
    answer: '@mean_x[99]'
  },
  {
    code: "import os, pandas as pd\nprint('marker' if os.path.exists('marker.txt') else 'no marker')\nprint('secret' in globals())\nprint('mean_x =', pd.read_csv('a.csv')['x'].mean())",
    answer: 'The mean is 7.5.\n\n@mean_x[7.5]'
  },
  {
    code: "import pandas as pd\nprint('mean_x =', '%.2f' % pd.read_csv('a.csv')['x'].mean())",
    answer: '@mean_x[7.50]'
  },
  { code: "print('hello')", answer: 'The mean is 99.\n\n@mean_x[99]' }
];

function script(request: IRecordedRequest): ScriptedReply | undefined {
  const seed = (request.body as unknown as { seed?: number }).seed;
  if (typeof seed !== 'number') {
    return undefined;
  }
  const candidate = CANDIDATES[(seed - 1) % CANDIDATES.length];
  const ran = request.body.messages.some(message => message.role === 'tool');
  return ran ? { kind: 'text', content: candidate.answer } : toolCall('execute_code', { code: candidate.code });
}

describe('DABench vote', () => {
  it('normalises as the scorer reads answers', () => {
    expect(normaliseAnswer(' 7.50 ')).toBe('7.5');
    expect(normaliseAnswer('Not  Normal')).toBe('not normal');
    expect(normaliseAnswer('314, 577.0')).toBe('314,577');
  });

  it('only completed candidates vote, unless none completed; ties go to the first value', () => {
    const voter = (pairs: [string, string][], completed = true) => ({ answers: new Map(pairs), completed });
    const mixed = voteOnAnswers(
      ['a', 'b'],
      [
        voter([['a', '1']]),
        voter([
          ['a', '2'],
          ['B', 'x']
        ]),
        voter([['a', '2.0']]),
        voter([['a', '1']], false)
      ]
    );
    expect(mixed.voting).toEqual([0, 1, 2]);
    expect(mixed.answers).toEqual(
      new Map([
        ['a', '2'],
        ['b', 'x']
      ])
    );
    expect(mixed.votes[0].votes).toEqual({ '1': 1, '2': 2 });
    const tied = voteOnAnswers(['a'], [voter([['a', 'yes']]), voter([['a', 'no']])]);
    expect(tied.answers.get('a')).toBe('yes');
    const none = voteOnAnswers(['a'], [voter([['a', '3']], false), voter([], false)]);
    expect(none.voting).toEqual([0, 1]);
    expect(none.answers.get('a')).toBe('3');
    expect(voteOnAnswers(['a'], [voter([])]).votes).toEqual([{ name: 'a', value: null, votes: {} }]);
  });

  it('is settled once the candidates to come cannot change the vote', () => {
    const voter = (pairs: [string, string][], completed = true) => ({ answers: new Map(pairs), completed });
    const agree = [voter([['a', '7.5']]), voter([['a', '7.50']])];
    // K = 3: two agreeing completed candidates outvote any third.
    expect(voteIsSettled(['a'], agree, 1)).toBe(true);
    // K = 4: two more could tie, and K = 5 outvote.
    expect(voteIsSettled(['a'], agree, 2)).toBe(false);
    // Every name must be settled; a missing answer is no vote.
    expect(voteIsSettled(['a', 'b'], [voter([['a', '1']]), voter([['a', '1']])], 1)).toBe(false);
    // With none completed, a completed candidate to come would vote alone.
    expect(voteIsSettled(['a'], [voter([['a', '1']], false), voter([['a', '1']], false)], 1)).toBe(false);
    // Candidates that did not complete do not vote beside one that did.
    expect(voteIsSettled(['a'], [voter([['a', '1']]), voter([['a', '2']], false), voter([['a', '1']])], 1)).toBe(true);
    expect(voteIsSettled(['a'], [voter([['a', '1']]), voter([['a', '2']])], 1)).toBe(false);
    expect(voteIsSettled(['a'], [voter([['a', '1']])], 0)).toBe(true);
  });
});

describe('code-interpreter eval --dataset dabench --effort thorough', () => {
  let server: ScriptedModelServer;
  let dir: string;
  let data: string;
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  const python = process.env.CODE_INTERPRETER_PYTHON;

  beforeAll(async () => {
    process.env.CODE_INTERPRETER_PYTHON = projectPython();
    server = await ScriptedModelServer.start({ script: request => script(request) });
    dir = mkdtempSync(join(tmpdir(), 'dabench-thorough-'));
    data = join(dir, 'data');
    mkdirSync(join(data, 'tables'), { recursive: true });
    writeFileSync(
      join(data, 'questions.jsonl'),
      `${JSON.stringify({ id: 1, question: 'What is the mean of column x?', constraints: '', format: '@mean_x[value]', file_name: 'a.csv' })}\n`
    );
    writeFileSync(join(data, 'labels.jsonl'), `${JSON.stringify({ id: 1, common_answers: [['mean_x', '7.50']] })}\n`);
    writeFileSync(join(data, 'tables', 'a.csv'), 'x,y\n5,1\n10,2\n');
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

  it('runs K isolated candidates, sampled with seeds, and the completed ones outvote the unverified', async () => {
    const outDir = join(dir, 'k4');
    const code = await runEvalCommand([
      '--dataset',
      'dabench',
      '--data',
      data,
      '--base-url',
      server.baseUrl,
      '--model',
      'scripted-analyst',
      '--out',
      outDir,
      '--workers',
      '1',
      '--effort',
      'thorough',
      '--candidates',
      '4'
    ]);
    expect(code).toBe(0);
    const requests = server.requests.map(request => request.body as unknown as { temperature: number; seed: number });
    expect(requests.length).toBeGreaterThanOrEqual(8);
    // The first candidate is the greedy run, the others sampled.
    expect(requests.every(body => body.temperature === (body.seed === 1 ? 0 : 0.8))).toBe(true);
    expect([...new Set(requests.map(body => body.seed))]).toEqual([1, 2, 3, 4]);

    const [record] = readFileSync(join(outDir, 'results.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line) as IDabenchRecord);
    const candidates = record.candidates ?? [];
    expect(candidates.map(candidate => candidate.seed)).toEqual([1, 2, 3, 4]);
    expect(candidates.map(candidate => candidate.outcome)).toEqual([
      'completed',
      'completed',
      'completed',
      'unverified'
    ]);
    expect(candidates.map(candidate => candidate.voted)).toEqual([true, true, true, false]);
    expect(candidates.map(candidate => candidate.answers.mean_x)).toEqual(['99', '7.5', '7.50', '99']);
    expect(record.votes).toEqual([{ name: 'mean_x', value: '7.5', votes: { '99': 1, '7.5': 2 } }]);
    expect(record).toMatchObject({
      answer_source: 'vote',
      correct: true,
      sub_answers: [{ name: 'mean_x', label: '7.50', answer: '7.5', correct: true }]
    });

    // Each candidate had its own folder and kernel: the first's file and variable reached no other.
    const folders = candidates.map(candidate => dirname(candidate.notebook));
    expect(new Set(folders).size).toBe(4);
    expect(existsSync(join(folders[0], 'marker.txt'))).toBe(true);
    expect(existsSync(join(folders[1], 'marker.txt'))).toBe(false);
    expect(folders.every(folder => existsSync(join(folder, 'a.csv')))).toBe(true);
    const second = readFileSync(candidates[1].notebook, 'utf8');
    expect(second).toContain('no marker');
    expect(second).toContain('False');

    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as IDabenchSummary;
    expect(summary).toMatchObject({ effort: 'thorough', candidates: 4, candidate_temperature: 0.8, seed: 1, n: 1 });
    expect(summary.accuracy.by_question).toBe(1);
    expect(summary.task_wall_time_s.median).toBeGreaterThan(0);
    // The first candidate alone answers 99; two tie on 99 and 7.5 (the first wins); three outvote it.
    expect(summary.by_candidates?.map(row => [row.k, row.by_question])).toEqual([
      [1, 0],
      [2, 0],
      [3, 1],
      [4, 1]
    ]);
    expect(summary.by_candidates?.every(row => row.median_task_s > 0)).toBe(true);
    expect(contentText(server.requests[0].body.messages[1].content)).toContain('a.csv');
  });

  it('does not run the candidates that could not change the vote', async () => {
    const outDir = join(dir, 'settled');
    const before = server.requests.length;
    // Seeds 2, 3, 4: the first two agree (7.5, 7.50), so the third cannot outvote them.
    const code = await runEvalCommand([
      ...['--dataset', 'dabench', '--data', data, '--base-url', server.baseUrl, '--model', 'scripted-analyst'],
      ...['--out', outDir, '--workers', '1', '--effort', 'thorough', '--candidates', '3', '--seed', '2']
    ]);
    expect(code).toBe(0);
    const seeds = server.requests.slice(before).map(request => (request.body as unknown as { seed: number }).seed);
    expect([...new Set(seeds)]).toEqual([2, 3]);
    const [record] = readFileSync(join(outDir, 'results.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line) as IDabenchRecord);
    expect(record.candidates?.map(candidate => candidate.answers.mean_x)).toEqual(['7.5', '7.50']);
    expect(record).toMatchObject({ correct: true, votes: [{ name: 'mean_x', value: '7.5', votes: { '7.5': 2 } }] });
    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as IDabenchSummary;
    // The table of k goes to the run's K: at k = 3 the vote is the two candidates' (settled).
    expect(summary.by_candidates?.map(row => [row.k, row.by_question])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1]
    ]);
  });
});
