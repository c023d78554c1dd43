import { parseToolCalls } from '../../src/model/toolsProtocol';

describe('tool calls', () => {
  it('become actions', () => {
    expect(
      parseToolCalls([
        { id: 'a', name: 'execute_code', arguments: '{"code": "print(1)"}' },
        { id: 'b', name: 'edit_cell', arguments: '{"cell_id": "c1", "code": "print(2)"}' },
        { id: 'c', name: 'add_markdown', arguments: '{"text": "# Title"}' }
      ])
    ).toEqual([
      { kind: 'execute', code: 'print(1)', toolCallId: 'a' },
      { kind: 'edit', cellId: 'c1', code: 'print(2)', toolCallId: 'b' },
      { kind: 'markdown', text: '# Title', toolCallId: 'c' }
    ]);
  });

  it('that small models break are repaired: an unclosed string, a triple-quoted one', () => {
    const actions = parseToolCalls([
      { id: 'a', name: 'execute_code', arguments: '{"code": "print(1)' },
      { id: 'b', name: 'execute_code', arguments: '{"code": """x = 2\\nprint(x)"""}' }
    ]);
    expect(actions).toEqual([
      { kind: 'execute', code: 'print(1)', toolCallId: 'a' },
      { kind: 'execute', code: 'x = 2\nprint(x)', toolCallId: 'b' }
    ]);
  });

  it('that are malformed or unknown become errors for the model, not exceptions', () => {
    const actions = parseToolCalls([
      { id: 'a', name: 'execute_code', arguments: '{{{' },
      { id: 'b', name: 'execute_code', arguments: '{"source": "print(1)"}' },
      { id: 'c', name: 'run_shell', arguments: '{}' },
      { id: 'd', name: 'edit_cell', arguments: '[1, 2]' }
    ]);
    expect(actions.map(action => action.kind)).toEqual(['invalid', 'invalid', 'invalid', 'invalid']);
    expect(actions[0]).toMatchObject({ toolCallId: 'a', error: expect.stringContaining('not valid JSON') });
    expect(actions[1]).toMatchObject({ error: expect.stringContaining('"code"') });
    expect(actions[2]).toMatchObject({ error: expect.stringContaining('no tool named "run_shell"') });
    expect(actions[3]).toMatchObject({ error: expect.stringContaining('JSON object') });
  });
});
