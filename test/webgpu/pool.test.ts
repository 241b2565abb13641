import { describe, expect, it } from 'vitest';
import { cpuBackend, Generator, type Pool2dGeometry } from '@tapegrad/tensor';
// Not exported from the package index yet (the WebGpuKernels integration comes later).
import { ConvPoolKernels } from '@tapegrad/backend-webgpu';
import { expectClose, expectSame, uniform, useGpu, values } from './helpers.js';

// 2-d pooling against the CPU backend: max pooling (values and argmax bit for bit, ties, NaN, -inf,
// padding, dilation, ceilMode) and its backward, overlapping windows included; average pooling
// with ceilMode edge windows, countIncludePad and divisorOverride; global and adaptive average
// pooling; every backward. The backward kernels add into `out`, as the CPU's: it starts non-zero.
const gpu = useGpu();

interface Window { k: [number, number]; s?: [number, number]; p?: [number, number]; d?: [number, number]; ceil?: boolean }
interface Case extends Window { name: string; planes: number; inH: number; inW: number }

/** PyTorch's pooling output size (the last window dropped when it would start in the right padding). */
function outSize(L: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let out = Math.floor((L + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (out - 1) * s >= L + p) out--;
  return out;
}

function geometry(c: Case): Pool2dGeometry {
  const [kH, kW] = c.k, [sH, sW] = c.s ?? c.k, [pH, pW] = c.p ?? [0, 0], [dH, dW] = c.d ?? [1, 1];
  return {
    planes: c.planes, inH: c.inH, inW: c.inW, kH, kW, sH, sW, pH, pW, dH, dW,
    outH: outSize(c.inH, kH, sH, pH, dH, c.ceil === true), outW: outSize(c.inW, kW, sW, pW, dW, c.ceil === true),
  };
}

const maxCases: Case[] = [
  { name: 'nin/squeezenet 3 stride 2 ceilMode 28x28', planes: 2 * 32, inH: 28, inW: 28, k: [3, 3], s: [2, 2], ceil: true },
  { name: '3 stride 2 ceilMode 13x14', planes: 2 * 16, inH: 13, inW: 14, k: [3, 3], s: [2, 2], ceil: true },
  { name: '2 stride 2 odd 7x9', planes: 6, inH: 7, inW: 9, k: [2, 2] },
  { name: '3 stride 1 pad 1 dilation 2 9x11', planes: 5, inH: 9, inW: 11, k: [3, 3], s: [1, 1], p: [1, 1], d: [2, 2] },
  { name: '3x2 stride 2x1 pad 1x1 ceilMode 10x7', planes: 4, inH: 10, inW: 7, k: [3, 2], s: [2, 1], p: [1, 1], ceil: true },
  { name: '4 stride 3 pad 2 dilation 1x2 ceilMode 11x12', planes: 3, inH: 11, inW: 12, k: [4, 4], s: [3, 3], p: [2, 2], d: [1, 2], ceil: true },
];

const avgCases: Case[] = [
  { name: 'squeezenet 3 stride 2 ceilMode 13x13', planes: 2 * 16, inH: 13, inW: 13, k: [3, 3], s: [2, 2], ceil: true },
  { name: 'avgpool 7 (7x7 -> 1x1)', planes: 2 * 10, inH: 7, inW: 7, k: [7, 7] },
  { name: '3 stride 2 pad 1 ceilMode 10x11', planes: 6, inH: 10, inW: 11, k: [3, 3], s: [2, 2], p: [1, 1], ceil: true },
  { name: '2x3 stride 2 ceilMode odd 9x8', planes: 5, inH: 9, inW: 8, k: [2, 3], s: [2, 2], ceil: true },
  { name: '4 stride 3 pad 2 ceilMode 11x12', planes: 3, inH: 11, inW: 12, k: [4, 4], s: [3, 3], p: [2, 2], ceil: true },
];

/** Inputs with NaN, ±inf, ±0 and ties (half-integer steps), plus a few all -inf windows. */
function poolInput(rnd: Generator, n: number): Float32Array {
  const x = values(rnd, n, -3, 3, [NaN, -Infinity, Infinity, 0, -0, 1.5]);
  for (let i = 0; i < n; i++) if (i % 5 !== 0) x[i] = Math.round(x[i]! * 2) / 2;
  for (let i = 7; i < n; i += 97) for (let j = 0; j < 6 && i + j < n; j++) x[i + j] = -Infinity;
  return x;
}

describe('webgpu maxPool2d', () => {
  for (const c of maxCases) {
    it(`${c.name}: values, argmax and backward match the CPU backend`, async () => {
      const k = new ConvPoolKernels(gpu().runner);
      const kernels = gpu();
      const g = geometry(c);
      const rnd = new Generator(c.planes * 100 + c.inH * 10 + c.inW);
      const inLen = g.planes * g.inH * g.inW, outLen = g.planes * g.outH * g.outW;
      const x = poolInput(rnd, inLen);
      const want = new Float32Array(outLen), wantArg = new Float32Array(outLen);
      cpuBackend.maxPool2d(x, g, want, wantArg);
      const out = kernels.alloc(outLen), arg = kernels.alloc(outLen);
      k.maxPool2d(kernels.upload(x), g, out, arg);
      expectSame(await kernels.read(out), want, `${c.name} values`);
      expectSame(await kernels.read(arg), wantArg, `${c.name} argmax`);
      expect(want.some(Number.isNaN)).toBe(true);

      // backward: both forms, into an out full of NaN (overwritten); the sums are the CPU's order, so float32 alike
      const gOut = uniform(rnd, outLen), out0 = new Float32Array(inLen).fill(NaN);
      const wantG = new Float32Array(inLen);
      cpuBackend.maxPoolBackward(gOut, wantArg, g.planes, g.inH * g.inW, g.outH * g.outW, wantG);
      const gb = kernels.upload(gOut), argB = kernels.upload(wantArg);
      const scan = kernels.upload(out0), geo = kernels.upload(out0);
      k.maxPoolBackward(gb, argB, g.planes, g.inH * g.inW, g.outH * g.outW, scan);
      k.maxPool2dBackward(gb, argB, g, geo);
      const tol = { rtol: 1.2e-7, atol: 1e-7 };
      expectClose(await kernels.read(scan), wantG, tol, `${c.name} maxPoolBackward`);
      expectClose(await kernels.read(geo), wantG, tol, `${c.name} maxPool2dBackward`);
    });
  }

  it('maxPoolBackward gathers arbitrary indices (repeats, no order) as the CPU scatters them', async () => {
    const k = new ConvPoolKernels(gpu().runner);
    const kernels = gpu();
    const rnd = new Generator(77);
    const planes = 3, inPlane = 300, outPlane = 517;
    const arg = new Float32Array(planes * outPlane).map(() => Math.floor(rnd.random() * inPlane));
    for (let o = 0; o < outPlane; o += 3) arg[outPlane + o] = 150; // many repeats in plane 1
    const gOut = uniform(rnd, planes * outPlane), out0 = new Float32Array(planes * inPlane).fill(NaN);
    const want = new Float32Array(planes * inPlane);
    cpuBackend.maxPoolBackward(gOut, arg, planes, inPlane, outPlane, want);
    const out = kernels.upload(out0);
    k.maxPoolBackward(kernels.upload(gOut), kernels.upload(arg), planes, inPlane, outPlane, out);
    expectClose(await kernels.read(out), want, { rtol: 1.2e-7, atol: 1e-7 }, 'random indices');
  });

  it('overlapping windows sum their gradients into a shared argmax', async () => {
    const k = new ConvPoolKernels(gpu().runner);
    const kernels = gpu();
    // a 5x5 plane whose maximum sits at the centre: all four 3x3 stride 2 windows pick it
    const g = geometry({ name: '', planes: 1, inH: 5, inW: 5, k: [3, 3], s: [2, 2] });
    const x = new Float32Array(25).fill(0);
    x[12] = 9;
    const out = kernels.alloc(4), arg = kernels.alloc(4);
    k.maxPool2d(kernels.upload(x), g, out, arg);
    expect(Array.from(await kernels.read(arg))).toEqual([12, 12, 12, 12]);
    const gx = kernels.alloc(25), gx2 = kernels.alloc(25);
    const gOut = kernels.upload(new Float32Array([1, 2, 4, 8]));
    k.maxPoolBackward(gOut, arg, 1, 25, 4, gx);
    k.maxPool2dBackward(gOut, arg, g, gx2);
    const want = new Float32Array(25);
    want[12] = 15;
    expectSame(await kernels.read(gx), want, 'scan');
    expectSame(await kernels.read(gx2), want, 'geometric');
  });
});

describe('webgpu avgPool2d', () => {
  for (const c of avgCases) {
    for (const [countIncludePad, divisorOverride] of [[true, 0], [false, 0], [false, 5]] as const) {
      it(`${c.name}, countIncludePad ${countIncludePad}, divisorOverride ${divisorOverride}: forward and backward match the CPU backend`, async () => {
        const k = new ConvPoolKernels(gpu().runner);
        const kernels = gpu();
        const g = geometry(c);
        const rnd = new Generator(c.planes * 100 + c.inH * 10 + c.inW + divisorOverride);
        const inLen = g.planes * g.inH * g.inW, outLen = g.planes * g.outH * g.outW;
        const x = uniform(rnd, inLen, -2, 2);
        x[inLen >> 1] = NaN;
        const want = new Float32Array(outLen), scale = new Float32Array(outLen);
        cpuBackend.avgPool2d(x, g, countIncludePad, divisorOverride, want);
        cpuBackend.avgPool2d(x.map(Math.abs), g, countIncludePad, divisorOverride, scale);
        const out = kernels.upload(uniform(rnd, outLen));
        k.avgPool2d(kernels.upload(x), g, countIncludePad, divisorOverride, out);
        expectClose(await kernels.read(out), want, { rtol: 1e-6, atol: 1e-7, scale }, `${c.name} forward`);

        const gOut = uniform(rnd, outLen), out0 = new Float32Array(inLen).fill(NaN);
        const wantG = new Float32Array(inLen), scaleG = new Float32Array(inLen);
        cpuBackend.avgPool2dBackward(gOut, g, countIncludePad, divisorOverride, wantG);
        cpuBackend.avgPool2dBackward(gOut.map(Math.abs), g, countIncludePad, divisorOverride, scaleG);
        const gx = kernels.upload(out0);
        k.avgPool2dBackward(kernels.upload(gOut), g, countIncludePad, divisorOverride, gx);
        expectClose(await kernels.read(gx), wantG, { rtol: 1e-6, atol: 1e-7, scale: scaleG }, `${c.name} backward`);
      });
    }
  }
});

describe('webgpu global and adaptive average pooling', () => {
  for (const [planes, H, W] of [[2 * 64, 13, 13], [20, 7, 7], [3, 40, 30], [5, 1, 1]] as const) {
    it(`globalAvgPool2d ${planes} planes of ${H}x${W} and its backward match the CPU backend`, async () => {
      const k = new ConvPoolKernels(gpu().runner);
      const kernels = gpu();
      const rnd = new Generator(planes + H * W);
      const size = H * W, inLen = planes * size;
      const x = uniform(rnd, inLen, -2, 2);
      x[size + 3] = NaN;
      const want = new Float32Array(planes), scale = new Float32Array(planes);
      cpuBackend.globalAvgPool2d(x, planes, size, want);
      cpuBackend.globalAvgPool2d(x.map(Math.abs), planes, size, scale);
      const out = kernels.alloc(planes);
      k.globalAvgPool2d(kernels.upload(x), planes, size, out);
      expectClose(await kernels.read(out), want, { rtol: 1e-6, atol: 1e-7, scale }, 'globalAvgPool2d');
      const gOut = uniform(rnd, planes);
      const wantG = new Float32Array(inLen);
      cpuBackend.globalAvgPool2dBackward(gOut, planes, size, wantG);
      const gx = kernels.upload(uniform(rnd, inLen)); // overwritten
      k.globalAvgPool2dBackward(kernels.upload(gOut), planes, size, gx);
      expectClose(await kernels.read(gx), wantG, { rtol: 1.2e-7, atol: 1e-7 }, 'globalAvgPool2dBackward');
    });
  }

  for (const [planes, inH, inW, outH, outW] of [[6, 10, 9, 4, 5], [4, 5, 3, 7, 6], [8, 13, 13, 1, 1], [3, 7, 7, 7, 7], [2, 12, 11, 5, 3]] as const) {
    it(`adaptiveAvgPool2d ${inH}x${inW} -> ${outH}x${outW} and its backward match the CPU backend`, async () => {
      const k = new ConvPoolKernels(gpu().runner);
      const kernels = gpu();
      const rnd = new Generator(inH * 100 + inW * 10 + outH + outW);
      const inLen = planes * inH * inW, outLen = planes * outH * outW;
      const x = uniform(rnd, inLen, -2, 2);
      x[inLen - 2] = NaN;
      const want = new Float32Array(outLen), scale = new Float32Array(outLen);
      cpuBackend.adaptiveAvgPool2d(x, planes, inH, inW, outH, outW, want);
      cpuBackend.adaptiveAvgPool2d(x.map(Math.abs), planes, inH, inW, outH, outW, scale);
      const out = kernels.alloc(outLen);
      k.adaptiveAvgPool2d(kernels.upload(x), planes, inH, inW, outH, outW, out);
      expectClose(await kernels.read(out), want, { rtol: 1e-6, atol: 1e-7, scale }, 'adaptiveAvgPool2d');
      const gOut = uniform(rnd, outLen), out0 = uniform(rnd, inLen);
      const wantG = out0.slice(), scaleG = out0.map(Math.abs);
      cpuBackend.adaptiveAvgPool2dBackward(gOut, planes, inH, inW, outH, outW, wantG);
      cpuBackend.adaptiveAvgPool2dBackward(gOut.map(Math.abs), planes, inH, inW, outH, outW, scaleG);
      const gx = kernels.upload(out0);
      k.adaptiveAvgPool2dBackward(kernels.upload(gOut), planes, inH, inW, outH, outW, gx);
      expectClose(await kernels.read(gx), wantG, { rtol: 1e-6, atol: 1e-7, scale: scaleG }, 'adaptiveAvgPool2dBackward');
    });
  }
});
