import { convOutputSpan, hostArray, type Conv2dGeometry, type Epilogue, type EpilogueOutput } from '@tapegrad/tensor';
import type { WasmContext } from './context.js';
import { copyPart, inputAt, outputAt, placeArray, readArray, readOutput, sumPartials, type Operand } from './transfer.js';
import { placeConvGeometry } from './geometry.js';
import { epilogueCode } from './epilogue.js';
import * as L from './layout.js';

/** The Winograd variants F(m x m, r x r) of assembly/winograd.ts, by name. */
export const WINOGRAD_VARIANTS = { 'F(2,3)': L.WINO_F2_3, 'F(4,3)': L.WINO_F4_3, 'F(2,5)': L.WINO_F2_5, 'F(4,5)': L.WINO_F4_5 } as const;
export type WinogradVariant = keyof typeof WINOGRAD_VARIANTS;

const TILE: Record<WinogradVariant, { m: number; r: number }> = {
  'F(2,3)': { m: 2, r: 3 }, 'F(4,3)': { m: 4, r: 3 }, 'F(2,5)': { m: 2, r: 5 }, 'F(4,5)': { m: 4, r: 5 },
};

/** A Winograd convolution's derived sizes (the WINO_* slots of src/layout.ts). */
export interface WinogradPlan {
  readonly variant: WinogradVariant;
  readonly m: number;
  readonly r: number;
  readonly T: number;
  /** Tile rows and columns per image. */
  readonly th: number;
  readonly tw: number;
  /** C and O rounded up to 8. */
  readonly Cp: number;
  readonly Op: number;
  /** The zero-padded input plane. */
  readonly Hp: number;
  readonly Wp: number;
  /** Tiles per block (a multiple of 4) and images per unit of work. */
  readonly block: number;
  readonly group: number;
}

/** Bytes one block's transformed input, products and input gradient may take (about a core's L2 share). */
const BLOCK_BYTES = 1024 * 1024;
const MAX_BLOCK = 128;
/**
 * Transformed weights from this size on: a backward computing both the input and the weight
 * gradient makes them in two passes (measured in nin's training step: its 5x5 layer, 528 KB of them,
 * 10.0 -> 9.4 ms, its 3x3 64 -> 128 one 6.2 -> 5.8; squeezenet's 3x3 16 -> 64, 150 KB, slower in two).
 */
const SEPARATE_PASSES_BYTES = 512 * 1024;

/**
 * Whether the convolution has a Winograd form here: groups 1, stride 1, dilation 1, a square 3x3 or
 * 5x5 kernel, and the padding of an ordinary convolution (the output no taller or wider than the
 * zero-padded input allows, bottom/right padding >= 0).
 */
export function winogradApplies(g: Conv2dGeometry): boolean {
  return g.groups === 1 && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1 &&
    g.kH === g.kW && (g.kH === 3 || g.kH === 5) && g.padH >= 0 && g.padW >= 0 && g.Ho >= 1 && g.Wo >= 1 &&
    g.Ho + g.kH - 1 >= g.H + g.padH && g.Wo + g.kW - 1 >= g.W + g.padW && g.N >= 1 && g.C >= 1 && g.O >= 1;
}

/**
 * The variant used for a kernel size when none is asked for: 4x4 output tiles, the fastest measured
 * (F(4,3) 1.5-1.6x faster than F(2,3) on nin's and squeezenet's 3x3 layers, F(4,5) 1.5x faster than
 * F(2,5) on nin's 5x5 one); their fp32 error stays within a few 1e-6 of the sum of the terms'
 * magnitudes (test/winograd.test.ts).
 */
export function defaultVariant(g: Conv2dGeometry): WinogradVariant {
  return g.kH === 5 ? 'F(4,5)' : 'F(4,3)';
}

/**
 * Whether Winograd is expected to beat im2col on this shape (where it applies). Per output position
 * it saves r^2 - T^2/m^2 multiply-adds per (input, output) channel pair; per call it transforms each
 * pair's kernel (T^2 values, costing about 30 multiply-adds each) and streams the T^2 * C * O
 * transformed weights once per block. Measured on one thread (src/conv.ts's routing): a 64 -> 128,
 * 3x3 layer on 7x7 breaks even at N = 3-4 (150-200 positions), 256 -> 256 on one 14x14 image stays
 * 25% slower, and below 8 input channels the transforms cost more than the products save
 * (1 -> 64, 3x3 on 28x28: 3x slower; 4 -> 16: 1.2x slower forward).
 */
export function winogradPays(g: Conv2dGeometry, variant: WinogradVariant = defaultVariant(g)): boolean {
  const { m, r } = TILE[variant], T = m + r - 1, positions = g.N * g.Ho * g.Wo;
  return g.C >= 8 && positions * (r * r - (T * T) / (m * m)) >= 30 * T * T && positions * 64 >= g.C * g.O;
}

export function winogradPlan(g: Conv2dGeometry, variant: WinogradVariant = defaultVariant(g)): WinogradPlan {
  const { m, r } = TILE[variant];
  if (r !== g.kH) throw new Error(`winograd: ${variant} needs a ${r}x${r} kernel, got ${g.kH}x${g.kW}`);
  const T = m + r - 1, th = Math.ceil(g.Ho / m), tw = Math.ceil(g.Wo / m);
  const Cp = Math.ceil(g.C / 8) * 8, Op = Math.ceil(g.O / 8) * 8, tpi = th * tw;
  const fit = Math.floor(BLOCK_BYTES / (T * T * (2 * Cp + 2 * Op) * 4) / 4) * 4;
  const most = Math.max(4, Math.min(MAX_BLOCK, fit));
  const group = Math.max(1, Math.min(g.N, Math.floor(most / tpi)));
  // the group's tiles in blocks of about equal size
  const tiles = group * tpi, blocks = Math.ceil(tiles / most);
  const block = Math.ceil(Math.ceil(tiles / blocks) / 4) * 4;
  return { variant, m, r, T, th, tw, Cp, Op, Hp: th * m + r - 1, Wp: tw * m + r - 1, block, group };
}

/** Floats of the transformed weights (or of one thread's weight gradient): T*T matrices of CP x OP, each followed by 16 floats (XI_PAD of assembly/winograd.ts). */
function transformedWeightFloats(p: WinogradPlan): number {
  return p.T * p.T * (p.Cp * p.Op + 16);
}

/** The convolution's geometry, then the plan's WINO_* slots. */
function placeGeometry(ctx: WasmContext, g: Conv2dGeometry, p: WinogradPlan): number {
  const { at, v } = placeConvGeometry(ctx.mem, g, L.WINO_SLOTS);
  v[L.WINO_VARIANT] = WINOGRAD_VARIANTS[p.variant]; v[L.WINO_M] = p.m; v[L.WINO_T] = p.T;
  v[L.WINO_TH] = p.th; v[L.WINO_TW] = p.tw; v[L.WINO_CP] = p.Cp; v[L.WINO_OP] = p.Op;
  v[L.WINO_HP] = p.Hp; v[L.WINO_WP] = p.Wp; v[L.WINO_BLOCK] = p.block; v[L.WINO_GROUP] = p.group;
  return at;
}

/** The Winograd convolution kernels (assembly/winograd.ts) for the shapes where winogradApplies. */
export interface WinogradKernels {
  /**
   * As ConvKernels.conv2d. Returns false, with `out` partly written, when an infinite or NaN value
   * showed (in x, w, bias or the result): then the caller must compute it another way (a Winograd
   * tile spreads such a value over all of its outputs, further than a direct convolution would).
   */
  conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, g: Conv2dGeometry, out: Float32Array,
    epilogue: Epilogue, variant?: WinogradVariant): boolean;
  /**
   * As ConvKernels.conv2dBackward, with at least one of gradInput and gradWeight; false (with the
   * outputs partly written) as conv2d.
   */
  conv2dBackward(gradOut: Float32Array, x: Float32Array | null, w: Float32Array | null, g: Conv2dGeometry,
    gradInput: Float32Array | null, gradWeight: Float32Array | null, gradBias: Float32Array | null,
    epilogue: EpilogueOutput | null, variant?: WinogradVariant): boolean;
}

/**
 * Winograd convolutions on the wasm backend: the weights are transformed once per call (split over
 * the threads), then the threads transform, multiply and transform back blocks of tiles of their
 * images. The forward's threads take groups of images from a shared counter; the backward splits the
 * images statically (the weight gradient's per-thread sums, added up at the end, do not depend on
 * timing).
 */
export function makeWinogradKernels(ctx: WasmContext): WinogradKernels {
  const mem = ctx.mem;
  /** Per-thread scratch of the weight transforms: 3 T*T vectors. */
  const weightTmp = (p: WinogradPlan, parts: number): number => mem.take(parts * 3 * p.T * p.T * 4);
  const work = (geom: number, parts: number): number => mem.take(parts * mem.exports.winogradWorkBytes(geom) / 4);
  const macs = (g: Conv2dGeometry): number => g.N * g.O * g.Ho * g.Wo * g.C * g.kH * g.kW;

  /** One pass of the Winograd backward over the gradients asked for (as conv2dBackward). */
  function backward(gradOut: Float32Array, x: Float32Array | null, w: Float32Array | null, g: Conv2dGeometry,
    gradInput: Float32Array | null, gradWeight: Float32Array | null, gradBias: Float32Array | null,
    epilogue: EpilogueOutput | null, variant: WinogradVariant | undefined): boolean {
    const p = winogradPlan(g, variant);
    const reluOut = epilogue === null ? null : epilogue.out;
    mem.reset();
    const geom = placeGeometry(ctx, g, p);
    const sizeY = convOutputSpan(g), sizeX = g.N * g.C * g.H * g.W, sizeU = transformedWeightFloats(p);
    const none: Operand = { ptr: 0, copy: false };
    const gy = inputAt(mem, gradOut, sizeY), pgy = gy.ptr;
    const mask = reluOut !== null ? inputAt(mem, reluOut, sizeY) : none, pmask = mask.ptr;
    const xs = gradWeight !== null ? inputAt(mem, x!, sizeX) : none, px = xs.ptr;
    const pw = gradInput !== null ? placeArray(mem, w!, g.O * g.C * g.kH * g.kW) : 0;
    const u = gradInput !== null ? mem.take(sizeU) : 0;
    const gyb = mem.take(g.N * p.Op * p.th * p.m * p.tw * p.m);
    const xb = gradWeight !== null ? mem.take(g.N * p.Cp * p.Hp * p.Wp) : 0;
    const gxb = gradInput !== null ? mem.take(g.N * p.Cp * p.Hp * p.Wp) : 0;
    const pgx = gradInput !== null ? outputAt(mem, gradInput, sizeX) : 0;
    const jobs = (gradInput !== null ? 1 : 0) + (gradWeight !== null ? 1 : 0);
    const parts = ctx.parts('winogradBackward', jobs * macs(g), g.N);
    const wparts = ctx.parts('winogradWeights', macs(g));
    const du = gradWeight !== null ? mem.take(parts * sizeU) : 0;
    const pgw = gradWeight !== null ? mem.take(g.O * g.C * g.kH * g.kW) : 0;
    const pgb = gradBias !== null ? mem.take(2 * parts * p.Op) : 0;
    const tmp = weightTmp(p, Math.max(parts, wparts)), pwork = work(geom, parts);
    const flag = mem.take(1);
    const counters = new Int32Array(mem.memory.buffer);
    counters[flag >> 2] = 0;
    // The inputs go in while the workers transform the weights, if there are weights to transform.
    const copyIn = (): void => {
      copyPart(mem, gy, gradOut, 0, sizeY);
      if (reluOut !== null) copyPart(mem, mask, reluOut, 0, sizeY);
      if (gradWeight !== null) copyPart(mem, xs, x!, 0, sizeX);
    };
    if (gradInput !== null) ctx.run('winogradWeights', [geom, pw, u, 1, tmp], wparts, copyIn);
    else copyIn();
    ctx.run('winogradBackward', [geom, pgy, pmask, px, u, pgx, du, pgb, gyb, xb, gxb, pwork, flag], parts);
    if (gradWeight !== null) ctx.run('winogradWeightGrad', [geom, du, parts, pgw, tmp, flag], Math.min(wparts, g.O));
    if (counters[flag >> 2] !== 0) return false;
    if (gradInput !== null) readArray(mem, pgx, sizeX, gradInput);
    if (gradWeight !== null) readArray(mem, pgw, g.O * g.C * g.kH * g.kW, gradWeight);
    if (gradBias !== null) sumPartials(mem, pgb, parts, p.Op, g.O, gradBias);
    return true;
  }

  return {
    conv2d(x, w, bias, g, out, epilogue, variant) {
      const p = winogradPlan(g, variant);
      mem.reset();
      const geom = placeGeometry(ctx, g, p);
      const sizeX = g.N * g.C * g.H * g.W;
      const xs = inputAt(mem, x, sizeX), px = xs.ptr, pw = placeArray(mem, w, g.O * g.C * g.kH * g.kW);
      let pb = 0;
      if (bias !== null) {
        pb = mem.take(p.Op);
        mem.f32.fill(0, pb >> 2, (pb >> 2) + p.Op);
        mem.f32.set(hostArray(bias).subarray(0, g.O), pb >> 2);
      }
      const py = outputAt(mem, out, convOutputSpan(g));
      const u = mem.take(transformedWeightFloats(p));
      const xb = mem.take(g.N * p.Cp * p.Hp * p.Wp);
      const parts = ctx.parts('winogradForward', macs(g), Math.ceil(g.N / p.group));
      const wparts = ctx.parts('winogradWeights', macs(g));
      const tmp = weightTmp(p, wparts), pwork = work(geom, parts);
      const next = mem.take(1), flag = mem.take(1);
      const counters = new Int32Array(mem.memory.buffer);
      counters[next >> 2] = 0;
      counters[flag >> 2] = 0;
      // x goes in while the workers transform the weights (the forward's threads never wait for it:
      // see assembly/winograd.ts)
      const copyIn = (): void => copyPart(mem, xs, x, 0, sizeX);
      ctx.run('winogradWeights', [geom, pw, u, 0, tmp], wparts, copyIn);
      // while groups are left for the workers, arrays due back to the host go back
      ctx.run('winogradForward', [geom, px, u, pb, py, xb, pwork, epilogueCode(epilogue), next, flag], parts,
        () => ctx.drainWhile(next, Math.ceil(g.N / p.group)));
      if (counters[flag >> 2] !== 0) return false;
      readOutput(mem, py, g, out);
      return true;
    },

    conv2dBackward(gradOut, x, w, g, gradInput, gradWeight, gradBias, epilogue, variant) {
      // Each block of tiles streams the transformed weights (for the input gradient) and its thread's
      // weight-gradient sums (for the weight gradient); where together they overflow a core's L2,
      // they evict each other, and two passes (the blocked gradient made twice) are faster.
      if (gradInput !== null && gradWeight !== null && transformedWeightFloats(winogradPlan(g, variant)) * 4 >= SEPARATE_PASSES_BYTES) {
        return backward(gradOut, null, w, g, gradInput, null, null, epilogue, variant) &&
          backward(gradOut, x, null, g, null, gradWeight, gradBias, epilogue, variant);
      }
      return backward(gradOut, x, w, g, gradInput, gradWeight, gradBias, epilogue, variant);
    },
  };
}
