// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { lookUp } from './allowlist';
import { scanString } from './literals';
import type { RiskKind, RiskList } from './risk';

/**
 * Take IPython's own syntax out of a cell before it is parsed as Python: cell magics (`%%bash`),
 * line magics (`%pip install x`, `x = %sx ls`), shell escapes (`!ls`, `x = !ls`) and the one-line
 * cells IPython runs as magics without their `%` (`env`, `cd ..`, `pip install x`).
 *
 * Each is recorded as a risk, unless it is one of the few magics that only time or show things
 * (`%matplotlib inline`, `%time expr`: the timed Python is kept and checked like the rest).
 *
 * @param code - the cell's source.
 * @param risks - where the risks found are recorded.
 * @returns the cell's Python, line for line (a magic's lines become `pass` or blank lines, so the
 *   rest keeps its line numbers and indentation).
 */
export function separateIPythonSyntax(code: string, risks: RiskList): string {
  const lines = code.replace(/\r\n?/g, '\n').split('\n');
  const first = lines.findIndex(text => text.trim() !== '');
  if (first >= 0 && lines[first].startsWith('%%')) {
    const [, name, args] = /^%%\s*(\S*)\s*(.*)$/.exec(lines[first].trimEnd()) ?? ['', '', ''];
    if (!Private.isPythonCellMagic(name, args)) {
      risks.add(Private.magicKind(name), first + 1, lines[first]);
      if (Private.SHELL_CELL_MAGICS.has(name)) {
        lines.forEach((text, index) => {
          if (index > first) {
            Private.shellRisks(text).forEach(kind => risks.add(kind, index + 1, text));
          }
        });
      }
      // The body is not Python: nothing is left to parse.
      return lines.map(() => '').join('\n');
    }
    lines[first] = '';
  }
  const python = Private.replaceMagicLines(lines, risks);
  const meaningful = python.map((text, index) => ({ text, index })).filter(({ text }) => text.trim() !== '');
  if (meaningful.length === 1 && meaningful[0].text === lines[meaningful[0].index]) {
    // A one-line cell: IPython runs `env` or `cd ..` as the magic of that name (automagic).
    const { text, index } = meaningful[0];
    const automagic = /^\s*([A-Za-z_]\w*)(?![\w.])(.*)$/.exec(text);
    if (automagic && lookUp(Private.LINE_MAGICS, automagic[1]) !== undefined && !/^\s*(=(?!=)|,)/.test(automagic[2])) {
      const body = Private.magicLine(automagic[1], automagic[2].replace(/#.*$/, ''), index + 1, text, risks);
      python[index] = body ?? '';
    }
  }
  return python.join('\n');
}

namespace Private {
  /**
   * What each of IPython's line magics (and its default shell aliases) does: a risk kind,
   * `allowed` for those that only show or time things, `python` for those whose argument is
   * Python to check. A magic not listed asks as `magic`.
   */
  export const LINE_MAGICS: Record<string, RiskKind | 'allowed' | 'python'> = {
    pip: 'install',
    conda: 'install',
    mamba: 'install',
    micromamba: 'install',
    uv: 'install',
    system: 'shell',
    sx: 'shell',
    sc: 'shell',
    ls: 'shell',
    cat: 'shell',
    cp: 'shell',
    mv: 'shell',
    rm: 'shell',
    rmdir: 'shell',
    mkdir: 'shell',
    clear: 'shell',
    less: 'shell',
    man: 'shell',
    more: 'shell',
    lf: 'shell',
    lk: 'shell',
    ll: 'shell',
    lx: 'shell',
    ldir: 'shell',
    alias: 'shell',
    rehashx: 'shell',
    killbgscripts: 'shell',
    save: 'files',
    store: 'files',
    logstart: 'files',
    logon: 'files',
    notebook: 'files',
    writefile: 'files',
    cd: 'outside-read',
    pushd: 'outside-read',
    popd: 'outside-read',
    bookmark: 'outside-read',
    dhist: 'outside-read',
    pycat: 'outside-read',
    env: 'environment',
    set_env: 'environment',
    pastebin: 'network',
    run: 'magic',
    load: 'magic',
    loadpy: 'magic',
    load_ext: 'magic',
    reload_ext: 'magic',
    unload_ext: 'magic',
    prun: 'magic',
    debug: 'magic',
    pdb: 'magic',
    macro: 'magic',
    rerun: 'magic',
    recall: 'magic',
    rep: 'magic',
    edit: 'magic',
    ed: 'magic',
    config: 'magic',
    gui: 'magic',
    pylab: 'magic',
    autocall: 'magic',
    automagic: 'magic',
    autoawait: 'magic',
    doctest_mode: 'magic',
    reset: 'magic',
    reset_selective: 'magic',
    xdel: 'magic',
    tb: 'magic',
    connect_info: 'magic',
    history: 'magic',
    hist: 'magic',
    alias_magic: 'magic',
    matplotlib: 'allowed',
    who: 'allowed',
    whos: 'allowed',
    who_ls: 'allowed',
    pwd: 'allowed',
    precision: 'allowed',
    pprint: 'allowed',
    xmode: 'allowed',
    lsmagic: 'allowed',
    quickref: 'allowed',
    magic: 'allowed',
    pinfo: 'allowed',
    pinfo2: 'allowed',
    pdef: 'allowed',
    pdoc: 'allowed',
    time: 'python',
    timeit: 'python'
  };

  /**
   * Cell magics whose body is shell script.
   */
  export const SHELL_CELL_MAGICS = new Set(['bash', 'sh', 'script', 'system', '!', 'sx', 'perl', 'ruby']);

  /**
   * The kind of risk of a magic that asks.
   */
  export function magicKind(name: string): RiskKind {
    if (SHELL_CELL_MAGICS.has(name) || /^(python[23]?|pypy)$/.test(name)) {
      return 'shell';
    }
    if (['javascript', 'js', 'html', 'svg', 'markdown', 'latex'].includes(name)) {
      return 'browser';
    }
    if (name === 'file') {
      return 'files';
    }
    const kind = lookUp(LINE_MAGICS, name);
    return kind === undefined || kind === 'allowed' || kind === 'python' ? 'magic' : kind;
  }

  /**
   * Whether a cell magic only times or captures its body, which is Python (`%%time`,
   * `%%timeit -n 10`, `%%capture out`). `%%timeit`'s setup code on the header line asks.
   */
  export function isPythonCellMagic(name: string, args: string): boolean {
    const options = /^(\s*(-[nrp]\s*\d+|-[qotc]|--no-(stdout|stderr|display)))*\s*$/;
    if (name === 'time' || name === 'timeit') {
      return options.test(args);
    }
    return name === 'capture' && /^(\s*(--no-(stdout|stderr|display)))*\s*(\w+)?\s*$/.test(args);
  }

  /**
   * Record the risks of one line magic, and return the Python it runs (`%time expr`), if any.
   */
  export function magicLine(name: string, args: string, line: number, text: string, risks: RiskList): string | null {
    const kind = lookUp(LINE_MAGICS, name) ?? 'magic';
    if (name === 'matplotlib' && !/^\s*[\w-]*\s*$/.test(args)) {
      risks.add('magic', line, text);
    } else if (kind === 'python') {
      const indent = /^\s*/.exec(text)?.[0] ?? '';
      return indent + args.replace(/^(\s*(-[nrp]\s*\d+|-[qotc]))*/, '').trim();
    } else if (kind !== 'allowed') {
      risks.add(kind, line, text);
      if (kind === 'shell') {
        shellRisks(args).forEach(found => risks.add(found, line, text));
      }
    }
    return null;
  }

  /**
   * What a shell command does besides running: installs, file changes, network, private places.
   */
  export function shellRisks(command: string): RiskKind[] {
    const kinds: RiskKind[] = [];
    if (
      /\b(pip3?|conda|mamba|micromamba|apt(-get)?|npm|uv|yum|brew)\s+(install|add|remove|uninstall)\b|-m\s+pip\b/.test(
        command
      )
    ) {
      kinds.push('install');
    }
    if (/\b(rm|mv|cp|dd|truncate|shred|chmod|chown|mkdir|rmdir|touch|ln|tee)\s|>/.test(command)) {
      kinds.push('files');
    }
    if (/(^|[\s;|&(`])(curl|wget|ssh|scp|rsync|nc|ftp|sftp|git\s+(clone|pull|push|fetch))\b/.test(command)) {
      kinds.push('network');
    }
    if (/\$\{?\w|\b(env|printenv|export)\b/.test(command)) {
      kinds.push('environment');
    }
    return [...kinds, ...scanString(command)];
  }

  /**
   * Replace the magic and shell-escape lines of a cell by `pass` (their continuation lines by
   * blank lines), recording their risks. Only lines that begin a logical line count: a `%` or `!`
   * inside brackets or a triple-quoted string is Python's.
   */
  export function replaceMagicLines(lines: string[], risks: RiskList): string[] {
    const out: string[] = [];
    let state: IScanState = { quote: null, depth: 0, continued: false };
    let magicContinues = false;
    lines.forEach((text, index) => {
      if (magicContinues) {
        magicContinues = text.endsWith('\\');
        out.push('');
        return;
      }
      const startsLogicalLine = state.quote === null && state.depth === 0 && !state.continued;
      const escape = startsLogicalLine ? /^(\s*)(?:[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*)?([!%])(.*)$/.exec(text) : null;
      if (!escape) {
        state = scanLine(text, state);
        out.push(text);
        return;
      }
      const [, indent, sigil, rest] = escape;
      magicContinues = text.endsWith('\\');
      let python: string | null = null;
      if (sigil === '!') {
        risks.add('shell', index + 1, text);
        shellRisks(rest).forEach(kind => risks.add(kind, index + 1, text));
      } else {
        const [, name, args] = /^%?\s*(\S*)(.*)$/.exec(rest) ?? ['', '', ''];
        python = magicLine(name, args, index + 1, text, risks);
      }
      out.push(python ?? indent + 'pass');
    });
    return out;
  }

  /**
   * Where a line of Python leaves the scanner: inside a triple-quoted string, inside brackets,
   * or continued by a backslash.
   */
  interface IScanState {
    quote: string | null;
    depth: number;
    continued: boolean;
  }

  /**
   * Scan one line of Python (strings, comments, brackets) from the state the previous line left.
   */
  function scanLine(text: string, start: IScanState): IScanState {
    let { quote, depth } = start;
    let i = 0;
    while (i < text.length) {
      const ch = text[i];
      if (quote) {
        if (ch === '\\') {
          i += 2;
        } else if (text.startsWith(quote, i)) {
          i += quote.length;
          quote = null;
        } else {
          i += 1;
        }
        continue;
      }
      if (ch === '#') {
        break;
      }
      if (ch === '"' || ch === "'") {
        quote = text.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
        i += quote.length;
        continue;
      }
      if ('([{'.includes(ch)) {
        depth += 1;
      } else if (')]}'.includes(ch)) {
        depth = Math.max(0, depth - 1);
      }
      i += 1;
    }
    const continued = text.endsWith('\\') && !/#/.test(text.replace(/(['"]).*?\1/g, ''));
    // A single-quoted string ends with its line (unless continued by a backslash).
    if (quote && quote.length === 1 && !text.endsWith('\\')) {
      quote = null;
    }
    return { quote, depth, continued };
  }
}
