// The browser tests' bundles: the program's page and worker entries through esbuild
// (--bundle --platform=browser --format=esm, nothing else), and the Vite app through `vite build`
// with Vite's default config (vite is the examples' dev dependency).
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = new URL('..', import.meta.url).pathname;
const repo = new URL('../../..', import.meta.url).pathname;

/** One bundle's size: bytes, and gzipped bytes. */
export interface BundleSize { file: string; bytes: number; gzipped: number }

function sizeOf(file: string): BundleSize {
  const b = readFileSync(file);
  return { file, bytes: b.length, gzipped: gzipSync(b).length };
}

/**
 * Bundles program/pageMain.ts and program/workerMain.ts into `out` as main.js and worker.js, and
 * writes main.html (the program on the page) and worker.html (the program in a Worker, started
 * with the options in the page's `?` JSON).
 */
export async function esbuildBundles(out: string): Promise<BundleSize[]> {
  await build({
    entryPoints: { main: join(here, 'program/pageMain.ts'), worker: join(here, 'program/workerMain.ts') },
    bundle: true, platform: 'browser', format: 'esm', outdir: out, logLevel: 'warning',
  });
  writeFileSync(join(out, 'main.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="./main.js"></script>\n');
  writeFileSync(join(out, 'worker.html'), `<!doctype html><meta charset="utf-8"><script type="module">
const options = JSON.parse(decodeURIComponent(location.search.slice(1)) || '{}');
globalThis.__tapegrad = new Promise((resolve, reject) => {
  const w = new Worker('./worker.js', { type: 'module' });
  w.onmessage = (e) => (e.data.error === undefined ? resolve(e.data.result) : reject(new Error(e.data.error)));
  w.onerror = (e) => reject(new Error(e.message));
  w.postMessage(options);
});
</script>
`);
  return [sizeOf(join(out, 'main.js')), sizeOf(join(out, 'worker.js'))];
}

interface Vite {
  build(config: { root: string; configFile: false; logLevel: 'warn'; build: { outDir: string; emptyOutDir: boolean } }): Promise<unknown>;
}

/** `vite build` of vite-app/ into `out`, Vite's defaults otherwise; returns its JavaScript files' sizes. */
export async function viteBuild(out: string): Promise<BundleSize[]> {
  const entry = createRequire(join(repo, 'examples/package.json')).resolve('vite');
  const vite = (await import(pathToFileURL(entry).href)) as Vite;
  await vite.build({ root: join(here, 'vite-app'), configFile: false, logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  return (readdirSync(out, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.js') && statSync(join(out, f)).isFile())
    .map((f) => sizeOf(join(out, f)));
}
