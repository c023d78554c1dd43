// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

/**
 * What makes a piece of code worth a person's approval before it runs.
 *
 * - `install`: installs or removes packages (pip, conda, %pip...).
 * - `shell`: runs shell commands (`!cmd`, `%%bash`, subprocess, os.system...).
 * - `files`: deletes, moves or overwrites files (os.remove, shutil.rmtree, open(..., 'w')...).
 * - `network`: opens network connections (requests, urllib, socket, httpx, URLs...).
 */
export type RiskKind = 'install' | 'shell' | 'files' | 'network';

/**
 * One reason a piece of code is risky.
 */
export interface IRisk {
  /**
   * The kind of risk.
   */
  kind: RiskKind;

  /**
   * The 1-based line where it was found.
   */
  line: number;

  /**
   * What was found, in a few words (e.g. `shutil.rmtree`).
   */
  match: string;
}

/**
 * Find what in Python (IPython) code installs packages, runs shell commands, deletes or
 * overwrites files, or opens network connections.
 *
 * This is a conservative lexical check, not a sandbox: comments are ignored, string contents are
 * not (a URL literal or a mode `'w'` matters). It errs on the side of asking.
 *
 * @param code - the cell's source.
 * @returns the risks found, in source order (empty when none).
 */
export function findRisks(code: string): IRisk[] {
  const risks: IRisk[] = [];
  const lines = Private.stripComments(code).split('\n');
  let cellMagicShell = false;
  lines.forEach((text, index) => {
    const line = index + 1;
    const add = (kind: RiskKind, match: string) => {
      if (!risks.some(risk => risk.kind === kind && risk.line === line)) {
        risks.push({ kind, line, match: match.trim() });
      }
    };
    const cellMagic = /^\s*%%\s*(bash|sh|script|system|!|sx|writefile|file|perl|ruby)\b/.exec(text);
    if (index === 0 && cellMagic) {
      // A shell cell magic makes the whole cell a shell script.
      cellMagicShell = !/writefile|file/.test(cellMagic[1]);
      add(/writefile|file/.test(cellMagic[1]) ? 'files' : 'shell', cellMagic[0]);
    }
    for (const rule of Private.RULES) {
      const found = rule.pattern.exec(text);
      if (found) {
        add(rule.kind, found[0]);
      }
    }
    if (cellMagicShell && index > 0) {
      const installs = /\b(pip3?|conda|mamba|micromamba|apt(-get)?|npm|uv)\s+(install|add|remove|uninstall)\b/.exec(
        text
      );
      if (installs) {
        add('install', installs[0]);
      }
      if (/\b(rm|mv|dd|truncate|shred)\s/.test(text) || />/.test(text)) {
        add('files', text);
      }
      if (/\b(curl|wget|ssh|scp|rsync|nc|git\s+(clone|pull|push|fetch))\b/.test(text)) {
        add('network', text);
      }
    }
    for (const match of Private.writingOpens(text)) {
      add('files', match);
    }
  });
  return risks.sort((a, b) => a.line - b.line);
}

/**
 * Whether code does anything {@link findRisks} reports.
 *
 * @param code - the cell's source.
 * @returns `true` when at least one risk was found.
 */
export function isRiskyCode(code: string): boolean {
  return findRisks(code).length > 0;
}

/**
 * A short human description of a risk kind, for the approval prompt.
 *
 * @param kind - the kind.
 * @returns e.g. `installs packages`.
 */
export function describeRiskKind(kind: RiskKind): string {
  switch (kind) {
    case 'install':
      return 'installs packages';
    case 'shell':
      return 'runs shell commands';
    case 'files':
      return 'deletes or overwrites files';
    case 'network':
      return 'opens network connections';
  }
}

namespace Private {
  /**
   * A pattern matched against each line (comments removed).
   */
  export interface IRule {
    kind: RiskKind;
    pattern: RegExp;
  }

  const NETWORK_MODULES =
    'requests|urllib|urllib2|urllib3|http\\.client|httplib|socket|httpx|aiohttp|ftplib|smtplib|poplib|imaplib|telnetlib|paramiko|websocket|websockets|pycurl|xmlrpc\\.client';

  export const RULES: IRule[] = [
    // Packages.
    { kind: 'install', pattern: /^\s*[%!]\s*(pip3?|conda|mamba|micromamba|uv)\b.*/ },
    { kind: 'install', pattern: /^\s*%\s*(pip|conda|mamba)\b.*/ },
    { kind: 'install', pattern: /\b(pip3?|conda|mamba|micromamba|apt(-get)?|uv)\s+(install|uninstall|remove|add)\b/ },
    { kind: 'install', pattern: /-m\s+pip\b|["']-m["']\s*,\s*["']pip["']|\bpip\.main\s*\(|\bpipmain\s*\(/ },
    // Shell.
    { kind: 'shell', pattern: /^\s*(\w+\s*=\s*)?!!?\s*\S.*/ },
    { kind: 'shell', pattern: /^\s*%\s*(system|sx|sc)\b.*/ },
    {
      kind: 'shell',
      pattern:
        /\bsubprocess\b|\bos\s*\.\s*(system|popen|exec\w*|spawn\w*|posix_spawn\w*|fork\w*|kill\w*)\s*\(|\bpty\s*\.\s*spawn\b|\bcreate_subprocess_(exec|shell)\b|\bcommands\s*\.\s*getoutput\b|\bsh\s*\.\s*\w+\s*\(|\bpexpect\b/
    },
    // Files.
    {
      kind: 'files',
      pattern:
        /\b(os|shutil|send2trash)\s*\.\s*(remove|unlink|rmdir|removedirs|rmtree|rename|renames|replace|move|copy|copy2|copyfile|copytree|truncate|send2trash)\s*\(/
    },
    {
      kind: 'files',
      pattern: /\.\s*(unlink|rmdir|write_text|write_bytes|touch|symlink_to|hardlink_to)\s*\(/
    },
    { kind: 'files', pattern: /\bos\s*\.\s*open\s*\([^)]*O_(WRONLY|RDWR|CREAT|TRUNC|APPEND)/ },
    {
      kind: 'files',
      pattern: /\.\s*to_(csv|excel|parquet|feather|pickle|hdf|sql|stata|orc|json|html|latex|markdown|xml)\s*\(\s*[^)\s]/
    },
    {
      kind: 'files',
      pattern: /\b(np|numpy)\s*\.\s*(save|savez|savez_compressed|savetxt)\s*\(|\bjoblib\s*\.\s*dump\s*\(/
    },
    // Imports that bring the same functions in under other names, and dynamic code that could
    // hide any of them: asked about rather than guessed at.
    {
      kind: 'shell',
      pattern:
        /^\s*from\s+(os|subprocess|pty|pexpect|sh)\s+import\b.*\b(system|popen|exec\w*|spawn\w*|run|call|check_\w+|Popen|getoutput|fork\w*|kill\w*)\b.*/
    },
    {
      kind: 'shell',
      pattern: /\b__import__\s*\(|\bimportlib\b|(?<![.\w])(eval|exec)\s*\(|\bgetattr\s*\(\s*(os|shutil|subprocess)\b/
    },
    {
      kind: 'files',
      pattern:
        /^\s*from\s+(os|shutil|send2trash)\s+import\b.*\b(remove|unlink|rmdir|removedirs|rmtree|rename|renames|replace|move|copy\w*|truncate|send2trash)\b.*/
    },
    // Network.
    { kind: 'network', pattern: new RegExp(`^\\s*(import|from)\\s+(${NETWORK_MODULES})\\b.*`) },
    { kind: 'network', pattern: new RegExp(`^\\s*import\\s+.*,\\s*(${NETWORK_MODULES})\\b.*`) },
    { kind: 'network', pattern: new RegExp(`(?<![.\\w])(${NETWORK_MODULES})\\s*\\.\\s*\\w+`) },
    { kind: 'network', pattern: /\burlopen\s*\(|\burlretrieve\s*\(|\bcreate_connection\s*\(/ },
    { kind: 'network', pattern: /(^|[^\w])[rRbBuUfF]{0,2}["'](https?|ftp|wss?|s3|gs):\/\/[^"'\s]*/ },
    { kind: 'network', pattern: /^\s*!.*\b(curl|wget|ssh|scp|rsync|git\s+(clone|pull|push|fetch))\b.*/ }
  ];

  /**
   * The text of the code with every comment removed (string literals kept, line breaks kept).
   */
  export function stripComments(code: string): string {
    let out = '';
    let i = 0;
    let quote: string | null = null;
    while (i < code.length) {
      const ch = code[i];
      if (quote) {
        if (ch === '\\') {
          out += code.slice(i, i + 2);
          i += 2;
          continue;
        }
        if (code.startsWith(quote, i)) {
          out += quote;
          i += quote.length;
          quote = null;
          continue;
        }
        if (ch === '\n' && quote.length === 1) {
          // An unterminated single-quoted string ends at the line break.
          quote = null;
        }
        out += ch;
        i += 1;
        continue;
      }
      if (ch === '#') {
        while (i < code.length && code[i] !== '\n') {
          i += 1;
        }
        continue;
      }
      if (ch === '"' || ch === "'") {
        quote = code.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
        out += quote;
        i += quote.length;
        continue;
      }
      out += ch;
      i += 1;
    }
    return out;
  }

  /**
   * The `open(...)` calls of a line that write: a mode with `w`, `a`, `x` or `+`.
   */
  export function writingOpens(line: string): string[] {
    const found: string[] = [];
    const opener = /(\.)?\bopen\s*\(/g;
    let match: RegExpExecArray | null;
    while ((match = opener.exec(line))) {
      const args = splitArguments(line, match.index + match[0].length);
      const isMethod = !!match[1];
      const positional = args.filter(arg => !/^\w+\s*=/.test(arg));
      const keyword = args.find(arg => /^mode\s*=/.test(arg))?.replace(/^mode\s*=\s*/, '');
      // `Path(p).open('w')` takes the mode first; `open(p, 'w')` and `io.open(p, 'w')` second.
      const candidates = [keyword, isMethod ? positional[0] : undefined, positional[1]];
      if (candidates.some(arg => arg !== undefined && isWritingMode(arg))) {
        found.push(line.slice(match.index, match.index + match[0].length + args.join(', ').length + 1));
      }
    }
    return found;
  }

  /**
   * Whether an argument is a string literal mode that writes.
   */
  function isWritingMode(arg: string): boolean {
    const literal = /^[rRbBuU]?(["'])([a-zA-Z+]*)\1$/.exec(arg.trim());
    return !!literal && /[wax+]/.test(literal[2]);
  }

  /**
   * The top-level, comma-separated arguments of a call whose text starts at `start` (just after
   * its opening parenthesis), up to its closing parenthesis or the end of the line.
   */
  function splitArguments(line: string, start: number): string[] {
    const args: string[] = [];
    let depth = 0;
    let current = '';
    let quote: string | null = null;
    for (let i = start; i < line.length; i++) {
      const ch = line[i];
      if (quote) {
        current += ch;
        if (ch === '\\') {
          current += line[i + 1] ?? '';
          i += 1;
        } else if (ch === quote) {
          quote = null;
        }
        continue;
      }
      if (ch === '"' || ch === "'") {
        quote = ch;
        current += ch;
      } else if ('([{'.includes(ch)) {
        depth += 1;
        current += ch;
      } else if (')]}'.includes(ch)) {
        if (depth === 0) {
          break;
        }
        depth -= 1;
        current += ch;
      } else if (ch === ',' && depth === 0) {
        args.push(current.trim());
        current = '';
      } else {
        current += ch;
      }
    }
    if (current.trim()) {
      args.push(current.trim());
    }
    return args;
  }
}
