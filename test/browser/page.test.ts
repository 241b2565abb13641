// The examples/web page (train nin-bn in the browser) in Chromium: its production build served with
// the two cross-origin-isolation headers; the worker on the wasm backend with 2 threads trains one
// epoch on 1,000 images with the losses of the same run in Node; the committed fixture checkpoint,
// loaded through the page's file input, reads a "1" and a "0" drawn with the mouse, and the class
// activation map points at them; no error anywhere; a screenshot in test/browser/output/page.png.
// No browser is a failure, never a skip.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Subset, embeddedMnist, ready, useWasmBackend, type WasmBackend } from 'tapegrad';
import { recipeModel, recipeRun } from '../../examples/web/src/recipeRun.js';
import { RunGate } from '../../examples/web/src/runGate.js';
import { mount, serve, type StaticServer } from './helpers/server.js';
import { launchChromium, watchErrors } from './helpers/chromium.js';
import { ONE, WEB, ZERO, buildWebPage, drawStroke, type PadPoint } from './helpers/webPage.js';

/** The run the test mode asks for: the first 1,000 training images, one epoch, seed 0 (16 steps of batch 64). */
const SUBSET = 1000, EPOCHS = 1, SEED = 0, STEPS = Math.ceil(SUBSET / 64);
const FIXTURE = join(WEB, 'fixtures/nin-bn-fixture.safetensors');
const FIXTURE_INFO = JSON.parse(readFileSync(join(WEB, 'fixtures/nin-bn-fixture.json'), 'utf8')) as { testAccuracy: number; testImages: number };
/** Where the screenshot goes (git-ignored). */
const OUTPUT = fileURLToPath(new URL('./output/', import.meta.url));

let work = '';
let server: StaticServer | null = null;
let browser: Browser | null = null;
let backend: WasmBackend | null = null;
let nodeLosses: number[] = [];
/** The Node run's losses on the WebGPU case's images. */
let nodeLossesGpu: number[] = [];
/** The WebGPU case's run: the first 128 training images (2 steps), one epoch. */
const GPU_SUBSET = 128;
/** Why the setup failed: then every test fails with it (a missing browser is a failure, not a skip). */
let setupError: unknown = null;

/**
 * The same run in Node: the page's own training loop (src/recipeRun.ts, which the worker runs), on
 * the wasm backend with 2 threads as the worker sets it up (`ready()`, then `useWasmBackend({ threads })`),
 * on the same 1,000 images (embeddedMnist's, which the page's asset holds bit for bit:
 * digitsFile.test.ts). recipeRun is deliberately `fit` set up as the CLI sets it up (workerModel.test.ts
 * checks that both end with the same weights, bit for bit), so these are also the losses of
 * `tapegrad train --seed 0` on these images. The epoch's losses all come before its evaluation,
 * so one test image stands in for the test set here.
 */
async function nodeRun(subset: number): Promise<number[]> {
  await ready();
  backend = useWasmBackend({ threads: 2 });
  const { train, test } = embeddedMnist();
  const data = { train: new Subset(train, Array.from({ length: subset }, (_, i) => i)), test: new Subset(test, [0]) };
  const losses: number[] = [];
  const done = await recipeRun(recipeModel(SEED), data, { epochs: EPOCHS, seed: SEED }, new RunGate(), {
    step: (r) => losses.push(r.loss), epoch: () => undefined, phase: () => undefined,
  });
  if (!done) throw new Error('the Node run did not finish');
  return losses;
}

beforeAll(async () => {
  try {
    browser = await launchChromium();
    work = mkdtempSync(join(tmpdir(), 'tapegrad-web-page-'));
    await buildWebPage(work);
    server = await serve(mount(work, '/'));
    nodeLosses = await nodeRun(SUBSET);
    nodeLossesGpu = await nodeRun(GPU_SUBSET);
  } catch (e) {
    setupError = e;
  }
}, 180_000);

beforeEach(() => {
  if (setupError !== null) throw setupError;
});

afterAll(async () => {
  backend?.close();
  await browser?.close();
  await server?.close();
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

/** Opens the page with `query` (threads=2 always), collecting its errors, and waits until the worker is ready. */
async function openPage(query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 1000 } });
  // clicks wait for the element to be stable over animation frames, which a loaded machine can
  // delay past Playwright's 30 s default
  page.setDefaultTimeout(120_000);
  const errors = watchErrors(page);
  try {
    await page.goto(`${server!.origin}/?threads=2${query}`);
    await waitFor(page, '[data-testid="app"][data-state="idle"]', 60_000, errors);
  } catch (e) {
    await page.close();
    throw e;
  }
  return { page, errors };
}

/** Waits for `selector`; fails at once, with the page's words, when the page shows an error or logs one. */
async function waitFor(page: Page, selector: string, timeout: number, errors: string[]): Promise<void> {
  const error = '[data-testid="message"].error';
  try {
    await page.waitForSelector(`${selector}, ${error}`, { timeout });
  } catch (e) {
    throw new Error(`waiting for ${selector}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}; page errors: ${JSON.stringify(errors)}`);
  }
  if (await page.locator(error).count() > 0) throw new Error(`the page says: ${await page.locator(error).textContent()}`);
}

interface Box { x: number; y: number; width: number; height: number }
interface Drawn {
  predicted: number;
  probs: number[];
  strokeBox: Box;
  argmax: { row: number; col: number; grid: number; pad: Box };
  centroid: { x: number; y: number };
}

/** Draws one stroke on a clear pad and reads the prediction of it (the one made after the stroke ended). */
async function drawAndRead(page: Page, stroke: readonly PadPoint[], errors: string[]): Promise<Drawn> {
  await page.getByTestId('clear').click();
  await drawStroke(page, stroke);
  await waitFor(page, '[data-testid="prediction"][data-strokes="1"]:not([data-class=""])', 120_000, errors);
  const prediction = page.getByTestId('prediction');
  const attr = async (el: typeof prediction, name: string): Promise<string> => {
    const v = await el.getAttribute(name);
    if (v === null || v === '') throw new Error(`${name} is empty`);
    return v;
  };
  const argmax = JSON.parse(await attr(prediction, 'data-cam-argmax')) as Drawn['argmax'];
  const centroid = JSON.parse(await attr(prediction, 'data-cam-centroid')) as { pad: Drawn['centroid'] };
  return {
    predicted: Number(await attr(prediction, 'data-class')),
    probs: JSON.parse(await attr(prediction, 'data-probs')) as number[],
    strokeBox: JSON.parse(await attr(page.getByTestId('pad'), 'data-stroke-box')) as Box,
    argmax, centroid: centroid.pad,
  };
}

const inside = (x: number, y: number, b: Box, mx = 0, my = 0): boolean =>
  x >= b.x - mx && x <= b.x + b.width + mx && y >= b.y - my && y <= b.y + b.height + my;

const fmt = (d: Drawn): string => `class ${d.predicted} p=${d.probs[d.predicted]!.toFixed(4)} (probs ${JSON.stringify(d.probs)}), stroke box ${JSON.stringify(d.strokeBox)}, ` +
  `brightest cell (row ${d.argmax.row}, col ${d.argmax.col}) ${JSON.stringify(d.argmax.pad)}, centroid ${JSON.stringify(d.centroid)}`;

describe('examples/web in Chromium (production build)', () => {
  it(`cross-origin isolated, wasm with 2 threads; one epoch on ${SUBSET} images with the losses of Node`, async () => {
    const { page, errors } = await openPage(`&subset=${SUBSET}&epochs=${EPOCHS}&seed=${SEED}`);
    try {
      expect(await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated)).toBe(true);
      expect(await page.getByTestId('app').getAttribute('data-threads')).toBe('2');
      expect(await page.getByTestId('threads').getAttribute('data-value')).toBe('2');
      expect(await page.getByTestId('thread-reason').isHidden()).toBe(true);
      // the worker's own report: its backend, threads, isolation and training set
      const backendLine = await page.getByTestId('backend').textContent();
      expect(backendLine).toMatch(/^wasm backend · 2 threads · \d+ cores · crossOriginIsolated true · 1,000 train \/ 2,004 test images$/);

      await page.getByTestId('train').click();
      await waitFor(page, '[data-testid="app"][data-state="done"]', 100_000, errors);
      const losses = JSON.parse((await page.getByTestId('app').getAttribute('data-step-losses')) ?? '[]') as number[];
      const rel = losses.map((l, i) => Math.abs(l - nodeLosses[i]!) / Math.abs(nodeLosses[i]!));
      console.log(`examples/web: ${losses.length} steps; losses ${losses[0]?.toFixed(4)} -> ${losses.at(-1)?.toFixed(4)}; ` +
        `largest relative difference from Node ${Math.max(...rel).toExponential(2)}`);
      expect(nodeLosses).toHaveLength(STEPS);
      expect(losses).toHaveLength(STEPS);
      for (let i = 0; i < STEPS; i++) expect(rel[i], `step ${i + 1}: ${losses[i]} vs Node's ${nodeLosses[i]}`).toBeLessThan(1e-4);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it(`?backend=webgpu: the worker trains on the GPU kernels (SwiftShader here) with the losses of Node`, async () => {
    const { page, errors } = await openPage(`&backend=webgpu&subset=${GPU_SUBSET}&epochs=1&seed=${SEED}`);
    try {
      const backendLine = await page.getByTestId('backend').textContent();
      expect(backendLine).toMatch(/^webgpu backend · 1 thread · \d+ cores · crossOriginIsolated true · 128 train \/ 2,004 test images$/);
      expect(await page.getByTestId('thread-reason').textContent()).toBe('One thread: the webgpu backend runs the kernels on the GPU (?backend=webgpu); threads apply to the wasm backend.');
      await page.getByTestId('train').click();
      // the steps' losses are all in once the epoch's evaluation starts (2,004 test images: minutes on SwiftShader)
      await waitFor(page, '[data-testid="app"][data-state="evaluating"]', 240_000, errors);
      const losses = JSON.parse((await page.getByTestId('app').getAttribute('data-step-losses')) ?? '[]') as number[];
      console.log(`examples/web on webgpu: losses ${JSON.stringify(losses)}; Node's ${JSON.stringify(nodeLossesGpu)}`);
      expect(losses).toHaveLength(GPU_SUBSET / 64);
      losses.forEach((l, i) => expect(Math.abs(l - nodeLossesGpu[i]!) / Math.abs(nodeLossesGpu[i]!), `step ${i + 1}`).toBeLessThan(1e-4));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 300_000);

  it('the fixture checkpoint through "Load weights" reads a drawn "1" and "0"; the class map points at them', async () => {
    const { page, errors } = await openPage('');
    try {
      await page.getByTestId('load-weights').setInputFiles(FIXTURE);
      await waitFor(page, '[data-testid="message"][data-test-accuracy]', 60_000, errors);
      const accuracy = Number(await page.getByTestId('message').getAttribute('data-test-accuracy'));
      console.log(`examples/web: the fixture's test accuracy ${(100 * accuracy).toFixed(2)} % (make-fixture.ts: ${(100 * FIXTURE_INFO.testAccuracy).toFixed(2)} %)`);
      // the figure make-fixture.ts measured in Node, give or take one image
      expect(Math.abs(accuracy - FIXTURE_INFO.testAccuracy)).toBeLessThanOrEqual(1.5 / FIXTURE_INFO.testImages);

      const one = await drawAndRead(page, ONE, errors);
      console.log(`examples/web "1": ${fmt(one)}`);
      expect(one.predicted).toBe(1);
      // nin-bn's evidence for a thin "1" is the empty space on both sides of it, so its brightest map
      // cell often lies beside the stroke (inside the digit's box for 27 of 76 test "1"s against 65
      // of 67 "0"s; examples/web/README.md): for a "1" the map's mass-weighted centre must lie in the
      // stroke's box, give or take one map cell.
      expect(inside(one.centroid.x, one.centroid.y, one.strokeBox, one.argmax.pad.width, one.argmax.pad.height), fmt(one)).toBe(true);

      const zero = await drawAndRead(page, ZERO, errors);
      console.log(`examples/web "0": ${fmt(zero)}`);
      expect(zero.predicted).toBe(0);
      // for a "0" the brightest cell itself (its centre) lies in the stroke's box
      const c = zero.argmax.pad;
      expect(inside(c.x + c.width / 2, c.y + c.height / 2, zero.strokeBox), fmt(zero)).toBe(true);

      mkdirSync(OUTPUT, { recursive: true });
      const shot = join(OUTPUT, 'page.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`examples/web: screenshot ${shot}`);
      expect(await page.getByTestId('message').getAttribute('class')).not.toContain('error');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 300_000);
});
