// The examples/web page for the browser tests: its production build (`vite build` with the page's
// own vite.config.ts, as `pnpm --filter examples run web:build` runs it) into a folder of the
// caller's, with the MNIST asset that scripts/make-digits.ts writes, made here into that folder so
// that the repository stays as it was. And the page's drawing pad, driven with the mouse.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { makeDigits } from '../../../examples/web/scripts/make-digits.js';

const repo = new URL('../../..', import.meta.url).pathname;
export const WEB = join(repo, 'examples/web');

interface Vite {
  build(config: { root: string; configFile: string; logLevel: 'warn'; build: { outDir: string; emptyOutDir: boolean } }): Promise<unknown>;
}

/** `vite build` of examples/web into `out`, then the MNIST asset (public/'s copy, if any, replaced by a fresh one). */
export async function buildWebPage(out: string): Promise<void> {
  const entry = createRequire(join(repo, 'examples/package.json')).resolve('vite');
  const vite = (await import(pathToFileURL(entry).href)) as Vite;
  await vite.build({ root: WEB, configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  writeFileSync(join(out, 'mnist-digits.bin.gz'), gzipSync(makeDigits()));
}

/** A point of the pad as fractions of its width and height from its top-left corner. */
export type PadPoint = readonly [number, number];

/** One stroke through `points` with the mouse (down at the first, moves in small steps, up at the last). */
export async function drawStroke(page: Page, points: readonly PadPoint[]): Promise<void> {
  const pad = page.getByTestId('pad');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  if (box === null) throw new Error('the drawing pad is not visible');
  const at = ([fx, fy]: PadPoint): [number, number] => [box.x + fx * box.width, box.y + fy * box.height];
  const [first, ...rest] = points.map(at);
  if (first === undefined) throw new Error('drawStroke: no points');
  await page.mouse.move(...first);
  await page.mouse.down();
  for (const p of rest) await page.mouse.move(p[0], p[1], { steps: 4 });
  await page.mouse.up();
}

/** A "1" as people draw it: one stroke from the top down, leaning a little. */
export const ONE: readonly PadPoint[] = [[0.53, 0.17], [0.52, 0.33], [0.51, 0.5], [0.5, 0.67], [0.49, 0.83]];

/** A "0": one stroke round an upright ellipse, from the top anticlockwise, ending a little past its start. */
export const ZERO: readonly PadPoint[] = Array.from({ length: 38 }, (_, i): PadPoint => {
  const a = -Math.PI / 2 - (i * 2 * Math.PI) / 36;
  return [0.5 + 0.21 * Math.cos(a), 0.5 + 0.31 * Math.sin(a)];
});
