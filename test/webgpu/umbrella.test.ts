// The WebGPU backend as `tapegrad` users reach it: the CLI's --backend webgpu and TAPEGRAD_BACKEND=
// webgpu, which find @tapegrad/backend-webgpu in the working directory's project (here
// test/webgpu, whose package.json depends on it), and the one-line error where it is not installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = fileURLToPath(new URL('../../packages/tapegrad/bin/tapegrad.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tapegrad-webgpu-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], cwd: string, env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tapegrad with the WebGPU backend', () => {
  it('tapegrad train --backend webgpu trains an epoch on the GPU kernels', () => {
    const out = join(tmp, 'run');
    const r = run([bin, 'train', '--backend', 'webgpu', '--epochs', '1', '--subset', '32', '--batch-size', '16', '--progress', 'lines', '--out', out], here);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/backend webgpu \(.+\)/);
    expect(r.stdout).toMatch(/test accuracy: \d+\.\d\d% after epoch 1/);
  });

  it('without @tapegrad/backend-webgpu in the project, says how to install it in one line', () => {
    const r = run([bin, 'train', '--backend', 'webgpu', '--epochs', '1', '--subset', '32', '--out', join(tmp, 'none')], tmp);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("tapegrad: the WebGPU backend needs the package @tapegrad/backend-webgpu and Dawn's bindings; install them beside tapegrad: npm install @tapegrad/backend-webgpu webgpu@0.6.2");
  });

  // A process that ends while the GPU worker is inside a Dawn call aborts (FATAL ERROR ... napi_throw,
  // exit code 134): the worker is stopped in order at close() and at process exit.
  for (const how of ['exits without close()', 'calls close() and exits'] as const) {
    it(`a program that posts resident GPU work and ${how} ends with exit code 0`, () => {
      const script = `
        Promise.all([import('@tapegrad/backend-webgpu'), import('tapegrad')]).then(([w, t]) => {
          const gpu = w.useWebGpuBackend();
          let x = new t.Variable(t.rand([512, 512], { generator: new t.Generator(0) }));
          for (let i = 0; i < 30; i++) x = x.matmul(x).mul(0.001);
          console.log('posted', gpu.calls().gemm);
          ${how === 'exits without close()' ? '' : 'gpu.close();'}
        });`;
      const r = run(['-e', script], here);
      expect(r.stderr).not.toContain('FATAL');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim().split('\n').at(-1)).toBe('posted 30');
    });
  }

  it('TAPEGRAD_BACKEND=webgpu: kernels refuse until ready(), then run on the GPU', () => {
    // a CommonJS -e script with a dynamic import: with an ES-module -e script (--input-type=module)
    // the GPU worker never answered here, while an .mjs file and this form do
    const script = `
      import('tapegrad').then(async (t) => {
        const double = () => Array.from(new t.Variable(t.tensor([1, 2, 3])).mul(2).data.toArray());
        let before = '';
        try { double(); } catch (e) { before = e.message; }
        await t.ready();
        console.log(JSON.stringify({ before, name: t.getBackend().name, after: double(), adapter: t.webGpuHandle()?.adapter !== undefined }));
        t.closeWebGpu();
      });`;
    const r = run(['-e', script], here, { TAPEGRAD_BACKEND: 'webgpu' });
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { before: string; name: string; after: number[]; adapter: boolean };
    expect(got).toEqual({
      before: 'TAPEGRAD_BACKEND=webgpu is still loading; await ready() before the first tensor operation',
      name: 'webgpu',
      after: [2, 4, 6],
      adapter: true,
    });
  });
});
