// Convolution geometries shared by the wasm backend's conv tests: every option of Conv2dGeometry.
import type { Conv2dGeometry } from '../../src/index.js';

function geometry(N: number, C: number, H: number, W: number, O: number, k: [number, number],
  opts: { stride?: [number, number]; pad?: [number, number]; dilation?: [number, number]; groups?: number } = {}): Conv2dGeometry {
  const [kH, kW] = k, [strideH, strideW] = opts.stride ?? [1, 1], [padH, padW] = opts.pad ?? [0, 0];
  const [dilationH, dilationW] = opts.dilation ?? [1, 1];
  const Ho = Math.floor((H + 2 * padH - dilationH * (kH - 1) - 1) / strideH) + 1;
  const Wo = Math.floor((W + 2 * padW - dilationW * (kW - 1) - 1) / strideW) + 1;
  return { N, C, H, W, O, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups: opts.groups ?? 1, Ho, Wo, outSampleStride: O * Ho * Wo };
}

export const convCases: { name: string; g: Conv2dGeometry; bias: boolean }[] = [
  { name: '5x5 pad 2 (nin block 1) N=3', g: geometry(3, 1, 12, 12, 8, [5, 5], { pad: [2, 2] }), bias: true },
  { name: '1x1 pointwise N=4', g: geometry(4, 16, 7, 7, 12, [1, 1]), bias: true },
  { name: '1x1 pointwise on 14x14 N=5', g: geometry(5, 8, 14, 14, 8, [1, 1]), bias: true },
  { name: '1x1 pointwise, depth 160 (more than one GEMM depth block), no bias', g: geometry(3, 160, 5, 5, 9, [1, 1]), bias: false },
  { name: '3x3 pad 1, odd sizes, no bias', g: geometry(2, 5, 9, 11, 7, [3, 3], { pad: [1, 1] }), bias: false },
  { name: 'stride 2, non-square kernel 3x2', g: geometry(3, 4, 10, 9, 6, [3, 2], { stride: [2, 2], pad: [1, 0] }), bias: true },
  { name: 'dilation 2, stride (1, 2)', g: geometry(2, 3, 11, 12, 5, [3, 3], { stride: [1, 2], dilation: [2, 2], pad: [2, 1] }), bias: true },
  { name: 'groups 2', g: geometry(3, 6, 8, 8, 4, [3, 3], { pad: [1, 1], groups: 2 }), bias: true },
  { name: '1x1 with stride 2 (not pointwise)', g: geometry(2, 8, 9, 9, 8, [1, 1], { stride: [2, 2] }), bias: false },
  { name: 'padding larger than the kernel reach', g: geometry(2, 2, 4, 5, 3, [2, 2], { pad: [3, 3] }), bias: true },
  { name: 'one sample', g: geometry(1, 3, 6, 6, 4, [3, 3]), bias: true },
];
