// Figure 5: the gzipped size of the built labextension, our own code apart from vendor chunks.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * What a file of the build is.
 *
 * - `own`: the container (remoteEntry) and the chunks of the modules the extension exposes
 *   (`./index`, `./extension`, `./style`) or registers under its own package name.
 * - `vendor`: the fallback chunk of a shared package the extension brings (JupyterLab loads it
 *   unless another extension already shares the package); `packages` names them.
 * - `lazy`: a chunk no entry point loads at start (a dynamic import); `tiktoken` when it holds
 *   the ranks of a js-tiktoken encoding.
 * - `other`: files that are not code the browser runs (licences).
 */
export type ChunkKind = 'own' | 'vendor' | 'lazy' | 'other';

export interface IChunk {
  file: string;
  kind: ChunkKind;
  packages: string[];
  tiktoken: boolean;
  bytes: number;
  gzipBytes: number;
}

export interface IBundleResult {
  staticDir: string;
  builtAt: string;
  chunks: IChunk[];
  ownGzip: number;
  vendorGzip: number;
  lazyGzip: number;
  tiktokenGzip: number | null;
  startupGzip: number;
}

/**
 * Measure the labextension's static files; which chunk is what comes from the module-federation
 * container (remoteEntry): its exposed modules and its shared-package registrations each name
 * the chunks they load.
 *
 * @param staticDir - jupyterlab_code_interpreter/labextension/static.
 * @param ownPackage - the npm package name of the extension.
 * @returns one row per file and the totals.
 * @throws when the folder has no remoteEntry (the labextension is not built).
 */
export function measureBundle(staticDir: string, ownPackage: string): IBundleResult {
  const files = readdirSync(staticDir).filter(file => statSync(join(staticDir, file)).isFile());
  const remoteEntry = files.find(file => file.startsWith('remoteEntry.') && file.endsWith('.js'));
  if (!remoteEntry) {
    throw new Error(`${staticDir} has no remoteEntry.*.js: build the labextension first (npm run build:prod)`);
  }
  const container = readFileSync(join(staticDir, remoteEntry), 'utf8');
  const loaders = Private.loaders(container);
  const chunks: IChunk[] = files.map(file => {
    const content = readFileSync(join(staticDir, file));
    const id = file.split('.')[0];
    const names = loaders.get(id) ?? [];
    const packages = [...new Set(names.filter(name => !name.startsWith('./') && name !== ownPackage))];
    const isOwn =
      file === remoteEntry || file === 'style.js' || names.some(name => name.startsWith('./') || name === ownPackage);
    const text = file.endsWith('.js') ? content.toString('utf8') : '';
    const kind: ChunkKind = !file.endsWith('.js') ? 'other' : isOwn ? 'own' : packages.length ? 'vendor' : 'lazy';
    return {
      file,
      kind,
      packages,
      // The ranks are one long base64 text of the BPE merges, with the encoding's pattern.
      tiktoken: kind === 'lazy' && /pat_str|bpe_ranks/.test(text),
      bytes: content.length,
      gzipBytes: gzipSync(content).length
    };
  });
  const sum = (select: (chunk: IChunk) => boolean) =>
    chunks.filter(select).reduce((total, chunk) => total + chunk.gzipBytes, 0);
  const tiktoken = chunks.filter(chunk => chunk.tiktoken);
  return {
    staticDir,
    builtAt: statSync(join(staticDir, remoteEntry)).mtime.toISOString(),
    chunks,
    ownGzip: sum(chunk => chunk.kind === 'own'),
    vendorGzip: sum(chunk => chunk.kind === 'vendor'),
    lazyGzip: sum(chunk => chunk.kind === 'lazy'),
    tiktokenGzip: tiktoken.length ? tiktoken.reduce((total, chunk) => total + chunk.gzipBytes, 0) : null,
    startupGzip: sum(chunk => chunk.kind === 'own' || chunk.kind === 'vendor')
  };
}

namespace Private {
  /**
   * Chunk id -> the names that load it: `./index` style exposed modules and shared package names.
   * Webpack writes each loader as `"<name>"...()=>r.e(<id>)` or `()=>Promise.all([r.e(<a>),r.e(<b>)])`,
   * the name being the last quoted string before the arrow that is not a share scope or version.
   */
  export function loaders(container: string): Map<string, string[]> {
    const byChunk = new Map<string, string[]>();
    const arrow = /\(\)=>\s*(Promise\.all\(\[[^\]]*\]\)|[\w$]+\.e\(\d+\))/g;
    for (const match of container.matchAll(arrow)) {
      const before = container.slice(Math.max(0, (match.index ?? 0) - 160), match.index);
      const quoted = [...before.matchAll(/"([^"]+)"/g)].map(found => found[1]);
      const name = quoted.reverse().find(text => text !== 'default' && !/^\d/.test(text));
      if (!name) {
        continue;
      }
      for (const id of match[1].matchAll(/\.e\((\d+)\)/g)) {
        const names = byChunk.get(id[1]) ?? [];
        names.push(name);
        byChunk.set(id[1], names);
      }
    }
    return byChunk;
  }
}
