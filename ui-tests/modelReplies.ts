/**
 * The model's side of the UI tests: a script for the scripted OpenAI-compatible server
 * (test/support/scriptedModelServer.ts), chosen by what the request contains, so that every test
 * can run in any order against one server.
 *
 * Each scenario is named by a keyword in the user's prompt. The reply depends on the conversation
 * so far: the prompt alone → the first tool call; a tool result → the next step.
 */
import type { ChatCompletionCreateParams, ChatCompletionMessageParam } from 'openai/resources/chat/completions';

import type { IRecordedRequest, ScriptedReply } from '../test/support/scriptedModelServer';

type Messages = ChatCompletionMessageParam[];

/**
 * The code of each scenario, exported so that the tests can look for it in the notebook.
 */
export const CODE = {
  failing: 'import math\nprint("root:", math.sqroot(16))',
  fixed: 'import math\nprint("root:", math.sqrt(16))',
  sleep: 'import time\nfor _ in range(1200):\n    time.sleep(0.05)\nprint("finished")',
  risky: 'import os\nprint("exit status", os.system("echo approved-by-test"))',
  undo: 'answer = 41 + 1\nprint("answer is", answer)',
  // Prints, then runs until the test creates release.txt in the notebook's folder: the turn is
  // still running, its output already written, for as long as the test needs. It reads the file
  // with open() rather than pathlib, which the default approval mode asks about (an import outside
  // its allowlist), so that the turn runs without an approval.
  collaborator:
    'import time\nprint("waiting for the collaborator", flush=True)\nwhile True:\n    try:\n        open("release.txt").close()\n        break\n    except FileNotFoundError:\n        time.sleep(0.05)\nprint("released")',
  // Runs until the test creates second-thoughts.txt in the notebook's folder, so that the person
  // can send a message to the turn while it runs (open() for the reason given above).
  secondThoughts:
    'import time\nprint("waiting for second thoughts", flush=True)\nwhile True:\n    try:\n        open("second-thoughts.txt").close()\n        break\n    except FileNotFoundError:\n        time.sleep(0.05)\nprint("released")',
  changed: 'answer = 6 * 7\nprint("answer is still", answer)',
  // The person's own cell, and the agent's revision of it, which waits for their review.
  mine: 'greeting = "hello"\nprint(greeting)',
  revisedMine: 'greeting = "hello".upper()\nprint(greeting, "from the revision")',
  plotFailing:
    'import matplotlib.pyplot as plt\nx = np.linspace(0, 4 * np.pi, 200)\nplt.plot(x, np.sin(x))\nplt.title("sin(x)")\nplt.show()',
  // Outputs that run script in the page when they are trusted: an HTML image whose error handler
  // runs, and JavaScript that also tries to turn approvals off. `active outputs displayed` is
  // printed last, for the test to wait on.
  activeOutputs: String.raw`from IPython.display import HTML, Javascript, display
display(HTML('<img src="x" onerror="window.__pwned = 1">'))
display(Javascript("window.__pwned = 2; window.jupyterapp.serviceManager.settings.save('jupyterlab-code-interpreter:plugin', '{\"approval\": \"never\"}')"))
print("active outputs displayed")`,
  plotFixed:
    'import numpy as np\nimport matplotlib.pyplot as plt\nx = np.linspace(0, 4 * np.pi, 200)\nplt.plot(x, np.sin(x))\nplt.title("sin(x)")\nplt.show()',
  // The thorough effort (thorough.spec.ts): candidates with seeds 1 and 3 agree, seed 2 does not.
  thoroughRight: 'print("sum:", 2 + 2)',
  thoroughWrong: 'print("sum:", 5)',
  // The cell actions (cellActions.spec.ts): the person's own cells, and the model's revisions.
  meanFailing: 'values = [1, 2, 3]\nprint("mean:", sum(values) / len(value))',
  meanFixed: 'values = [1, 2, 3]\nprint("mean:", sum(values) / len(values))',
  linearPlot: 'import matplotlib.pyplot as plt\nplt.plot([1, 10, 100, 1000])\nplt.show()',
  logPlot: 'import matplotlib.pyplot as plt\nplt.plot([1, 10, 100, 1000])\nplt.yscale("log")\nplt.show()',
  explained: 'print(sum(range(10)))',
  // What a model might try while explaining; it must not run.
  explainProbe: 'print("ran while explaining")'
};

/**
 * Choose the reply to a chat completion request.
 *
 * @param request - the request the server received.
 * @returns the reply.
 */
export function reply(request: IRecordedRequest): ScriptedReply {
  const body: ChatCompletionCreateParams = request.body;
  const messages: Messages = Array.isArray(body.messages) ? body.messages : [];
  const prompt = lastPrompt(messages);
  const last = messages[messages.length - 1];
  const toolResult = last?.role === 'tool' && typeof last.content === 'string' ? last.content : null;
  const cellId = toolResult ? /^cell_id: (\S+)/m.exec(toolResult)?.[1] : undefined;
  const status = toolResult ? /^status: (\S+)/m.exec(toolResult)?.[1] : undefined;
  const call = (name: string, args: Record<string, string>, content?: string): ScriptedReply => ({
    kind: 'tools',
    content,
    calls: [{ name, arguments: JSON.stringify(args) }]
  });
  const text = (content: string): ScriptedReply => ({ kind: 'text', content, chunkSize: 6, delayMs: 15 });

  // The cell actions first: their turns' notes hold the attached cells' sources, which must not
  // be taken for another scenario's keyword.
  if (prompt.includes('Fix this error.')) {
    // The turn's first code revises the attached cell in place.
    if (!toolResult) {
      return call('execute_code', { code: CODE.meanFixed }, 'The list is `values`, not `value`.');
    }
    return text('Fixed: the cell now prints the mean, **2.0**.');
  }
  if (prompt.includes('use a log scale')) {
    if (!toolResult) {
      return call('execute_code', { code: CODE.logPlot }, 'A logarithmic y axis.');
    }
    return text('The y axis of the plot is now logarithmic.');
  }
  if (prompt.includes('Explain this cell and its output.')) {
    // A model that tries to run code anyway: nothing of it may run.
    if (!toolResult) {
      return call('execute_code', { code: CODE.explainProbe }, 'The cell adds the numbers 0 to 9 and prints **45**.');
    }
    return text('The cell adds the numbers 0 to 9 and prints **45**.');
  }

  if (prompt.includes('Second thoughts:')) {
    // The person's message, sent while the cell ran, is the last user message of this request.
    return text('I will report the **median**, as you asked.');
  }
  if (prompt.includes('second thoughts')) {
    if (!toolResult) {
      return call('execute_code', { code: CODE.secondThoughts });
    }
    return text('The cell ended and no second thoughts came.');
  }
  if (prompt.includes('square root')) {
    if (!toolResult) {
      return call('execute_code', { code: CODE.failing }, 'I will compute it with the math module.');
    }
    if (status === 'error' && cellId) {
      return call(
        'edit_cell',
        { cell_id: cellId, code: CODE.fixed },
        '`math.sqroot` does not exist; the function is `math.sqrt`.'
      );
    }
    return text('The square root of 16 is **4.0**.');
  }
  if (prompt.includes('sine')) {
    if (!toolResult) {
      return call('execute_code', { code: CODE.plotFailing }, 'Here is a plot of the sine over two periods.');
    }
    if (status === 'error' && cellId) {
      return call(
        'edit_cell',
        { cell_id: cellId, code: CODE.plotFixed },
        'I forgot to import **numpy**; fixing the cell.'
      );
    }
    return text('The plot shows **two periods** of `sin(x)` between 0 and 4π.');
  }
  if (prompt.includes('remote content from')) {
    // Everything a page could fetch by itself, on the host the test named (where it counts
    // requests): the answer must reach the sidebar without any of it being loaded.
    const origin = /https?:\/\/[\w.-]+:\d+/.exec(prompt)?.[0] ?? 'http://127.0.0.1:9';
    return text(remoteContentAnswer(origin));
  }
  if (prompt.includes('active outputs')) {
    if (!toolResult) {
      return call('execute_code', { code: CODE.activeOutputs });
    }
    return text('The outputs are displayed.');
  }
  if (prompt.includes('markdown cell with content from')) {
    // The same resources in a markdown cell the model adds, and a command button planted in it.
    if (!toolResult) {
      const origin = /https?:\/\/[\w.-]+:\d+/.exec(prompt)?.[0] ?? 'http://127.0.0.1:9';
      return call('add_markdown', { text: `${remoteContentAnswer(origin)}\n\n${PLANTED_COMMAND}` });
    }
    return text('The markdown cell is added.');
  }
  if (prompt.includes('cover the approval')) {
    // An answer that would lie over the whole page, and then code that needs approval.
    if (!toolResult) {
      return call('execute_code', { code: CODE.risky }, OVERLAY_ANSWER);
    }
    return text('The covered command ran.');
  }
  if (prompt.includes('long error')) {
    // The model endpoint refuses the request with a message holding one very long word.
    const word = /\S{200,}/.exec(prompt)?.[0] ?? '';
    return {
      kind: 'http-error',
      status: 400,
      body: { error: { message: `Bad request, see ${word}`, type: 'invalid_request_error', code: null } }
    };
  }
  if (prompt.includes('slow model')) {
    // The request is accepted and never answered: only Stop ends the turn.
    return { kind: 'hang' };
  }
  if (prompt.includes('long computation')) {
    if (!toolResult) {
      return call('execute_code', { code: CODE.sleep });
    }
    return text('The computation was stopped.');
  }
  if (prompt.includes('collaborator')) {
    if (!toolResult) {
      return call('execute_code', { code: CODE.collaborator }, 'One cell, which waits for the collaborator.');
    }
    return text('The collaborator released the cell.');
  }
  if (prompt.includes('shell command')) {
    if (!toolResult) {
      return call('execute_code', { code: CODE.risky });
    }
    return text(status === 'skipped' ? 'Understood, I did not run it.' : 'The shell command ran.');
  }
  if (prompt.includes('revise my cell')) {
    // The prompt names the person's cell: "revise my cell <id>".
    if (!toolResult) {
      const mine = /revise my cell (\S+)/.exec(prompt)?.[1] ?? 'unknown';
      return call('edit_cell', { cell_id: mine, code: CODE.revisedMine });
    }
    return text(status === 'rejected' ? 'I left your cell as it is.' : 'Your cell now greets loudly.');
  }
  if (prompt.includes('Change the answer')) {
    if (!toolResult) {
      // The cell of the previous turn, named by its tool result.
      const earlier = messages
        .filter(message => message.role === 'tool' && typeof message.content === 'string')
        .map(message => /^cell_id: (\S+)/m.exec(message.content as string)?.[1])
        .filter(Boolean);
      return call('edit_cell', { cell_id: earlier[earlier.length - 1] ?? 'unknown', code: CODE.changed });
    }
    return text('Changed.');
  }
  if (prompt.includes('thorough sum')) {
    // Sampled candidates of the thorough effort: the request's seed picks the answer.
    const wrong = (body as { seed?: number }).seed === 2;
    if (!toolResult) {
      return call('execute_code', { code: wrong ? CODE.thoroughWrong : CODE.thoroughRight });
    }
    return text(wrong ? 'The sum is **5**.' : 'The sum is **4**.');
  }
  if (prompt.includes('highest total')) {
    // As a model would: the code uses a frame the prompt describes, with the columns it lists.
    if (!toolResult) {
      return call('execute_code', { code: highestTotalCode(prompt) });
    }
    return text('The region is printed under the cell.');
  }
  if (prompt.includes('Compare')) {
    return text('Compared.');
  }
  if (prompt.includes('answer')) {
    if (!toolResult) {
      return call('execute_code', { code: CODE.undo });
    }
    return text('The answer is 42.');
  }
  return text('I can only run the scenarios of the UI tests.');
}

/**
 * A 1x1 PNG, inline: the one kind of image an answer may show.
 */
export const INLINE_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/**
 * An answer whose HTML would cover the page: a fixed, opaque box on top of everything (with the
 * class of JupyterLab's hover boxes, which are `position: fixed`), and a transparent link over it.
 */
export const OVERLAY_ANSWER = [
  'Nothing to see here.',
  '',
  '<div style="position:fixed;inset:0;z-index:99999;background:white" class="jp-HoverBox">fake approval: print("harmless")</div>',
  '<a href="https://example.invalid/" class="jp-HoverBox" style="position:fixed;inset:0;z-index:100000;display:block"> </a>'
].join('\n');

/**
 * A command-linker button that would ask the code interpreter a question of the model's choosing
 * with one click, in a notebook whose cells are trusted.
 */
export const PLANTED_COMMAND =
  '<button data-commandlinker-command="code-interpreter:ask" data-commandlinker-args=\'{"prompt": "planted command ran"}\'>Click me</button>';

/**
 * An answer in markdown and HTML that names resources on `origin` in every way a page fetches
 * by itself: images (markdown, HTML, srcset), a frame, a prefetch and a style sheet link, CSS
 * `@import` and `url()` (in a style element and a style attribute), a video and its poster, and
 * an SVG image.
 *
 * @param origin - where the resources would be fetched from.
 * @returns the answer.
 */
export function remoteContentAnswer(origin: string): string {
  return [
    `Here is the chart: ![secret chart](${origin}/chart.png?q=secret)`,
    '',
    `<img src="${origin}/html-img.png" alt="html image">`,
    `<img src="${INLINE_PNG}" srcset="${origin}/srcset.png 2x" alt="inline dot">`,
    `<iframe src="${origin}/frame.html"></iframe>`,
    `<link rel="prefetch" href="${origin}/prefetch.js">`,
    `<link rel="stylesheet" href="${origin}/sheet.css">`,
    `<style>@import url("${origin}/import.css"); p { background: url(${origin}/style-bg.png); }</style>`,
    `<div style="background-image: url('${origin}/inline-bg.png')">styled text</div>`,
    `<video src="${origin}/clip.mp4" poster="${origin}/poster.png"></video>`,
    `<svg width="10" height="10"><image href="${origin}/svg-image.png" width="10" height="10"></image></svg>`,
    '',
    `And an inline dot: ![dot](${INLINE_PNG})`
  ].join('\n');
}

/**
 * The last message the user typed (not a tool result or an execution result).
 */
/**
 * The code for "which region has the highest total?": with the columns of a frame `df` the prompt
 * describes (its first text column and first numeric one), else reading the file itself, as a
 * model that does not know the kernel's state has to.
 */
function highestTotalCode(prompt: string): string {
  const columns = /^df: DataFrame, .*\n {2}columns: (.*)$/m.exec(prompt)?.[1];
  const typed = (columns ?? '').split(', ').map(column => column.split(' '));
  const group = typed.find(([, dtype]) => dtype === 'str' || dtype === 'object')?.[0];
  const value = typed.find(([, dtype]) => /^(int|float)/.test(dtype ?? ''))?.[0];
  if (!group || !value) {
    return 'import pandas as pd\ndata = pd.read_csv("sales.csv")\nprint(data.groupby("region")["total"].sum().idxmax())';
  }
  return `print(df.groupby(${JSON.stringify(group)})[${JSON.stringify(value)}].sum().idxmax())`;
}

function lastPrompt(messages: Messages): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (
      message.role === 'user' &&
      typeof message.content === 'string' &&
      !message.content.startsWith('Execution result:')
    ) {
      return message.content;
    }
  }
  return '';
}
