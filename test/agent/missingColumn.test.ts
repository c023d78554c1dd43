import { waitForIdleKernel } from '../../src/kernel/kernelReadiness';
import { AgentHarness, contentText, text } from '../support/agentHarness';

/**
 * A `KeyError` on a missing column: the model is told the kernel's frames and their columns, the
 * column it meant when only the case differs, and which frame holds a column of another, with the
 * columns to merge on. On a real kernel with pandas.
 */
describe('Agent after a KeyError on a column', () => {
  const harness = AgentHarness.forSuite();

  const frames =
    'import pandas as pd\n' +
    "customers = pd.DataFrame({'customer_id': [1, 2], 'segment': ['Enterprise', 'SMB']})\n" +
    "orders = pd.DataFrame({'order_id': [10, 11, 12], 'customer_id': [1, 1, 2], 'amount': [5.0, 7.0, 2.0]})\n";

  it('names the frame that holds the column and the columns to merge on', async () => {
    const failing = '```python\n' + frames + "print(customers['amount'].mean())\n```";
    const { agent, model } = await harness.setUp([text(failing), text('I could not compute it.')], {
      protocol: 'text'
    });

    await agent.run('What is the average order amount of Enterprise customers?');

    const feedback = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(feedback).toContain("KeyError: 'amount'");
    expect(feedback).toContain('Note: the columns of the tables:');
    expect(feedback).toContain('`customers`: customer_id, segment');
    expect(feedback).toContain('`orders`: order_id, customer_id, amount');
    expect(feedback).toContain("merge it with `customers` on 'customer_id'");
  });

  it('names the column whose name differs only in case, also for the person’s failed cell', async () => {
    const { agent, notebook, model } = await harness.setUp([text('I will not change it.')], { protocol: 'text' });
    const cellId = await notebook.insertCode(
      "import pandas as pd\nsales = pd.DataFrame({'region': ['N', 'S'], 'revenue': [3, 4]})\n" +
        "print(sales.groupby('Region')['revenue'].sum())"
    );
    await notebook.execute(cellId);

    await agent.run('Fix this error.', { attachments: [{ cellId }], intent: 'fix' });

    const request = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(request).toContain("KeyError: 'Region'");
    expect(request).toContain("Did you mean `sales['region']`?");
  });

  it('names the column of a file the cell reads, when the kernel has lost the frame', async () => {
    const { agent, notebook, model } = await harness.setUp([text('I will not change it.')], { protocol: 'text' });
    await harness.jupyter.contents.save('regions.csv', {
      type: 'file',
      format: 'text',
      content: 'Sales Region,revenue\nN,3\nS,4\n'
    });
    const cellId = await notebook.insertCode(
      "import pandas as pd\nsales = pd.read_csv('regions.csv')\nprint(sales.groupby('sales_region')['revenue'].sum())"
    );
    await notebook.execute(cellId);
    // The person's cell failed in an earlier session: its outputs remain, its variables do not.
    await notebook.kernel.restart();
    expect(await waitForIdleKernel(notebook.kernel, 30_000)).toBe(true);

    await agent.run('Fix this error.', { attachments: [{ cellId }], intent: 'fix' });

    const request = contentText(model.requests[0].body.messages.at(-1)?.content);
    expect(request).toContain("KeyError: 'sales_region'");
    expect(request).toContain('the file regions.csv: Sales Region, revenue');
    expect(request).toContain("Did you mean 'Sales Region' (in regions.csv)?");
    expect(request).not.toContain('`sales`');
  });

  it('says nothing of columns after a KeyError on a dictionary', async () => {
    const failing = "```python\nprices = {'apple': 3}\nprint(prices['pear'])\n```";
    const { agent, model } = await harness.setUp([text(failing), text('There is no pear.')], { protocol: 'text' });

    await agent.run('Print the price of a pear.');

    const feedback = contentText(model.requests[1].body.messages.at(-1)?.content);
    expect(feedback).toContain("KeyError: 'pear'");
    expect(feedback).not.toContain('data frames');
  });
});
