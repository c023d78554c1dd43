// The agent on the embedded local model (Qwen2.5-Coder-1.5B on llama.cpp), a data-analysis
// session of ten turns in `auto`: for each model request, the prompt tokens sent, the tokens the
// server had to process (llama.cpp's `timings.prompt_n`; the rest came from its prompt cache) and
// the time to the first token. Goals (issue "Real model behaviour"): over the requests after a
// conversation's first, the server processes under 20% of the prompt tokens sent, and no request
// processes more than its new tokens (its prompt minus the previous prompt and answer) plus a few
// dozen for the chat template.
//
//   node bench/run.mjs bench/realModelSession.ts [--model 1.5b|0.5b] [--out FILE]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { Agent } from '../src/agent/agent';
import type { AgentEvent } from '../src/agent/events';
import { createTiktokenCounter } from '../src/feedback/tiktokenCounter';
import { ModelClient } from '../src/model/modelClient';
import { JupyterConnection } from '../src/node/jupyterConnection';
import { LocalModelProcess } from '../src/node/localModelProcess';
import { HeadlessNotebook } from '../src/notebook/headlessNotebook';
import { median } from './support/statistics';

/**
 * The session's prompts: each builds on the kernel state the earlier ones left.
 */
const PROMPTS = [
  'Create a list named sales with the numbers 12, 7, 30, 18, 25, 9 and print its length.',
  'Print the mean of sales.',
  'Print the maximum and the minimum of sales.',
  'Print sales sorted in descending order.',
  'Print the sum of the three largest values of sales.',
  "Create a pandas DataFrame df with one column 'sales' from the list, and print it.",
  "Add a column 'double' to df that is twice 'sales', and print df.",
  "Print the row of df with the largest 'sales'.",
  "Print the median of df['sales'].",
  'Print how many values of sales are above 15.'
];

/**
 * A request's figures.
 */
interface IRequestFigures {
  turn: number;
  sent: number;
  processed: number | undefined;
  cached: number | undefined;
  answer: number;
  newTokens: number | undefined;
  ttftMs: number | undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { model: { type: 'string', default: '1.5b' }, out: { type: 'string' } }
  });
  const model = await LocalModelProcess.start({ model: values.model });
  const jupyter = await JupyterConnection.open({});
  const notebook = await HeadlessNotebook.open({
    contents: jupyter.contents,
    sessions: jupyter.sessions,
    path: 'real-model-session.ipynb'
  });
  const { endpoint } = model;
  const agent = new Agent({
    model: new ModelClient({ baseURL: endpoint.baseURL, apiKey: endpoint.apiKey, model: endpoint.model }),
    target: notebook,
    tokenCounter: await createTiktokenCounter(),
    contextWindowTokens: endpoint.contextSize,
    temperature: 0
  });
  const figures: IRequestFigures[] = [];
  let turn = 0;
  let previous: { sent: number; answer: number } | undefined;
  agent.events.connect((_, event: AgentEvent) => {
    if (event.type !== 'model-response') {
      return;
    }
    const { usage } = event;
    figures.push({
      turn,
      sent: usage.promptTokens,
      processed: usage.processedPromptTokens,
      cached: usage.cachedPromptTokens,
      answer: usage.completionTokens,
      newTokens: previous ? usage.promptTokens - previous.sent - previous.answer : undefined,
      ttftMs: usage.timeToFirstTokenMs
    });
    previous = { sent: usage.promptTokens, answer: usage.completionTokens };
  });
  const outcomes: string[] = [];
  try {
    for (const prompt of PROMPTS) {
      turn++;
      const result = await agent.run(prompt);
      outcomes.push(`${turn}: ${result.outcome} (${result.executions} executions)`);
      process.stderr.write(`turn ${turn}/${PROMPTS.length}: ${result.outcome}\n`);
    }
  } finally {
    agent.dispose();
    await notebook.close(true);
    await jupyter.close();
    await model.stop();
  }
  const report = describe(figures, outcomes, endpoint.model);
  process.stdout.write(report);
  if (values.out) {
    writeFileSync(values.out, report);
  }
}

/**
 * The table and the two goals, as markdown.
 */
function describe(figures: IRequestFigures[], outcomes: string[], model: string): string {
  const later = figures.slice(1);
  const sent = later.reduce((sum, row) => sum + row.sent, 0);
  const processed = later.reduce((sum, row) => sum + (row.processed ?? row.sent), 0);
  const overNew = later.filter(
    row => row.newTokens !== undefined && (row.processed ?? row.sent) > row.newTokens + TEMPLATE_ALLOWANCE
  );
  const ttft = figures.map(row => row.ttftMs ?? 0);
  const lines = [
    `Model ${model}, ${figures.length} requests over ${outcomes.length} turns (auto protocol, greedy).`,
    '',
    '| # | turn | prompt sent | processed | from cache | new since previous | answer | first token ms |',
    '|---|---|---|---|---|---|---|---|',
    ...figures.map(
      (row, i) =>
        `| ${i + 1} | ${row.turn} | ${row.sent} | ${row.processed ?? '?'} | ${row.cached ?? '?'} | ${row.newTokens ?? '-'} | ${row.answer} | ${row.ttftMs ?? '?'} |`
    ),
    '',
    `After the first request: ${processed} of ${sent} prompt tokens processed (${((100 * processed) / Math.max(1, sent)).toFixed(1)}%; goal under 20%).`,
    `Requests that processed more than their new tokens + ${TEMPLATE_ALLOWANCE}: ${overNew.length} (goal 0).`,
    `Time to first token: median ${median(ttft).toFixed(0)} ms, first request ${ttft[0] ?? 0} ms.`,
    `Turns: ${outcomes.join('; ')}.`,
    ''
  ];
  return lines.join('\n');
}

/**
 * Tokens a chat template adds around the new messages (role markers, end-of-turn tokens).
 */
const TEMPLATE_ALLOWANCE = 40;

main().catch(error => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
