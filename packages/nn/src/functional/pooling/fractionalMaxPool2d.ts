import { Tensor, kernels, rand, fail, formatShape, shapesEqual, type Generator } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, toTuple, type Size2 } from './poolArgs.js';

export interface FractionalMaxPool2dOptions {
  /** The output size `[Ho, Wo]` (or one number for both); wins over outputRatio. */
  outputSize?: Size2 | null;
  /** The output size as a fraction of the input, each in (0, 1): `Ho = floor(H * ratio)`. */
  outputRatio?: number | readonly [number, number] | null;
  /** Also return the argmax indices, flat within each H*W plane. @default false */
  returnIndices?: boolean;
  /** One (u_w, u_h) pair in [0, 1) per plane, shape (N, C, 2) ((1, C, 2) unbatched). @default drawn from `generator` */
  randomSamples?: Tensor | null;
  /** Source of the random samples. @default the global generator */
  generator?: Generator;
}

type Saved = { indices: Tensor; inputShape: readonly number[] };
type FracParams = { kH: number; kW: number; outH: number; outW: number; startsH: Int32Array; startsW: Int32Array };

const fractionalMaxPool2dOp = defineOp({
  name: 'fractionalMaxPool2d',
  forward(ctx: OpContext<Saved>, x: Tensor, p: FracParams): [Tensor, Tensor] {
    const { output, indices } = kernels.fractionalMaxPool2d(x, p.kH, p.kW, p.outH, p.outW, p.startsH, p.startsW);
    ctx.save({ indices, inputShape: x.shape });
    return [output, indices];
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { indices, inputShape } = ctx.saved;
    return [kernels.maxPoolBackward(g, indices, inputShape, 2)];
  },
});

/**
 * PyTorch's interval generation, in float32 as its CPU kernel computes it for float input:
 * alpha = (L - k) / (out - 1); start_i = int((i + u) * alpha) - int(u * alpha); the last window
 * ends at the input's end.
 */
function writeStarts(dst: Int32Array, at: number, u: number, L: number, out: number, k: number): void {
  const f = Math.fround;
  if (out > 1) {
    const alpha = f(f(L - k) / f(out - 1));
    const base = Math.trunc(f(f(u) * alpha));
    for (let i = 0; i < out - 1; i++) dst[at + i] = Math.trunc(f(f(i + f(u)) * alpha)) - base;
  }
  if (out > 0) dst[at + out - 1] = L - k;
}

function resolveOutput(fn: string, o: FractionalMaxPool2dOptions, H: number, W: number): [number, number] {
  if (o.outputSize !== undefined && o.outputSize !== null) return toTuple(fn, 'outputSize', o.outputSize, 2, 1) as [number, number];
  if (o.outputRatio === undefined || o.outputRatio === null) fail(fn, 'neither outputSize nor outputRatio is given; expected one of them');
  const ratio: unknown[] = Array.isArray(o.outputRatio) ? o.outputRatio : [o.outputRatio, o.outputRatio];
  if (ratio.length !== 2 || ratio.some((r) => typeof r !== 'number' || !(r > 0 && r < 1))) {
    fail(fn, `outputRatio ${JSON.stringify(o.outputRatio)} is not in (0, 1); expected a number or two numbers strictly between 0 and 1`);
  }
  return [Math.floor(H * (ratio[0] as number)), Math.floor(W * (ratio[1] as number))];
}

/**
 * (N, C, H, W) -> (N, C, Ho, Wo) (or (C, H, W)): max over kH x kW windows placed at
 * pseudo-random, increasing offsets (Graham's fractional max pooling) so that Ho, Wo can be any
 * size with Ho + kH - 1 <= H. Given the same `randomSamples`, the windows are PyTorch's.
 */
export function fractionalMaxPool2d(x: Input, kernelSize: Size2, opts?: FractionalMaxPool2dOptions & { returnIndices?: false }): Variable;
export function fractionalMaxPool2d(x: Input, kernelSize: Size2, opts: FractionalMaxPool2dOptions & { returnIndices: true }): [Variable, Tensor];
export function fractionalMaxPool2d(x: Input, kernelSize: Size2, opts?: FractionalMaxPool2dOptions): Variable | [Variable, Tensor];
export function fractionalMaxPool2d(x: Input, kernelSize: Size2, opts: FractionalMaxPool2dOptions = {}): Variable | [Variable, Tensor] {
  const fn = 'fractionalMaxPool2d';
  const [H, W] = expectPoolInput(fn, x.shape, 2) as [number, number];
  const [kH, kW] = toTuple(fn, 'kernelSize', kernelSize, 2, 1) as [number, number];
  const [outH, outW] = resolveOutput(fn, opts, H, W);
  if (outH < 1 || outW < 1) fail(fn, `output size ${outH}x${outW} for input ${H}x${W} is empty; expected an output size >= 1 (raise outputRatio)`);
  if (outH + kH - 1 > H) fail(fn, `kernelSize ${kH} with output height ${outH} needs ${outH + kH - 1} rows but the input has ${H}; expected outputSize + kernelSize - 1 <= input size`);
  if (outW + kW - 1 > W) fail(fn, `kernelSize ${kW} with output width ${outW} needs ${outW + kW - 1} columns but the input has ${W}; expected outputSize + kernelSize - 1 <= input size`);
  const batch = x.shape.length === 4 ? x.shape[0]! : 1, C = x.shape[x.shape.length - 3]!;
  const want = [batch, C, 2];
  let samples = opts.randomSamples ?? null;
  if (samples === null) samples = rand(want, opts.generator ? { generator: opts.generator } : {});
  else if (!shapesEqual(samples.shape, want)) fail(fn, `randomSamples shape ${formatShape(samples.shape)} does not fit input ${formatShape(x.shape)}; expected ${formatShape(want)}`);
  const u = samples.values();
  for (let i = 0; i < u.length; i++) {
    if (!(u[i]! >= 0 && u[i]! < 1)) fail(fn, `randomSamples entry ${u[i]} at position ${i} is outside [0, 1); expected samples in [0, 1)`);
  }
  const planes = batch * C;
  const startsH = new Int32Array(planes * outH), startsW = new Int32Array(planes * outW);
  for (let p = 0; p < planes; p++) {
    writeStarts(startsW, p * outW, u[2 * p]!, W, outW, kW);
    writeStarts(startsH, p * outH, u[2 * p + 1]!, H, outH, kH);
  }
  const [out, indices] = fractionalMaxPool2dOp(x, { kH, kW, outH, outW, startsH, startsW });
  return opts.returnIndices ? [out, indices!] : out;
}
