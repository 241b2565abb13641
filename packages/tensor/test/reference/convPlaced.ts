// Convolutions written into channel ranges of one larger tensor (outSampleStride > O * Ho * Wo: the
// parts of a concatenation), and their backward passes reading gradOut and the ReLU output from such
// ranges, against reference kernels on contiguous arrays. Shared by the CPU and wasm backends' tests.
import type { Conv2dGeometry, ConvKernels, Epilogue } from '../../src/index.js';

type Kernels = Pick<ConvKernels, 'conv2d' | 'conv2dBackward'>;

export interface PlacedDiffs {
  /** Per part: the largest |placed - reference| over its output channels. */
  readonly forward: number[];
  /** Per part: the largest difference over gradInput, gradWeight and gradBias. */
  readonly backward: number[];
  /** Whether elements outside every part kept the value they had (checked where `alloc` gives a filled host array). */
  readonly untouched: boolean;
}

export interface PlacedOptions {
  /** The whole output's array (default: a host array filled with 7.25, so unwritten elements show). */
  readonly alloc?: (n: number) => Float32Array;
  /** `a`'s current values (default: `a` itself; a resident backend's arrays come back first). */
  readonly read?: (a: Float32Array) => Float32Array;
  /** Channels of the whole tensor past the parts' (default 0): elements no part writes. */
  readonly spare?: number;
  /** Called once the forward passes have run, before the output is read. */
  readonly afterForward?: () => void;
}

const SENTINEL = 7.25;

function maxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Channels [c0, c0 + O) of an (N, Ot, L) array, contiguous. */
function channels(a: Float32Array, N: number, Ot: number, c0: number, O: number, L: number): Float32Array {
  const out = new Float32Array(N * O * L);
  for (let n = 0; n < N; n++) out.set(a.subarray((n * Ot + c0) * L, (n * Ot + c0 + O) * L), n * O * L);
  return out;
}

/**
 * Runs `parts` (contiguous geometries with equal N, Ho, Wo) with `kernels`, each into its channels of
 * one (N, sum of O + spare, Ho, Wo) array, then their backward passes from one gradient of that
 * array; `reference` computes each part on contiguous arrays.
 */
export function placedConvDiffs(kernels: Kernels, reference: Kernels, parts: readonly Conv2dGeometry[], epilogue: Epilogue,
  random: (n: number) => Float32Array, opts: PlacedOptions = {}): PlacedDiffs {
  const { N, Ho, Wo } = parts[0]!, L = Ho * Wo;
  if (parts.some((g) => g.N !== N || g.Ho !== Ho || g.Wo !== Wo)) throw new Error('placedConvDiffs: the parts differ in N, Ho or Wo');
  const Ot = parts.reduce((s, g) => s + g.O, 0) + (opts.spare ?? 0);
  const read = opts.read ?? ((a: Float32Array) => a);
  const whole = opts.alloc?.(N * Ot * L) ?? new Float32Array(N * Ot * L).fill(SENTINEL);
  const checkGaps = opts.alloc === undefined;
  const inputs = parts.map((g) => ({
    x: random(g.N * g.C * g.H * g.W), w: random(g.O * (g.C / g.groups) * g.kH * g.kW), b: random(g.O),
  }));
  let c0 = 0;
  const starts = parts.map((g) => {
    const s = c0;
    c0 += g.O;
    return s;
  });
  parts.forEach((g, i) => {
    const { x, w, b } = inputs[i]!;
    kernels.conv2d(x, w, b, { ...g, outSampleStride: Ot * L }, whole.subarray(starts[i]! * L), epilogue);
  });
  opts.afterForward?.();
  const values = read(whole).slice();
  const forward = parts.map((g, i) => {
    const { x, w, b } = inputs[i]!;
    const want = new Float32Array(N * g.O * L);
    reference.conv2d(x, w, b, g, want, epilogue);
    return maxDiff(channels(values, N, Ot, starts[i]!, g.O, L), want);
  });
  let untouched = true;
  if (checkGaps) {
    for (let n = 0; n < N; n++) for (let i = (n * Ot + c0) * L; i < (n + 1) * Ot * L; i++) if (values[i] !== SENTINEL) untouched = false;
  }
  const gradOut = random(N * Ot * L);
  const backward = parts.map((g, i) => {
    const { x, w } = inputs[i]!;
    const got = [new Float32Array(x.length), new Float32Array(w.length), new Float32Array(g.O)];
    const placed = { ...g, outSampleStride: Ot * L }, at = starts[i]! * L;
    kernels.conv2dBackward(gradOut.subarray(at), x, w, placed, got[0]!, got[1]!, got[2]!,
      epilogue === 'none' ? null : { kind: epilogue, out: whole.subarray(at) });
    const want = [new Float32Array(x.length), new Float32Array(w.length), new Float32Array(g.O)];
    reference.conv2dBackward(channels(gradOut, N, Ot, starts[i]!, g.O, L), x, w, g, want[0]!, want[1]!, want[2]!,
      epilogue === 'none' ? null : { kind: epilogue, out: channels(values, N, Ot, starts[i]!, g.O, L) });
    return Math.max(...got.map((a, j) => maxDiff(read(a), want[j]!)));
  });
  return { forward, backward, untouched };
}
