import { AgentHarness, codeCells, contentText, text, toolCall } from '../support/agentHarness';

/**
 * The truth of a turn's result, on the scripted model replaying what the embedded 1.5B model
 * wrote (DESIGN.md, "as a new user meets it"): its code runs even when it makes no call, an
 * invented output never shows, failed code is never "already ran", and an answer whose figures no
 * cell computed never ends `completed`.
 */
describe('Agent: what the model means runs, and only computed answers complete', () => {
  const harness = AgentHarness.forSuite();

  const messagesText = (messages: { content?: unknown }[]) => messages.map(m => contentText(m.content)).join('\n');

  it('runs a fenced block with no call at once in auto, and its invented output reaches nothing', async () => {
    const answer = '```python\nprint(sum([3, 5, 10, 12]) / 4)\n```\n```output\n12.34\n```\nThe mean is 12.34.';
    const { agent, notebook, model, events } = await harness.setUp([text(answer), text('The mean is 7.5.')]);
    const result = await agent.run('Compute the mean of the numbers 3, 5, 10, 12 and print it.');
    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    expect(codeCells(notebook)[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '7.5\n' }]);
    expect(model.requests).toHaveLength(2);
    expect(messagesText(model.requests[1].body.messages)).not.toContain('12.34');
    expect(JSON.stringify(events.filter(event => event.type !== 'model-delta'))).not.toContain('12.34');
    expect(agent.protocol).toBe('text');
  });

  it('still nudges a model that has made native calls in the conversation, rather than running its block', async () => {
    const { agent, notebook, model } = await harness.setUp([
      toolCall('execute_code', { code: 'x = 6' }),
      text('Set.'),
      text('```python\nprint(x * 7)\n```'),
      toolCall('execute_code', { code: 'print(x * 7)' }),
      text('It is 42.')
    ]);
    await agent.run('Set x to 6.');
    const result = await agent.run('Multiply x by 7.');
    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    expect(contentText(model.requests[3].body.messages.at(-1)?.content)).toContain('call the execute_code tool');
    expect(codeCells(notebook).map(cell => cell.source)).toEqual(['x = 6', 'print(x * 7)']);
  });

  it('runs a call whose code is a Python triple-quoted string', async () => {
    const tq = '"""';
    const call = `<tool_call>{"name": "execute_code", "arguments": {"code": ${tq}values = [3, 5, 10, 12]\nprint(sum(values) / len(values))${tq}}}</tool_call>`;
    const { agent, notebook } = await harness.setUp([text(call), text('The mean is 7.5.')]);
    const result = await agent.run('Compute the mean of 3, 5, 10, 12.');
    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    expect(codeCells(notebook)[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '7.5\n' }]);
  });

  it('answers code sent again after it failed with its error, never "already ran"', async () => {
    const failing = 'import pandas as pd\nprint(pd.DataFrame({"a": [1]})["b"].mean())';
    const { agent, model } = await harness.setUp(
      [text(`\`\`\`python\n${failing}\n\`\`\``), text(`\`\`\`python\n${failing}\n\`\`\``), text('I cannot.')],
      { protocol: 'text' }
    );
    const result = await agent.run('Mean of b?');
    expect(result).toMatchObject({ outcome: 'gave-up', executions: 1 });
    const told = contentText(model.requests[2].body.messages.at(-1)?.content);
    expect(told).toContain('This exact code failed');
    expect(told).toContain('KeyError');
    expect(told).not.toContain('already ran');
  });

  it('ends the turn when the model keeps sending back code that failed, sampled answers included', async () => {
    // What the 1.5B did on DABench questions 23 and 28 (4abaa57): the same code 8 and 6 times.
    const failing = 'import pandas as pd\nprint(pd.DataFrame({"a": ["x"]})["a"].mean())';
    const block = text(`\`\`\`python\n${failing}\n\`\`\``);
    const { agent, model } = await harness.setUp([block, block, block, block, block, block, block], {
      protocol: 'text',
      temperature: 0
    });
    const result = await agent.run('Mean of a?');
    expect(result).toMatchObject({ outcome: 'gave-up', executions: 1 });
    expect(result.reason).toContain('sent back code that had failed 4 times');
    // The first answer and four repeats; the last three asked for at a sampling temperature.
    expect(model.requests).toHaveLength(5);
    expect(model.requests.slice(2).map(request => request.body.temperature)).toEqual([0.7, 0.7, 0.7]);
  });

  it('starts the count of failing repeats again when the person steps in', async () => {
    const failing = 'import pandas as pd\nprint(pd.DataFrame({"a": ["x"]})["a"].mean())';
    const block = text(`\`\`\`python\n${failing}\n\`\`\``);
    const { agent, notebook, model } = await harness.setUp(
      [block, block, block, block, block, text('```python\nprint(len("x"))\n```'), text('It has 1 character.')],
      { protocol: 'text', temperature: 0 }
    );
    const accepted: boolean[] = [];
    let failedRepeats = 0;
    agent.events.connect((_, event) => {
      // At the fourth repeat the turn would end at its next step; the person's words come first.
      if (event.type === 'warning' && event.message.includes('failed') && ++failedRepeats === 4) {
        accepted.push(agent.stepIn('Column a holds text: count its characters instead.'));
      }
    });
    const result = await agent.run('Mean of a?');
    expect(accepted).toEqual([true]);
    expect(result).toMatchObject({ outcome: 'completed', executions: 2 });
    expect(model.requests).toHaveLength(7);
    expect(codeCells(notebook).at(-1)?.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '1\n' }]);
  });

  it('tells a model that imports a module the kernel lacks which data packages the kernel has', async () => {
    const { agent, model } = await harness.setUp(
      [text('```python\nimport no_such_module_xyz\n```'), text('```python\nprint(1 + 1)\n```'), text('2')],
      { protocol: 'text' }
    );
    await agent.run('Use no_such_module_xyz to add 1 and 1.');
    const told = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(told).toContain('no_such_module_xyz is not installed in this kernel');
    expect(told).toMatch(/Installed data packages: .*pandas/);
  });

  it('tells a model whose output shows only NaN to check its selection (DABench question 214)', async () => {
    const empty =
      "import pandas as pd\ndf = pd.DataFrame({'source': ['abc'], 'x': [1.0]})\nprint('mean:', df[df['source'] == 'ABC News']['x'].mean())";
    const { agent, model } = await harness.setUp(
      [
        text(`\`\`\`python\n${empty}\n\`\`\``),
        text("```python\nprint(df['source'].unique())\n```"),
        text("No row has the source 'ABC News'; the only source is 'abc'.")
      ],
      { protocol: 'text' }
    );
    const result = await agent.run('What is the mean x of the ABC News rows?');
    expect(result).toMatchObject({ outcome: 'completed', executions: 2 });
    const told = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(told).toContain('mean: nan');
    expect(told).toContain('every value the output shows is NaN');
    expect(contentText(model.requests[2].body.messages.at(-1)?.content)).not.toContain('NaN');
  });

  it('tells a model that formatted a group-by result as one number that it holds many (DABench question 247)', async () => {
    const frame = "import pandas as pd\ndf = pd.DataFrame({'free': [0, 1, 1], 'runs': [10, 20, 40]})\n";
    const { agent, model } = await harness.setUp(
      [
        text(`\`\`\`python\n${frame}means = df.groupby('free')['runs'].mean()\nprint(f'{means:.2f}')\n\`\`\``),
        text('```python\nprint(means.round(2))\n```'),
        text('The mean runs are 10.0 when not free and 30.0 when free.')
      ],
      { protocol: 'text' }
    );
    const result = await agent.run('What are the mean runs by free agency?');
    expect(result).toMatchObject({ outcome: 'completed', executions: 2 });
    const told = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(told).toContain('unsupported format string passed to Series.__format__');
    expect(told).toContain('Note: a Series holds many values');
    expect(contentText(model.requests[2].body.messages.at(-1)?.content)).not.toContain('holds many values');
  });

  it('asks the model to print a figure no cell computed, and completes once an output shows it', async () => {
    const { agent, model, events } = await harness.setUp(
      [
        text('```python\nprint(3 + 5)\n```'),
        text('The mean is 7.5 and the population standard deviation is 2.63.'),
        text(
          '```python\nimport statistics\nprint(statistics.mean([3, 5, 10, 12]), statistics.pstdev([3, 5, 10, 12]))\n```'
        ),
        text('The mean is 7.5 and the population standard deviation is 3.64.')
      ],
      { protocol: 'text' }
    );
    const result = await agent.run('Compute the mean and population standard deviation of 3, 5, 10, 12.');
    expect(result).toMatchObject({ outcome: 'completed', executions: 2 });
    expect(contentText(model.requests[2].body.messages.at(-1)?.content)).toContain('7.5, 2.63');
    expect(events.find(event => event.type === 'ungrounded-answer')).toMatchObject({
      figures: ['7.5', '2.63'],
      willAsk: true
    });
  });

  it('ends unverified when the answer stays ungrounded, naming the figures', async () => {
    const { agent, events } = await harness.setUp(
      [text('```python\nprint(3 + 5)\n```'), text('The deviation is 2.63.'), text('The deviation is 2.63.')],
      { protocol: 'text' }
    );
    const result = await agent.run('What is the population standard deviation of 3, 5, 10, 12?');
    expect(result).toMatchObject({ outcome: 'unverified', ungrounded: ['2.63'] });
    expect(events.at(-1)).toMatchObject({ type: 'turn-end', outcome: 'unverified', ungrounded: ['2.63'] });
    expect(agent.conversation.turns[0].outcome).toBe('unverified');
  });

  it('does not complete a question about a file that ran no code', async () => {
    await harness.jupyter.contents.save('prices.csv', { type: 'file', format: 'text', content: 'p\n1.5\n2.5\n' });
    const { agent, model } = await harness.setUp([text('The average is @mean[2.0].'), text('The average is 2.0.')], {
      protocol: 'text'
    });
    const result = await agent.run('What is the average p in prices.csv?');
    expect(result.outcome).toBe('unverified');
    expect(result.executions).toBe(0);
    expect(contentText(model.requests[1].body.messages.at(-1)?.content)).toContain('no code ran');
  });

  it('completes an answer that needs no code, and one whose figures are in the prompt', async () => {
    const { agent } = await harness.setUp([text('A left join keeps every row of the left table.'), text('Yes, 42.')], {
      protocol: 'text'
    });
    expect((await agent.run('What does a left join do?')).outcome).toBe('completed');
    expect((await agent.run('Is 42 the answer?')).outcome).toBe('completed');
  });

  it('shows the model a data file the prompt names: delimiter, decimal mark and columns', async () => {
    await harness.jupyter.contents.save('sales.csv', {
      type: 'file',
      format: 'text',
      content: 'region;month;total\nNorth;2024-01;12,5\nSouth;2024-01;7,25\n'
    });
    const { agent, model } = await harness.setUp([text('```python\nprint(1)\n```'), text('Done.')], {
      protocol: 'text'
    });
    await agent.run('What is the total for North in sales.csv?');
    const prompt = contentText(model.requests[0].body.messages.find(message => message.role === 'user')?.content);
    expect(prompt).toContain("delimiter ';', decimal mark ','");
    expect(prompt).toContain("pd.read_csv('sales.csv', sep=';', decimal=',')");
    expect(prompt).toMatch(/columns: region \w+, month \w+, total float64/);
  });

  it('starts auto in the protocol the catalog gives the embedded model', async () => {
    const { agent, model } = await harness.setUp([text('```python\nprint(2 ** 10)\n```'), text('It is 1024.')], {
      modelName: 'qwen2.5-coder-1.5b-instruct'
    });
    expect(agent.protocol).toBe('text');
    const result = await agent.run('What is 2 ** 10?');
    expect(result).toMatchObject({ outcome: 'completed', executions: 1 });
    expect(model.requests[0].body.tools).toBeUndefined();
  });
});
