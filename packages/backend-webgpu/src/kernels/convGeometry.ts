// The convolution geometry as int params, and the WGSL that names them: shared by the forward and
// backward convolution kernels (convForward.ts, convBackward.ts).
import type { Conv2dGeometry } from '@tapegrad/tensor';
import { pi } from '../wgsl.js';

const NAMES = ['NB', 'C', 'H', 'W', 'O', 'kH', 'kW', 'sH', 'sW', 'pH', 'pW', 'dH', 'dW', 'Ho', 'Wo', 'Cg', 'Og'] as const;

/** How many int params convInts gives. */
export const CONV_INTS = NAMES.length;

/** The geometry as int params, in the order convLets names them (NB is the batch size N). */
export function convInts(g: Conv2dGeometry): number[] {
  return [g.N, g.C, g.H, g.W, g.O, g.kH, g.kW, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW,
    g.Ho, g.Wo, g.C / g.groups, g.O / g.groups];
}

/**
 * WGSL `let`s of the geometry read from params.i[base] on, plus the derived sizes KK = kH kW,
 * HW = H W and L = Ho Wo.
 */
export function convLets(base: number): string {
  let s = '';
  NAMES.forEach((n, j) => { s += `  let ${n} = ${pi(base + j)};\n`; });
  return `${s}  let KK = kH * kW; let HW = H * W; let L = Ho * Wo;\n`;
}

/** Throws unless the geometry is a consistent one (channels divisible by groups, every size >= 0) with a contiguous output. */
export function checkConvGeometry(fn: string, g: Conv2dGeometry): void {
  // this backend does not say placesConvOutput: its outputs are contiguous
  if (g.outSampleStride !== g.O * g.Ho * g.Wo) {
    throw new Error(`backend-webgpu ${fn}: outSampleStride ${g.outSampleStride} is not O * Ho * Wo = ${g.O * g.Ho * g.Wo}; expected a contiguous output`);
  }
  if (g.groups < 1 || g.C % g.groups !== 0 || g.O % g.groups !== 0) {
    throw new Error(`backend-webgpu ${fn}: C = ${g.C} and O = ${g.O} must be divisible by groups = ${g.groups}`);
  }
  if (g.strideH < 1 || g.strideW < 1 || g.dilationH < 1 || g.dilationW < 1) {
    throw new Error(`backend-webgpu ${fn}: stride and dilation must be at least 1`);
  }
}
