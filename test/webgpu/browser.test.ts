// The WebGPU bridge in Chromium: a cross-origin-isolated page starts a training Worker
// (browser/trainer.ts, bundled by esbuild), which installs the bridge (its GPU worker is the
// package's bridge/worker.js, bundled beside it) and trains nin-bn two steps on the GPU kernels
// with no CPU fallback, then on the CPU backend. WebGPU comes from Chromium's SwiftShader here.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mount, serve } from '../browser/helpers/server.js';

const CHROMIUM = process.env['TAPEGRAD_CHROMIUM'] ?? '/usr/bin/chromium';
const here = fileURLToPath(new URL('.', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'tapegrad-webgpu-page-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Run { losses: number[]; params: number[][] }
type Result = { adapter: string; kernels: number; gpu: Run; cpu: Run } | { error: string };

describe('the WebGPU bridge in Chromium', () => {
  it('trains nin-bn in a Worker on the GPU kernels, agreeing with the CPU backend', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}; expected Debian's chromium (scripts/ci/chromium.sh)`);
    // the GPU worker's bundle sits beside the trainer's: the bridge starts new URL('./worker.js', import.meta.url)
    const gpuWorker = fileURLToPath(new URL('../../packages/backend-webgpu/dist/bridge/worker.js', import.meta.url));
    await build({
      entryPoints: { trainer: join(here, 'browser/trainer.ts'), worker: gpuWorker },
      bundle: true, platform: 'browser', format: 'esm', outdir: out, logLevel: 'warning',
    });
    writeFileSync(join(out, 'index.html'), `<!doctype html><meta charset="utf-8"><script type="module">
globalThis.__result = new Promise((resolve) => {
  const w = new Worker('./trainer.js', { type: 'module' });
  w.onmessage = (e) => resolve(e.data);
  w.onerror = (e) => resolve({ error: e.message });
});
</script>
`);
    const server = await serve(mount(out, '/'));
    const root = process.getuid?.() === 0;
    const browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', ...(root ? ['--no-sandbox'] : [])],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.origin}/index.html`);
      const r = await page.evaluate(() => (globalThis as unknown as { __result: Promise<unknown> }).__result) as Result;
      if ('error' in r) throw new Error(`the page: ${r.error}`);
      console.log(`webgpu bridge in Chromium: ${r.adapter}; ${r.kernels} kernels on the GPU`);
      expect(r.kernels).toBeGreaterThanOrEqual(25);
      for (let s = 0; s < 2; s++) expect(Math.abs(r.gpu.losses[s]! - r.cpu.losses[s]!)).toBeLessThan(1e-4);
      let worst = 0;
      r.cpu.params.forEach((want, i) => {
        const have = r.gpu.params[i]!;
        const scale = Math.max(1e-2, ...want.map(Math.abs));
        want.forEach((w, k) => { worst = Math.max(worst, Math.abs(have[k]! - w) / scale); });
      });
      expect(worst).toBeLessThan(1e-4);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 300_000);
});
