// `pnpm bench --only browser`: nin-bn training images/s with the main job's recipe (batch 64, seed 0)
// in examples/web's training worker in Chromium (wasm backend, `--threads` threads, the page
// cross-origin isolated) beside the same training loop (examples/web/src/recipeRun.ts, which the
// worker runs) in Node on the wasm backend with the same threads, on the same machine; and the page
// served WITHOUT the two isolation headers, to record what it falls back to and what that gets.
//
// Each side trains the first `--subset` training images (2,048) for 2 epochs; the figure is the
// last epoch's images/s as the loop itself measures it (training time only: the test-set evaluation
// after every epoch and the yields between steps are not counted; the first epoch is the warm-up).
// In the page that is the worker's own epoch report, read from #app's data-epoch-rates (test mode,
// `?subset=N`). The Node side and the Chromium side run in separate fresh processes
// (`--part browser:node`, `--part browser:chromium`, started by bench/run.ts), one after the other.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Browser, ConsoleMessage } from 'playwright-core';
import { Subset, embeddedMnist, ready, useWasmBackend } from 'tapegrad';
import { recipeModel, recipeRun } from '../examples/web/src/recipeRun.js';
import { RunGate } from '../examples/web/src/runGate.js';
import type { EpochReport } from '../examples/web/src/protocol.js';
import { mount } from '../test/browser/helpers/server.js';
import { launchChromium, watchErrors } from '../test/browser/helpers/chromium.js';
import { buildWebPage } from '../test/browser/helpers/webPage.js';
import { round, type BenchRecord } from './measure.js';

/** Epochs of each run; the last one is timed. */
export const BROWSER_EPOCHS = 2;
const SEED = 0;
/** The page's test set, evaluated after every epoch (not timed, but it has to be waited for). */
const TEST_IMAGES = 2004;

export type BrowserSide = 'chromium-worker' | 'chromium-worker-not-isolated' | 'node';

function emitBrowser(rec: BenchRecord): void {
  process.stdout.write(`${JSON.stringify({ part: 'browser', ...rec })}\n`);
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
}

/** What every record of the part holds. */
function baseRecord(threads: number, subset: number, quick: boolean): BenchRecord {
  return {
    model: 'nin-bn', batch: 64, requestedThreads: threads, subset, epochs: BROWSER_EPOCHS, timedEpoch: BROWSER_EPOCHS,
    node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, ...(quick ? { quick: true } : {}),
  };
}

/** The figures of the timed (last) epoch and of every epoch. */
function epochFigures(reports: readonly Pick<EpochReport, 'epoch' | 'seconds' | 'imagesPerSecond'>[]): BenchRecord {
  if (reports.length !== BROWSER_EPOCHS) throw new Error(`expected ${BROWSER_EPOCHS} epoch reports, got ${reports.length}`);
  const last = reports[reports.length - 1]!;
  return {
    imagesPerSecond: round(last.imagesPerSecond, 1),
    seconds: round(last.seconds, 3),
    epochImagesPerSecond: reports.map((r) => round(r.imagesPerSecond, 1)),
  };
}

/**
 * `--part browser:node`: recipeRun.ts in Node on the wasm backend with `threads` threads, set up as
 * the worker sets it up (`ready()`, then `useWasmBackend({ threads })`), on the first `subset`
 * training images of embeddedMnist (which the page's asset holds bit for bit) and the whole test set.
 */
export async function runBrowserNode(threads: number, subset: number, quick: boolean): Promise<void> {
  const base: BenchRecord = { ...baseRecord(threads, subset, quick), side: 'node' satisfies BrowserSide };
  try {
    await ready();
    const be = useWasmBackend({ threads });
    try {
      const { train, test } = embeddedMnist();
      const n = Math.min(subset, train.length);
      const data = { train: new Subset(train, Array.from({ length: n }, (_, i) => i)), test };
      const epochs: EpochReport[] = [];
      const done = await recipeRun(recipeModel(SEED), data, { epochs: BROWSER_EPOCHS, seed: SEED }, new RunGate(), {
        step: () => undefined, epoch: (r) => epochs.push(r), phase: () => undefined,
      });
      if (!done) throw new Error('the run did not finish');
      emitBrowser({ ...base, subset: n, backend: 'wasm', threads: be.threads, relaxedSimd: be.relaxedSimd, ...epochFigures(epochs) });
    } finally {
      be.close();
    }
  } catch (e) {
    emitBrowser({ ...base, error: `Node side failed: ${message(e)}` });
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css', '.wasm': 'application/wasm',
};

/** Serves the page's build on 127.0.0.1, with the two cross-origin-isolation headers or without them. */
async function servePage(files: ReadonlyMap<string, string>, isolated: boolean): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = files.get(path) ?? files.get(`${path.endsWith('/') ? path : `${path}/`}index.html`);
    if (isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    res.setHeader('Cache-Control', 'no-store');
    if (file === undefined) {
      res.statusCode = path === '/favicon.ico' ? 204 : 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bench browser: the server has no port');
  return { origin: `http://127.0.0.1:${address.port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** One training run of the page in a fresh tab: what the page reports about its backend, and the epochs' figures. */
async function pageRun(browser: Browser, files: ReadonlyMap<string, string>, isolated: boolean, threads: number, subset: number): Promise<BenchRecord> {
  const server = await servePage(files, isolated);
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors = watchErrors(page);
  const warnings: string[] = [];
  const onWarning = (m: ConsoleMessage): void => { if (m.type() === 'warning') warnings.push(m.text().slice(0, 300)); };
  page.on('console', onWarning);
  page.on('worker', (w) => w.on('console', onWarning));
  try {
    await page.goto(`${server.origin}/?threads=${threads}&subset=${subset}&epochs=${BROWSER_EPOCHS}&seed=${SEED}`);
    const app = page.getByTestId('app');
    await page.waitForSelector('[data-testid="app"][data-state="idle"]', { timeout: 120_000 });
    const text = async (testId: string): Promise<string | null> => {
      const el = page.getByTestId(testId);
      return (await el.count()) > 0 && (await el.isVisible()) ? ((await el.textContent()) ?? '').trim() : null;
    };
    const backendLine = (await text('backend')) ?? '';
    const facts: BenchRecord = {
      crossOriginIsolated: await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true),
      backend: /^(\S+) backend/.exec(backendLine)?.[1] ?? 'unknown',
      threads: Number(await app.getAttribute('data-threads')),
      pageBackendLine: backendLine,
      pageThreadReason: await text('thread-reason'),
      pageMessage: await text('message'),
    };
    await page.getByTestId('train').click();
    await page.waitForSelector('[data-testid="app"]:not([data-state="idle"])', { timeout: 60_000 });
    // generous: 5 images/s, the CPU fallback on a loaded machine, would still finish
    const timeout = 60_000 + (subset + TEST_IMAGES) * BROWSER_EPOCHS * 200;
    await page.waitForSelector('[data-testid="app"][data-state="done"], [data-testid="app"][data-state="idle"]', { timeout });
    if ((await app.getAttribute('data-state')) !== 'done') throw new Error(`the run stopped; the page says: ${(await text('message')) ?? '(nothing)'}`);
    const rates = JSON.parse((await app.getAttribute('data-epoch-rates')) ?? '[]') as { epoch: number; seconds: number; imagesPerSecond: number }[];
    const steps = (JSON.parse((await app.getAttribute('data-step-losses')) ?? '[]') as number[]).length;
    return { ...facts, ...epochFigures(rates), steps, ...(errors.length > 0 ? { pageErrors: errors.join(' | ').slice(0, 600) } : {}),
      ...(warnings.length > 0 ? { pageWarnings: [...new Set(warnings)].join(' | ').slice(0, 600) } : {}) };
  } finally {
    await page.close();
    await server.close();
  }
}

/**
 * `--part browser:chromium`: builds the page with Vite (as the browser test does) into a temporary
 * folder, then trains in Debian's Chromium, first with the page cross-origin isolated, then served
 * without the two headers; one record per side.
 */
export async function runBrowserChromium(threads: number, subset: number, quick: boolean): Promise<void> {
  const base = baseRecord(threads, subset, quick);
  const sides: [BrowserSide, boolean][] = [['chromium-worker', true], ['chromium-worker-not-isolated', false]];
  let browser: Browser | null = null;
  let work = '';
  try {
    browser = await launchChromium();
    const chromium = browser.version();
    work = mkdtempSync(join(tmpdir(), 'tapegrad-bench-web-'));
    process.stderr.write('bench: building examples/web with Vite\n');
    await buildWebPage(work);
    const files = mount(work, '/');
    for (const [side, isolated] of sides) {
      process.stderr.write(`bench: Chromium ${chromium}, the page ${isolated ? 'cross-origin isolated' : 'served without COOP/COEP'}, ?threads=${threads}\n`);
      try {
        emitBrowser({ ...base, side, chromium, ...(await pageRun(browser, files, isolated, threads, subset)) });
      } catch (e) {
        emitBrowser({ ...base, side, chromium, error: `${side} failed: ${message(e)}` });
      }
    }
  } catch (e) {
    for (const [side] of sides) emitBrowser({ ...base, side, error: `${side} failed: ${message(e)}` });
  } finally {
    await browser?.close();
    if (work !== '') rmSync(work, { recursive: true, force: true });
  }
}
