// tapegrad in Chromium: the same small training program (program/twoSteps.ts) bundled by plain
// esbuild and by Vite's default config, run in a cross-origin-isolated page's dedicated Worker
// (the wasm backend with two Web Worker threads) and on its main thread (one thread after
// `await ready()`), against the same steps in Node. No browser is a failure, never a skip.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { twoSteps, type ProgramOptions, type ProgramResult } from './program/twoSteps.js';
import { esbuildBundles, viteBuild, type BundleSize } from './helpers/bundles.js';
import { mount, serve, type StaticServer } from './helpers/server.js';
import { launchChromium, watchErrors } from './helpers/chromium.js';

const WORKER_OPTIONS: ProgramOptions = { threads: 2, thresholds: 'none' };

let work = '';
let server: StaticServer | null = null;
let browser: Browser | null = null;
let reference: ProgramResult;
const sizes: BundleSize[] = [];
/** Why the setup failed: then every test fails with it (a missing browser is a failure, not a skip). */
let setupError: unknown = null;

beforeAll(async () => {
  try {
    browser = await launchChromium();
    work = mkdtempSync(join(tmpdir(), 'tapegrad-browser-'));
    const [esb, vite] = await Promise.all([esbuildBundles(join(work, 'esbuild')), viteBuild(join(work, 'vite'))]);
    sizes.push(...esb, ...vite);
    // Vite's app at the root (its default base is '/'), the esbuild pages under /esbuild/.
    server = await serve(mount(join(work, 'esbuild'), '/esbuild/', mount(join(work, 'vite'), '/')));
    // The same steps in Node, on the wasm backend with two worker threads.
    reference = await twoSteps(WORKER_OPTIONS);
  } catch (e) {
    setupError = e;
  }
}, 180_000);

beforeEach(() => {
  if (setupError !== null) throw setupError;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (work !== '') rmSync(work, { recursive: true, force: true });
  if (sizes.length > 0) {
    console.log(`browser bundles: ${sizes.map((s) => `${basename(s.file)} ${(s.bytes / 1024).toFixed(1)} KiB (${(s.gzipped / 1024).toFixed(1)} KiB gzipped)`).join(', ')}`);
  }
});

/** Opens `path`, awaits globalThis.__tapegrad there, and returns it with the page's errors. */
async function runPage<T>(path: string): Promise<{ value: T; errors: string[] }> {
  const page = await browser!.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(`${server!.origin}${path}`);
    // Until the page has started its run; an error before that (the bundle failed to load) ends the wait.
    for (const t0 = Date.now(); ;) {
      if (errors.length > 0) throw new Error(`${path}: ${errors.join('; ')}`);
      if (await page.evaluate(() => (globalThis as { __tapegrad?: unknown }).__tapegrad !== undefined)) break;
      if (Date.now() - t0 > 60_000) throw new Error(`${path}: the page did not start the program within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const value = await page.evaluate(() => (globalThis as { __tapegrad?: Promise<unknown> }).__tapegrad) as T;
    return { value, errors };
  } finally {
    await page.close();
  }
}

/** Both losses finite and each within 1e-4 (relative) of Node's. */
function expectNodeLosses(got: ProgramResult): void {
  expect(got.losses).toHaveLength(2);
  for (let i = 0; i < 2; i++) {
    expect(Number.isFinite(got.losses[i])).toBe(true);
    expect(Math.abs(got.losses[i]! - reference.losses[i]!) / Math.abs(reference.losses[i]!)).toBeLessThan(1e-4);
  }
}

/** What the program checks besides the losses, the same wherever it runs in a browser. */
function expectBrowserSafeTrain(got: ProgramResult): void {
  expect(Math.abs(got.evalLoss - reference.evalLoss) / reference.evalLoss).toBeLessThan(1e-4);
  expect(got.evalAccuracy).toBe(reference.evalAccuracy);
  expect(got.checkpointRoundTrip).toBe(true);
  expect(got.safetensorsTensors).toBe(reference.safetensorsTensors);
  expect(got.messages).toEqual(['runStart', 'epochStart', 'batch', 'batch', 'epochEnd', 'runEnd']);
  expect(got.runEtas.every((s) => Number.isFinite(s) && s >= 0)).toBe(true);
  expect(got.pathError).toBe("loadSafetensors: reading files needs Node; in a browser pass the file's bytes (a Uint8Array) instead");
  expect(got.outDirError).toMatch(/^fit: outDir \(writing files\) needs Node; in a browser leave outDir out/);
}

describe('tapegrad in Chromium', () => {
  it('Node reference: two finite losses on the wasm backend with two threads', () => {
    expect(reference.backend).toBe('wasm');
    expect(reference.threads).toBe(2);
    expect(reference.losses.every(Number.isFinite)).toBe(true);
  });

  it('esbuild bundle in a dedicated Worker: cross-origin isolated, wasm with 2 threads, the losses of Node', async () => {
    const { value, errors } = await runPage<ProgramResult>(`/esbuild/worker.html?${encodeURIComponent(JSON.stringify(WORKER_OPTIONS))}`);
    expect(value.crossOriginIsolated).toBe(true);
    // ready() alone: wasm with a thread per core inside a Worker
    expect(value.defaultBackend).toBe('wasm');
    expect(value.defaultThreads).toBe(Math.min(value.cores!, 64));
    expect(value.backend).toBe('wasm');
    expect(value.threads).toBe(2);
    expectNodeLosses(value);
    expectBrowserSafeTrain(value);
    expect(errors).toEqual([]);
  });

  it("esbuild bundle on the page's main thread: wasm on one thread after await ready()", async () => {
    const { value, errors } = await runPage<ProgramResult>('/esbuild/main.html');
    expect(value.crossOriginIsolated).toBe(true);
    expect(value.defaultBackend).toBe('wasm');
    expect(value.backend).toBe('wasm');
    expect(value.threads).toBe(1);
    expectNodeLosses(value);
    expectBrowserSafeTrain(value);
    expect(errors).toEqual([]);
  });

  it("Vite's default build: the program on the main thread and in a Worker with 2 threads", async () => {
    const { value, errors } = await runPage<{ main: ProgramResult; worker: ProgramResult }>('/');
    expect([value.main.backend, value.main.threads]).toEqual(['wasm', 1]);
    expect([value.worker.backend, value.worker.threads]).toEqual(['wasm', 2]);
    expectNodeLosses(value.main);
    expectNodeLosses(value.worker);
    expectBrowserSafeTrain(value.worker);
    expect(errors).toEqual([]);
  });

  it('the browser bundles import nothing from node:* and hold no CLI code', () => {
    for (const s of sizes) {
      const text = readFileSync(s.file, 'utf8');
      expect(text, basename(s.file)).not.toMatch(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']node:/);
      expect(text, basename(s.file)).not.toContain('see tapegrad ');
    }
  });
});
