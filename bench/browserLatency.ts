// Figure 6: in a real JupyterLab in Chromium, the time from a streamed token arriving in the
// page to its appearing (and being painted) in the sidebar.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Page } from 'playwright-core';

import { freeLoopbackPort } from '../src/node/loopbackPort';
import {
  ScriptedModelServer,
  lastUserMessageText,
  type IRecordedRequest,
  type ScriptedReply
} from '../test/support/scriptedModelServer';
import { CHROMIUM_ARGS } from '../ui-tests/chromiumArgs';
import { summarise, type ISummary } from './support/statistics';

/**
 * The result of the browser figure (milliseconds, over every token of the measured turns).
 */
export interface IBrowserLatencyResult {
  /** Arrival of the network chunk holding the token -> the token in the sidebar's DOM. */
  toDom: ISummary;
  /** Arrival -> the first frame after it reached the DOM (painted). */
  toPaint: ISummary;
  /** Baseline: arrival -> painted, for the same token written at once into a bare element. */
  baselineToPaint: ISummary;
  /** Time between two tokens' arrivals (the model sends one every `intervalMs`). */
  interArrival: ISummary;
  tokens: number;
  turns: number;
  intervalMs: number;
}

/**
 * Start JupyterLab with the extension (the UI tests' server configuration), the scripted model
 * behind the server's proxy, and Debian's Chromium; stream answers of numbered tokens and time
 * each token from the page's network read to the sidebar.
 *
 * @param options - the Python, the repository root, the Chromium and the turns to measure
 *   (after one warm-up turn).
 * @param log - progress lines.
 * @returns the latencies.
 * @throws when JupyterLab or Chromium cannot start.
 */
export async function measureBrowserLatency(
  options: { python: string; root: string; chromium: string; turns: number; tokensPerTurn: number; intervalMs: number },
  log: (line: string) => void
): Promise<IBrowserLatencyResult> {
  const model = await ScriptedModelServer.start({
    script: request => Private.reply(request, options.tokensPerTurn, options.intervalMs),
    apiKey: 'bench-model-key'
  });
  const work = mkdtempSync(join(tmpdir(), 'bench-browser-'));
  let lab: ChildProcess | undefined;
  let closeBrowser: (() => Promise<void>) | undefined;
  try {
    const port = await freeLoopbackPort();
    const token = 'bench-token';
    lab = spawn(
      options.python,
      ['-m', 'jupyterlab', '--config', join(options.root, 'ui-tests', 'jupyter_server_test_config.py')],
      {
        cwd: options.root,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          JUPYTER_PORT: String(port),
          JUPYTER_TOKEN: token,
          JUPYTERLAB_GALATA_ROOT_DIR: join(work, 'root'),
          JUPYTER_CONFIG_DIR: join(work, 'config'),
          JUPYTER_PLATFORM_DIRS: '1',
          OPENAI_BASE_URL: model.baseUrl,
          OPENAI_API_KEY: 'bench-model-key',
          CODE_INTERPRETER_MODEL: 'scripted-model'
        }
      }
    );
    let labLog = '';
    lab.stderr?.setEncoding('utf8');
    lab.stderr?.on('data', (chunk: string) => (labLog = (labLog + chunk).slice(-5000)));
    rmSync(join(work, 'root'), { recursive: true, force: true });
    await import('node:fs').then(fs => fs.mkdirSync(join(work, 'root')));
    const url = `http://127.0.0.1:${port}/`;
    await Private.waitFor(url, token, lab, () => labLog);
    log(`browser: JupyterLab on ${url}`);

    const { chromium } = await import('playwright-core');
    const context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: options.chromium,
      headless: true,
      viewport: { width: 1400, height: 850 },
      args: CHROMIUM_ARGS
    });
    closeBrowser = () => context.close();
    await context.addInitScript(Private.instrument);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${url}lab?token=${token}`);
    await page.waitForFunction(
      () => {
        const app = (window as unknown as { jupyterapp?: { commands: { hasCommand(id: string): boolean } } })
          .jupyterapp;
        return !!app && app.commands.hasCommand('code-interpreter:ask');
      },
      undefined,
      { timeout: 120_000 }
    );
    log('browser: JupyterLab loaded in Chromium');

    const toDom: number[] = [];
    const toPaint: number[] = [];
    const baseline: number[] = [];
    const gaps: number[] = [];
    for (let turn = 0; turn <= options.turns; turn++) {
      const samples = await Private.turn(page, `Stream latency turn ${turn}`);
      if (samples.missing) {
        throw new Error(`turn ${turn}: ${samples.missing} tokens never appeared in the sidebar`);
      }
      if (turn === 0) {
        log(`browser: warm-up turn, ${samples.toDom.length} tokens`);
        continue;
      }
      toDom.push(...samples.toDom);
      toPaint.push(...samples.toPaint);
      baseline.push(...samples.baseline);
      gaps.push(...samples.gaps);
      log(
        `browser: turn ${turn}: ${samples.toDom.length} tokens, median to DOM ${summarise(samples.toDom).median.toFixed(1)} ms`
      );
    }
    return {
      toDom: summarise(toDom),
      toPaint: summarise(toPaint),
      baselineToPaint: summarise(baseline),
      interArrival: summarise(gaps),
      tokens: toDom.length,
      turns: options.turns,
      intervalMs: options.intervalMs
    };
  } finally {
    await closeBrowser?.().catch(() => undefined);
    if (lab && lab.exitCode === null && lab.signalCode === null) {
      const exited = new Promise<void>(resolve => lab?.once('exit', () => resolve()));
      lab.kill('SIGTERM');
      const forced = setTimeout(() => lab?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(forced);
    }
    await model.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

namespace Private {
  /**
   * Markers `w010000 w010001 ...` (turn, then index), one a chunk, so that each is one streamed
   * token and no turn's marker is found in an earlier turn's answer.
   */
  export function marker(turn: number, index: number): string {
    return `w${String(turn % 100).padStart(2, '0')}${String(index).padStart(4, '0')}`;
  }

  export function reply(request: IRecordedRequest, tokens: number, intervalMs: number): ScriptedReply {
    const turn = Number(/turn (\d+)/.exec(lastUserMessageText(request.body))?.[1] ?? 0);
    const words = Array.from({ length: tokens }, (_, i) => `${marker(turn, i)} `).join('');
    return { kind: 'text', content: words, chunkSize: 8, delayMs: intervalMs };
  }

  /**
   * Runs in the page before JupyterLab: notes when each marker arrives from the network (a chunk
   * of the response body handed over), writes it at once into a bare element (the baseline), and
   * watches the sidebar's answers for markers; each time is followed to the next frame.
   */
  export function instrument(): void {
    interface IBench {
      arrived: Map<string, number>;
      inDom: Map<string, number>;
      painted: Map<string, number>;
      baselinePainted: Map<string, number>;
    }
    const bench: IBench = { arrived: new Map(), inDom: new Map(), painted: new Map(), baselinePainted: new Map() };
    (window as unknown as { __bench: IBench }).__bench = bench;
    const pattern = /w\d{6}/g;
    // After the next frame has been produced: rAF runs before the paint, a message after it.
    const afterPaint = (done: (time: number) => void) =>
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => done(performance.now());
        channel.port2.postMessage(null);
      });
    let baselineElement: HTMLElement | null = null;
    const note = (chunk: Uint8Array, decoder: TextDecoder) => {
      const now = performance.now();
      const text = decoder.decode(chunk, { stream: true });
      const fresh = [...text.matchAll(pattern)].map(match => match[0]).filter(word => !bench.arrived.has(word));
      if (!fresh.length) {
        return;
      }
      for (const word of fresh) {
        bench.arrived.set(word, now);
      }
      if (!baselineElement) {
        baselineElement = document.createElement('div');
        baselineElement.style.cssText = 'position:fixed;left:0;bottom:0;font-size:10px;z-index:10000';
        document.body.appendChild(baselineElement);
      }
      baselineElement.textContent = fresh.join(' ');
      afterPaint(time => fresh.forEach(word => bench.baselinePainted.set(word, time)));
    };
    // The model's answers pass through a transform that notes each chunk as the network hands
    // it over, before the openai SDK parses it.
    const originalFetch = window.fetch;
    window.fetch = async function (this: unknown, ...args: Parameters<typeof fetch>) {
      const response = await originalFetch.apply(this, args);
      const input = args[0];
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (!url.includes('/chat/completions') || !response.body) {
        return response;
      }
      const decoder = new TextDecoder();
      const tap = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          note(chunk, decoder);
          controller.enqueue(chunk);
        }
      });
      return new Response(response.body.pipeThrough(tap), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers
      });
    } as typeof fetch;
    const observer = new MutationObserver(() => {
      const now = performance.now();
      const answers = document.querySelectorAll('#jp-code-interpreter .jp-CodeInterpreter-assistant');
      const last = answers[answers.length - 1];
      if (!last) {
        return;
      }
      const fresh = [...(last.textContent ?? '').matchAll(pattern)]
        .map(match => match[0])
        .filter(word => !bench.inDom.has(word));
      if (fresh.length) {
        for (const word of fresh) {
          bench.inDom.set(word, now);
        }
        afterPaint(time => fresh.forEach(word => bench.painted.set(word, time)));
      }
    });
    const start = () => observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    if (document.body) {
      start();
    } else {
      document.addEventListener('DOMContentLoaded', start);
    }
  }

  /**
   * Ask once and read the times of this turn's markers.
   */
  export async function turn(
    page: Page,
    prompt: string
  ): Promise<{ toDom: number[]; toPaint: number[]; baseline: number[]; gaps: number[]; missing: number }> {
    await page.evaluate(() => {
      const bench = (window as unknown as { __bench: Record<string, Map<string, number>> }).__bench;
      Object.values(bench).forEach(map => map.clear());
    });
    const result = await page.evaluate(
      text =>
        (
          window as unknown as { jupyterapp: { commands: { execute(id: string, args: object): Promise<unknown> } } }
        ).jupyterapp.commands.execute('code-interpreter:ask', { prompt: text }) as Promise<{
          outcome: string;
          reason?: string;
        }>,
      prompt
    );
    if (result.outcome !== 'completed') {
      throw new Error(`the turn ended as ${result.outcome}: ${result.reason ?? ''}`);
    }
    // The final render happens when the answer completes; give the last frame time to land.
    await page.waitForTimeout(500);
    return page.evaluate(() => {
      const bench = (window as unknown as { __bench: Record<string, Map<string, number>> }).__bench;
      const toDom: number[] = [];
      const toPaint: number[] = [];
      const baseline: number[] = [];
      const arrivals: number[] = [];
      let missing = 0;
      for (const [word, arrived] of bench.arrived) {
        const inDom = bench.inDom.get(word);
        const painted = bench.painted.get(word);
        const base = bench.baselinePainted.get(word);
        arrivals.push(arrived);
        if (inDom === undefined || painted === undefined) {
          missing++;
          continue;
        }
        toDom.push(inDom - arrived);
        toPaint.push(painted - arrived);
        if (base !== undefined) {
          baseline.push(base - arrived);
        }
      }
      arrivals.sort((a, b) => a - b);
      const gaps = arrivals.slice(1).map((time, i) => time - arrivals[i]);
      return { toDom, toPaint, baseline, gaps, missing };
    });
  }

  export async function waitFor(url: string, token: string, lab: ChildProcess, log: () => string): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (lab.exitCode !== null) {
        throw new Error(`JupyterLab exited with code ${lab.exitCode}\n${log()}`);
      }
      try {
        const response = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } });
        if (response.ok) {
          return;
        }
      } catch {
        // Not listening yet.
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    throw new Error(`JupyterLab did not answer in 120 s\n${log()}`);
  }
}
