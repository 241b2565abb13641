import { Tensor, kernels, fail, formatShape, expectFinite, type Epilogue } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { Buffer } from '../Parameter.js';

export interface BatchNormOptions {
  /** Per-channel scale (C). @default none (1) */
  weight?: Input | null;
  /** Per-channel shift (C). @default none (0) */
  bias?: Input | null;
  /** Normalise with the batch's statistics and update the running ones. @default false (as PyTorch's functional form) */
  training?: boolean;
  /** Weight of the new batch in the running statistics: r = (1 - momentum) r + momentum * batch. @default 0.1 */
  momentum?: number;
  /** @default 1e-5 */
  eps?: number;
}

/** Running statistics: a module's Buffer (its value is replaced) or a Tensor (updated in place, as PyTorch). */
export type RunningStat = Buffer | Tensor | null | undefined;

/**
 * The statistics a batch norm normalises with: the running ones (evaluation), or, when training,
 * the batch's own, which the op's forward computes with the output and leaves here.
 */
type Stats = { mean: Tensor | null; variance: Tensor | null };
type Opts = { stats: Stats; eps: number; batchStats: boolean; hasWeight: boolean; hasBias: boolean; epilogue: Epilogue };
type Saved = { x: Tensor; weight: Tensor | null; bias: Tensor | null; mean: Tensor; variance: Tensor; o: Opts; out: Tensor | null };

// (N, C, *) [, weight (C)] [, bias (C)] -> (N, C, *): per-channel normalisation (training: the batch's
// statistics computed in the same kernel call); backward in one kernel.
// With an o.epilogue, epilogue(batchNorm(...)) as one op: its backward hands the epilogue's output to the kernel.
const batchNormOp = defineOp({
  name: 'batchNorm',
  forward(ctx: OpContext<Saved>, o: Opts, x: Tensor, ...affine: Tensor[]): Tensor {
    const weight = o.hasWeight ? affine[0]! : null;
    const bias = o.hasBias ? affine[o.hasWeight ? 1 : 0]! : null;
    let out: Tensor;
    if (o.batchStats) {
      const r = kernels.batchNormTrain(x, weight, bias, o.eps, o.epilogue);
      out = r.out;
      o.stats.mean = r.mean;
      o.stats.variance = r.variance;
    } else {
      out = kernels.batchNorm(x, o.stats.mean!, o.stats.variance!, weight, bias, o.eps, o.epilogue);
    }
    ctx.save({ x, weight, bias, mean: o.stats.mean!, variance: o.stats.variance!, o, out: o.epilogue === 'none' ? null : out });
    return out;
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { x, weight, bias, mean, variance, o, out } = ctx.saved;
    const needs = ctx.needsInputGrad;
    const nw = o.hasWeight && needs[1]!, nb = o.hasBias && needs[o.hasWeight ? 2 : 1]!;
    const ep = o.epilogue === 'none' || out === null ? null : { kind: o.epilogue, out };
    const r = kernels.batchNormBackward(g, x, mean, variance, weight, bias, o.eps, o.batchStats, [needs[0]!, nw, nb], ep);
    const grads: (Tensor | null)[] = [r.gradInput];
    if (o.hasWeight) grads.push(r.gradWeight);
    if (o.hasBias) grads.push(r.gradBias);
    return grads;
  },
});

function statTensor(s: RunningStat): Tensor | null {
  if (s === null || s === undefined) return null;
  return s instanceof Buffer ? s.value : s;
}

function checkChannels(name: string, t: { shape: readonly number[] } | null, C: number): void {
  if (t && (t.shape.length !== 1 || t.shape[0] !== C)) fail('batchNorm', `${name} shape ${formatShape(t.shape)} does not match ${C} channels; expected [${C}]`);
}

/** r = (1 - m) r + m s, written back as the Buffer's new value or into the Tensor's storage. */
function updateRunning(target: Buffer | Tensor, batch: Tensor, m: number): void {
  const old = target instanceof Buffer ? target.value : target;
  const next = kernels.binary('add', kernels.unary('mulScalar', old, 1 - m), kernels.unary('mulScalar', batch, m));
  if (target instanceof Buffer) target.value = next;
  else kernels.copyInto(target, next);
}

/**
 * (N, C, *) -> (N, C, *): (x - mean) / sqrt(var + eps) * weight + bias per channel. Training uses
 * the batch mean and biased variance over N and the spatial dims, and moves the running mean and
 * the running (unbiased) variance towards them; otherwise the running statistics are used.
 */
export function batchNorm(x: Input, runningMean: RunningStat, runningVar: RunningStat, opts: BatchNormOptions = {}): Variable {
  return batchNormWith(x, runningMean, runningVar, opts, 'none');
}

/**
 * epilogue(batchNorm(x, runningMean, runningVar, opts)) as one op (what a fusion plan runs for a
 * batch norm layer followed by an activation that fuses, e.g. a ReLU): the same values, gradients
 * and running statistics.
 */
export function batchNormWith(x: Input, runningMean: RunningStat, runningVar: RunningStat, opts: BatchNormOptions, epilogue: Epilogue): Variable {
  const s = x.shape;
  if (s.length < 2) fail('batchNorm', `input shape ${formatShape(s)} has rank ${s.length}; expected (N, C, *)`);
  const C = s[1]!;
  const training = opts.training ?? false;
  const eps = expectFinite('batchNorm', 'eps', opts.eps ?? 1e-5);
  const momentum = expectFinite('batchNorm', 'momentum', opts.momentum ?? 0.1);
  const rm = statTensor(runningMean), rv = statTensor(runningVar);
  checkChannels('runningMean', rm, C);
  checkChannels('runningVar', rv, C);
  checkChannels('weight', opts.weight ?? null, C);
  checkChannels('bias', opts.bias ?? null, C);
  const perChannel = s[0]! * s.slice(2).reduce((a, b) => a * b, 1);
  const stats: Stats = { mean: null, variance: null };
  if (training) {
    if (perChannel <= 1) fail('batchNorm', `input shape ${formatShape(s)} has ${perChannel} value per channel; expected more than 1 value per channel when training`);
  } else {
    if (!rm || !rv) fail('batchNorm', `running ${!rm ? 'mean' : 'variance'} is missing in evaluation mode; expected runningMean and runningVar when training is false`);
    stats.mean = rm;
    stats.variance = rv;
  }
  const weight = opts.weight ?? null, bias = opts.bias ?? null;
  const o: Opts = { stats, eps, batchStats: training, hasWeight: weight !== null, hasBias: bias !== null, epilogue };
  const affine = [weight, bias].filter((t): t is Input => t !== null);
  const y = batchNormOp(o, x, ...affine);
  if (training) {
    // the batch's statistics, which the forward just computed
    if (runningMean && rm) updateRunning(runningMean, stats.mean!, momentum);
    if (runningVar && rv) updateRunning(runningVar, kernels.unary('mulScalar', stats.variance!, perChannel / (perChannel - 1)), momentum);
  }
  return y;
}
