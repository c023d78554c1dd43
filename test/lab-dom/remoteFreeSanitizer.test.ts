import { removeRemoteResources } from '../../src/lab/remoteFreeSanitizer';

describe('removeRemoteResources', () => {
  it('drops every style attribute, with or without a URL in it', () => {
    const html = removeRemoteResources(
      '<div style="position:fixed;inset:0;z-index:99999;background:white">fake</div><p style="color:red">x</p>'
    );
    expect(html).toBe('<div>fake</div><p>x</p>');
  });

  it("keeps only the classes of the markdown renderer and code highlighting, and the sidebar's own links", () => {
    const html = removeRemoteResources(
      '<div class="jp-HoverBox">a</div>' +
        '<pre><code class="language-python jp-CodeInterpreter-approval"><span class="ͼ1a cm-keyword lm-Widget">def</span></code></pre>' +
        '<img src="https://host/a.png" alt="remote">'
    );
    expect(html).toBe(
      '<div>a</div><pre><code class="language-python"><span class="ͼ1a cm-keyword">def</span></code></pre>' +
        '<a href="https://host/a.png" title="https://host/a.png" class="jp-CodeInterpreter-remoteResource">remote</a>'
    );
  });

  it('removes command-linker attributes', () => {
    expect(removeRemoteResources('<button data-commandlinker-command="code-interpreter:ask">go</button>')).toBe(
      '<button>go</button>'
    );
  });
});
