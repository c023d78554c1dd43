// The parts of the bench that decide what a number means: chunk attribution of the
// labextension build and the percentiles. (Timings themselves are never asserted in tests.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { measureBundle } from '../../bench/bundleSize';
import { median, percentile, summarise } from '../../bench/support/statistics';

describe('measureBundle', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  // The shape webpack's module federation writes: exposed modules, the package's own share
  // registration, a shared vendor package with its fallback chunk, and a chunk nothing loads.
  const container =
    'var _JUPYTERLAB;(()=>{"use strict";var e={962(e,t,r){const n={"./index":()=>r.e(283).then(()=>()=>r(283)),' +
    '"./extension":()=>r.e(283).then(()=>()=>r(283)),"./style":()=>r.e(443).then(()=>()=>r(443))}}};' +
    'return"default"===n&&(s("my-extension","0.1.0",()=>r.e(283).then(()=>()=>r(283))),' +
    's("openai","6.49.0",()=>Promise.all([r.e(937),r.e(12)]).then(()=>()=>r(937))));' +
    'h={365:()=>f("default","openai",!1,[2,6,49,0],()=>r.e(937).then(()=>()=>r(937)))}})();';

  it('tells own chunks from vendor fallbacks and lazy chunks, and finds tiktoken ranks', () => {
    writeFileSync(join(dir, 'remoteEntry.abc.js'), container);
    writeFileSync(join(dir, '283.a.js'), 'own code '.repeat(100));
    writeFileSync(join(dir, '443.b.js'), '.css{}');
    writeFileSync(join(dir, '937.c.js'), 'openai '.repeat(100));
    writeFileSync(join(dir, '12.d.js'), 'openai helper');
    writeFileSync(join(dir, '77.e.js'), '{"pat_str":"x","bpe_ranks":"! \\" # $"}');
    writeFileSync(join(dir, '78.f.js'), 'some other lazy code');
    writeFileSync(join(dir, 'third-party-licenses.json'), '[]');

    const result = measureBundle(dir, 'my-extension');
    const kinds = Object.fromEntries(
      result.chunks.map(chunk => [chunk.file, [chunk.kind, chunk.packages.join(','), chunk.tiktoken]])
    );
    expect(kinds).toEqual({
      'remoteEntry.abc.js': ['own', '', false],
      '283.a.js': ['own', '', false],
      '443.b.js': ['own', '', false],
      '937.c.js': ['vendor', 'openai', false],
      '12.d.js': ['vendor', 'openai', false],
      '77.e.js': ['lazy', '', true],
      '78.f.js': ['lazy', '', false],
      'third-party-licenses.json': ['other', '', false]
    });
    const gzip = (file: string) => result.chunks.find(chunk => chunk.file === file)?.gzipBytes ?? NaN;
    expect(result.ownGzip).toBe(gzip('remoteEntry.abc.js') + gzip('283.a.js') + gzip('443.b.js'));
    expect(result.vendorGzip).toBe(gzip('937.c.js') + gzip('12.d.js'));
    expect(result.tiktokenGzip).toBe(gzip('77.e.js'));
    expect(result.lazyGzip).toBe(gzip('77.e.js') + gzip('78.f.js'));
  });

  it('says to build the labextension when there is no container', () => {
    writeFileSync(join(dir, '283.a.js'), 'code');
    expect(() => measureBundle(dir, 'my-extension')).toThrow(/build the labextension/);
  });
});

describe('statistics', () => {
  it('takes nearest-rank percentiles, whatever the order of the samples', () => {
    const values = [9, 1, 8, 2, 7, 3, 6, 4, 5, 10];
    expect(median(values)).toBe(5);
    expect(percentile(values, 0.95)).toBe(10);
    expect(percentile(values, 0.9)).toBe(9);
    expect(percentile([], 0.5)).toBeNaN();
    expect(summarise(values)).toEqual({ count: 10, median: 5, p95: 10, min: 1, mean: 5.5 });
  });
});
