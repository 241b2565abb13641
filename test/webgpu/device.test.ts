import { describe, expect, it } from 'vitest';
import { acquireDevice, adapterInfo, BufferUsage, KernelRunner, WG, main1d, paramsDecl, pf, pi, storage } from '@tapegrad/backend-webgpu';
import { useGpu } from './helpers.js';

// The device and the runner: the adapter found, upload / read round trips, the pipeline cache,
// uniforms, 2-D grids past the per-dimension workgroup limit, and the one-line errors.
const gpu = useGpu();

describe('webgpu device', () => {
  it('describes its adapter in one line and has the limits the kernels need', () => {
    const k = gpu();
    const line = adapterInfo(k.runner.gpu);
    expect(line).not.toContain('\n');
    expect(['core', 'compatibility']).toContain(k.runner.gpu.info.featureLevel);
    const limits = k.runner.device.limits;
    expect(limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(WG);
    expect(limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(4);
  });

  it('round-trips float32 and int32 buffers, special values and empty ones', async () => {
    const k = gpu();
    const x = new Float32Array([1.5, -0, NaN, Infinity, -Infinity, 3e-38, 1e38]);
    const got = await k.read(k.upload(x));
    expect(Array.from(got)).toEqual(Array.from(x));
    expect(Object.is(got[1], -0)).toBe(true);
    const ints = Int32Array.from([0, -1, 2147483647, -2147483648]);
    expect(Array.from(await k.runner.readInt32(k.upload(ints)))).toEqual(Array.from(ints));
    expect((await k.read(k.alloc(0))).length).toBe(0);
    expect(Array.from(await k.read(k.alloc(3)))).toEqual([0, 0, 0]);
    expect(k.runner.length(k.alloc(5))).toBe(5);
  });

  it('runs a custom kernel: uniforms, the pipeline cache, a grid past 65535 workgroups', async () => {
    const k = gpu();
    const r: KernelRunner = k.runner;
    const spec = {
      key: 'test:affine',
      wgsl: () => `${paramsDecl(2, 1)}${storage(1, 'x', false)}${storage(2, 'out', true)}
${main1d()}  if (p >= ${pi(0)}) { return; }
  out[p] = x[p] * ${pf(0)} + ${pf(1)};
}
`,
    };
    const n = (r.maxGroups + 10) * WG; // needs a second grid row
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = i % 1000;
    const out = r.alloc(n);
    const before = r.pipelineCount;
    r.run(spec, { buffers: [r.upload(x), out], floats: [2, 0.5], ints: [n], workgroups: r.grid(Math.ceil(n / WG)) });
    r.run(spec, { buffers: [r.upload(x), out], floats: [2, 0.5], ints: [n], workgroups: r.grid(Math.ceil(n / WG)) });
    expect(r.pipelineCount - before).toBe(1);
    expect(r.grid(Math.ceil(n / WG))[1]).toBe(2);
    const got = await r.read(out);
    let bad = 0;
    for (let i = 0; i < n; i++) if (got[i] !== (i % 1000) * 2 + 0.5) bad++;
    expect(bad).toBe(0);
    expect(BufferUsage.STORAGE).toBe(0x80);
  });

  it('reports a WGSL error as one line on the next read', async () => {
    const { KernelRunner: Runner } = await import('@tapegrad/backend-webgpu');
    const r = new Runner(await acquireDevice());
    try {
      const out = r.alloc(1);
      r.run({ key: 'test:broken', wgsl: () => `${paramsDecl(0, 1)}${storage(1, 'out', true)}\n@compute @workgroup_size(1) fn main() { out[0] = undefined_thing; }` }, { buffers: [out], ints: [0], workgroups: [1] });
      await expect(r.read(out)).rejects.toThrow(/^backend-webgpu: device error: [^\n]+$/);
    } finally {
      r.destroy();
    }
  });

  it('fails with one line naming what was tried when no adapter of the kind asked for exists', async () => {
    // on a machine with a GPU the hardware adapter exists, and the software one may not
    for (const adapter of ['hardware', 'software'] as const) {
      try {
        (await acquireDevice({ adapter })).destroy();
      } catch (e) {
        expect((e as Error).message).toMatch(/^backend-webgpu: no WebGPU adapter \(tried [^\n]+$/);
      }
    }
  });
});
