import { EXECUTION_RESULT_PREFIX } from '../../src/model/textProtocol';
import { AgentHarness, codeCells, contentText, text } from '../support/agentHarness';

/**
 * The OpenCodeInterpreter paper's own protocol, end to end: fenced python blocks run, results come
 * back as user messages beginning "Execution result: \n", and after a failure the next block
 * replaces the failed cell.
 */
describe('Agent with the text protocol', () => {
  const harness = AgentHarness.forSuite();

  it('runs the last block, feeds back in the paper format and replaces the failed cell', async () => {
    const { agent, notebook, model } = await harness.setUp(
      [
        text('Let me compute it.\n```python\nvalues = [1, 2, 3]\nprint(sum(valuez))\n```'),
        text('I misspelled the name. Fixed:\n```python\nvalues = [1, 2, 3]\nprint(sum(values))\n```<|EOT|>'),
        text('The sum is 6.')
      ],
      { protocol: 'text' }
    );
    const result = await agent.run('Sum 1, 2 and 3.');
    expect(result.outcome).toBe('completed');
    expect(model.requests.every(request => request.body.tools === undefined)).toBe(true);

    const firstFeedback = model.requests[1].body.messages.at(-1);
    expect(firstFeedback?.role).toBe('user');
    const firstText = contentText(firstFeedback?.content);
    expect(firstText.startsWith(EXECUTION_RESULT_PREFIX)).toBe(true);
    expect(EXECUTION_RESULT_PREFIX).toBe('Execution result: \n');
    expect(firstText).toContain("NameError: name 'valuez' is not defined");

    const secondFeedback = contentText(model.requests[2].body.messages.at(-1)?.content);
    expect(secondFeedback.trimEnd()).toBe('Execution result: \n6');

    // The assistant messages carry the model's markdown, special tokens removed.
    const assistant = model.requests[2].body.messages.filter(message => message.role === 'assistant');
    expect(contentText(assistant[1].content)).not.toContain('<|EOT|>');

    const cells = codeCells(notebook);
    expect(cells).toHaveLength(1);
    expect(cells[0].source).toBe('values = [1, 2, 3]\nprint(sum(values))');
    expect(cells[0].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '6\n' }]);
  });

  it('ends the turn when the answer has no code', async () => {
    const { agent, notebook, model } = await harness.setUp([text('Hello! What should I compute?')], {
      protocol: 'text'
    });
    const result = await agent.run('Hi');
    expect(result).toMatchObject({ outcome: 'completed', executions: 0 });
    expect(model.requests).toHaveLength(1);
    expect(codeCells(notebook)).toHaveLength(0);
  });
});
