import { describe, expect, it } from 'vitest';
import { cpuBackend, Generator, type Conv2dGeometry, type Epilogue } from '@tapegrad/tensor';
// Not exported from the package index yet (the WebGpuKernels integration comes later).
import { ConvPoolKernels } from '@tapegrad/backend-webgpu';
import { expectClose, uniform, useGpu } from './helpers.js';

// conv2d and conv2dBackward against the CPU backend: nin's and squeezenet's layer shapes at batch 2,
// then stride, dilation, groups, depthwise, an uneven ('same', even kernel) padding, odd sizes off
// the tiles, batch 1, NaN inputs, and the relu epilogue with its backward mask. Tolerances are
// relative to the sum of |terms| of each output (float32 sums on the GPU, float64 on the CPU).
const gpu = useGpu();

interface Case {
  name: string;
  N: number; C: number; H: number; W: number; O: number;
  k: number | [number, number];
  stride?: [number, number]; pad?: [number, number]; dilation?: [number, number]; groups?: number;
  /** Output size when not the floor formula's (bottom/right padding one more than top/left). */
  out?: [number, number];
  bias?: boolean;
  epilogue?: Epilogue;
  /** Put NaN at a few input elements. */
  nan?: boolean;
  /** Put NaN and an infinity in the weight (the direct kernels add padding taps and skip unreached ones as the CPU does). */
  nanWeight?: boolean;
}

const cases: Case[] = [
  // nin (MNIST, 28 x 28)
  { name: 'nin 1->32 k5 pad2', N: 2, C: 1, H: 28, W: 28, O: 32, k: 5, pad: [2, 2], epilogue: 'relu' },
  { name: 'nin 32->32 k1', N: 2, C: 32, H: 28, W: 28, O: 32, k: 1, epilogue: 'relu' },
  { name: 'nin 32->64 k5 pad2 14x14', N: 2, C: 32, H: 14, W: 14, O: 64, k: 5, pad: [2, 2], epilogue: 'relu' },
  { name: 'nin 64->128 k3 pad1 7x7', N: 2, C: 64, H: 7, W: 7, O: 128, k: 3, pad: [1, 1], epilogue: 'relu' },
  { name: 'nin 128->10 k1 7x7', N: 2, C: 128, H: 7, W: 7, O: 10, k: 1 },
  // squeezenet (conv1, then a Fire module)
  { name: 'squeezenet 1->64 k3 pad1', N: 2, C: 1, H: 28, W: 28, O: 64, k: 3, pad: [1, 1], epilogue: 'relu' },
  { name: 'fire squeeze 64->16 k1', N: 2, C: 64, H: 14, W: 14, O: 16, k: 1, epilogue: 'relu' },
  { name: 'fire expand 16->64 k1', N: 2, C: 16, H: 14, W: 14, O: 64, k: 1, epilogue: 'relu' },
  { name: 'fire expand 16->64 k3 pad1', N: 2, C: 16, H: 14, W: 14, O: 64, k: 3, pad: [1, 1], epilogue: 'relu' },
  // geometry
  { name: 'stride 2 pad1 3->8 k3 11x13', N: 2, C: 3, H: 11, W: 13, O: 8, k: 3, stride: [2, 2], pad: [1, 1] },
  { name: 'stride 3x2 no bias 5->6 k4x3 15x10', N: 1, C: 5, H: 15, W: 10, O: 6, k: [4, 3], stride: [3, 2], bias: false },
  { name: 'dilation 2 pad2 4->6 k3 9x10', N: 2, C: 4, H: 9, W: 10, O: 6, k: 3, pad: [2, 2], dilation: [2, 2] },
  { name: 'dilation 1x3 stride 2x1 3->5 k3x2 12x14', N: 1, C: 3, H: 12, W: 14, O: 5, k: [3, 2], stride: [2, 1], pad: [1, 0], dilation: [1, 3] },
  { name: 'pad 0x2 stride 1x2 dilation 2x1 3->4 k3 10x9', N: 2, C: 3, H: 10, W: 9, O: 4, k: 3, stride: [1, 2], pad: [0, 2], dilation: [2, 1] },
  { name: 'groups 2 6->8 k3 pad1 7x9', N: 2, C: 6, H: 7, W: 9, O: 8, k: 3, pad: [1, 1], groups: 2, epilogue: 'relu' },
  { name: 'depthwise 8->8 k3 pad1 10x11', N: 2, C: 8, H: 10, W: 11, O: 8, k: 3, pad: [1, 1], groups: 8 },
  { name: 'depthwise x2 8->16 k3 stride 2 pad1 9x9', N: 1, C: 8, H: 9, W: 9, O: 16, k: 3, stride: [2, 2], pad: [1, 1], groups: 8, epilogue: 'relu' },
  { name: "'same' even kernel 3->4 k4 8x7", N: 2, C: 3, H: 8, W: 7, O: 4, k: 4, pad: [1, 1], out: [8, 7] },
  { name: 'odd sizes batch 1 5->37 k3 pad1 13x17', N: 1, C: 5, H: 13, W: 17, O: 37, k: 3, pad: [1, 1] },
  { name: 'pointwise batch 3 33->17 k1 5x7', N: 3, C: 33, H: 5, W: 7, O: 17, k: 1 },
  { name: 'kernel larger than input 2->3 k5 pad2 3x2', N: 2, C: 2, H: 3, W: 2, O: 3, k: 5, pad: [2, 2] },
  // special values
  { name: 'NaN inputs 4->6 k3 pad1 8x9', N: 2, C: 4, H: 8, W: 9, O: 6, k: 3, pad: [1, 1], nan: true },
  { name: 'NaN inputs and weights, depthwise 6->6 k3 pad1 7x8', N: 2, C: 6, H: 7, W: 8, O: 6, k: 3, pad: [1, 1], groups: 6, nan: true, nanWeight: true },
  { name: 'NaN inputs + relu 4->6 k3 pad1 8x9', N: 2, C: 4, H: 8, W: 9, O: 6, k: 3, pad: [1, 1], nan: true, epilogue: 'relu' },
];

function geometry(c: Case): Conv2dGeometry {
  const [kH, kW] = typeof c.k === 'number' ? [c.k, c.k] : c.k;
  const [sH, sW] = c.stride ?? [1, 1], [pH, pW] = c.pad ?? [0, 0], [dH, dW] = c.dilation ?? [1, 1];
  const size = (L: number, k: number, s: number, p: number, d: number) => Math.floor((L + 2 * p - d * (k - 1) - 1) / s) + 1;
  const [Ho, Wo] = c.out ?? [size(c.H, kH, sH, pH, dH), size(c.W, kW, sW, pW, dW)];
  return {
    N: c.N, C: c.C, H: c.H, W: c.W, O: c.O, kH, kW, strideH: sH, strideW: sW, padH: pH, padW: pW,
    dilationH: dH, dilationW: dW, groups: c.groups ?? 1, Ho, Wo, outSampleStride: c.O * Ho * Wo,
  };
}

function abs(a: Float32Array): Float32Array { return a.map(Math.abs); }

/** Keeps the relative tolerance honest: a wrong index moves an output by about one term, scale / K. */
const RTOL = 2e-5;

describe('webgpu conv2d', () => {
  for (const c of cases) {
    it(`${c.name}: forward and backward match the CPU backend`, async () => {
      const k = new ConvPoolKernels(gpu().runner);
      const kernels = gpu();
      const g = geometry(c);
      const rnd = new Generator(c.N * 7919 + c.C * 131 + c.O * 17 + g.kH * 3 + g.Ho);
      const Cg = g.C / g.groups;
      const xLen = g.N * g.C * g.H * g.W, wLen = g.O * Cg * g.kH * g.kW, outLen = g.N * g.O * g.Ho * g.Wo;
      const x = uniform(rnd, xLen), w = uniform(rnd, wLen, -0.5, 0.5);
      const bias = c.bias === false ? null : uniform(rnd, g.O);
      if (c.nan === true) for (let i = 3; i < xLen; i += 37) x[i] = NaN;
      if (c.nanWeight === true) { w[4] = NaN; w[wLen - 1] = Infinity; }
      const epilogue = c.epilogue ?? 'none';

      // forward
      const want = new Float32Array(outLen);
      cpuBackend.conv2d(x, w, bias, g, want, epilogue);
      const scale = new Float32Array(outLen);
      cpuBackend.conv2d(abs(x), abs(w), bias && abs(bias), g, scale, 'none');
      const xb = kernels.upload(x), wb = kernels.upload(w);
      const outB = kernels.upload(uniform(rnd, outLen)); // overwritten
      k.conv2d(xb, wb, bias && kernels.upload(bias), g, outB, epilogue);
      expectClose(await kernels.read(outB), want, { rtol: RTOL, atol: 1e-6, scale }, `${c.name} forward`);
      if (c.nan === true) expect(want.some(Number.isNaN)).toBe(true);

      // backward, from the CPU's forward output (so both mask the same elements)
      const gradOut = uniform(rnd, outLen);
      const ep = epilogue === 'none' ? null : { kind: epilogue, out: want };
      const wantGi = new Float32Array(xLen), wantGw = new Float32Array(wLen), wantGb = new Float32Array(g.O);
      cpuBackend.conv2dBackward(gradOut, x, w, g, wantGi, wantGw, wantGb, ep);
      const absG = abs(gradOut);
      const scaleGi = new Float32Array(xLen), scaleGw = new Float32Array(wLen), scaleGb = new Float32Array(g.O);
      cpuBackend.conv2dBackward(absG, abs(x), abs(w), g, scaleGi, scaleGw, scaleGb, null);
      const gb = kernels.upload(gradOut);
      const gi = kernels.upload(uniform(rnd, xLen)), gw = kernels.upload(uniform(rnd, wLen)), gbias = kernels.upload(uniform(rnd, g.O));
      k.conv2dBackward(gb, xb, wb, g, gi, gw, gbias, ep && { kind: ep.kind, out: kernels.upload(want) });
      expectClose(await kernels.read(gi), wantGi, { rtol: RTOL, atol: 1e-6, scale: scaleGi }, `${c.name} gradInput`);
      expectClose(await kernels.read(gw), wantGw, { rtol: RTOL, atol: 1e-6, scale: scaleGw }, `${c.name} gradWeight`);
      expectClose(await kernels.read(gbias), wantGb, { rtol: RTOL, atol: 1e-6, scale: scaleGb }, `${c.name} gradBias`);
      expect(await kernels.read(gb)).toEqual(gradOut); // gradOut is not modified
    });
  }

  it('skips null outputs and needs only the operands they use', async () => {
    const k = new ConvPoolKernels(gpu().runner);
    const kernels = gpu();
    const g = geometry({ name: '', N: 2, C: 4, H: 6, W: 5, O: 6, k: 3, pad: [1, 1], groups: 2 });
    const rnd = new Generator(5);
    const xLen = 2 * 4 * 6 * 5, wLen = 6 * 2 * 9, outLen = 2 * 6 * 6 * 5;
    const x = uniform(rnd, xLen), w = uniform(rnd, wLen), gradOut = uniform(rnd, outLen);
    const wantGi = new Float32Array(xLen), wantGw = new Float32Array(wLen);
    cpuBackend.conv2dBackward(gradOut, null, w, g, wantGi, null, null, null);
    cpuBackend.conv2dBackward(gradOut, x, null, g, null, wantGw, null, null);
    const gi = kernels.alloc(xLen), gw = kernels.alloc(wLen);
    k.conv2dBackward(kernels.upload(gradOut), null, kernels.upload(w), g, gi, null, null, null);
    k.conv2dBackward(kernels.upload(gradOut), kernels.upload(x), null, g, null, gw, null, null);
    const scaleGi = new Float32Array(xLen), scaleGw = new Float32Array(wLen);
    cpuBackend.conv2dBackward(abs(gradOut), abs(x), abs(w), g, scaleGi, scaleGw, null, null);
    expectClose(await kernels.read(gi), wantGi, { rtol: RTOL, atol: 1e-6, scale: scaleGi }, 'gradInput alone');
    expectClose(await kernels.read(gw), wantGw, { rtol: RTOL, atol: 1e-6, scale: scaleGw }, 'gradWeight alone');
  });

  it('relu epilogue: NaN kept forward, a NaN output passes the gradient, out <= 0 blocks it', async () => {
    const k = new ConvPoolKernels(gpu().runner);
    const kernels = gpu();
    // a 1x1 convolution with weight 1 and bias 0: out = relu(x)
    const g = geometry({ name: '', N: 1, C: 1, H: 2, W: 4, O: 1, k: 1 });
    const x = new Float32Array([NaN, -1, 0, -0, 2, 3, -Infinity, Infinity]);
    const out = kernels.alloc(8);
    k.conv2d(kernels.upload(x), kernels.upload(new Float32Array([1])), kernels.upload(new Float32Array([0])), g, out, 'relu');
    const want = new Float32Array(8);
    cpuBackend.conv2d(x, new Float32Array([1]), new Float32Array([0]), g, want, 'relu');
    expectClose(await kernels.read(out), want, {}, 'relu forward');
    const gradOut = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const gi = kernels.alloc(8), gbias = kernels.alloc(1);
    k.conv2dBackward(kernels.upload(gradOut), null, kernels.upload(new Float32Array([1])), g, gi, null, gbias, { kind: 'relu', out });
    const wantGi = new Float32Array(8), wantGb = new Float32Array(1);
    cpuBackend.conv2dBackward(gradOut, null, new Float32Array([1]), g, wantGi, null, wantGb, { kind: 'relu', out: want });
    expect(Array.from(wantGi)).toEqual([1, 0, 0, 0, 5, 6, 0, 8]);
    expectClose(await kernels.read(gi), wantGi, {}, 'relu mask gradInput');
    expectClose(await kernels.read(gbias), wantGb, {}, 'relu mask gradBias');
  });
});
