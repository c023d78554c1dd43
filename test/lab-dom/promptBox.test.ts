import { Widget } from '@lumino/widgets';

import { PromptBox } from '../../src/lab/promptBox';
import { found } from './support/domWait';

/**
 * The prompt box without a server: what the person typed survives the widget being detached
 * (the sidebar moved to the other side unmounts its React tree) and text written before the
 * first render reaches the text area.
 */
function createBox(sent: string[] = []): PromptBox {
  return new PromptBox({
    send: async prompt => void sent.push(prompt),
    stop: () => undefined,
    candidates: async () => [],
    onError: message => {
      throw new Error(message);
    }
  });
}

describe('PromptBox', () => {
  it('keeps the draft when it is detached and attached again', async () => {
    const box = createBox();
    Widget.attach(box, document.body);
    const input = await found<HTMLTextAreaElement>(box.node, '.jp-CodeInterpreter-input');
    input.value = 'half a question';

    Widget.detach(box);
    Widget.attach(box, document.body);

    const again = await found<HTMLTextAreaElement>(box.node, '.jp-CodeInterpreter-input');
    expect(again).not.toBe(input);
    expect(again.value).toBe('half a question');
    box.dispose();
  });

  it('puts a draft set before the first render into the text area, and sends it', async () => {
    const sent: string[] = [];
    const box = createBox(sent);
    box.setDraft('describe df');
    box.restoreText('an earlier message');
    Widget.attach(box, document.body);

    const input = await found<HTMLTextAreaElement>(box.node, '.jp-CodeInterpreter-input');
    expect(input.value).toBe('an earlier message\n\ndescribe df');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    expect(sent).toEqual(['an earlier message\n\ndescribe df']);
    expect(input.value).toBe('');
    box.dispose();
  });
});
