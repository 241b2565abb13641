import { Tensor } from '../Tensor.js';
import { fail, formatShape } from '../validate.js';
import { getBackend } from '../backend/registry.js';
import type { Epilogue } from '../backend/Epilogue.js';
import type { TensorEpilogue } from './conv.js';

/** (N, C, *) as (N, C, S): the sizes the norm kernels take. */
function ncs(fn: string, x: Tensor): [number, number, number] {
  if (x.ndim < 2) fail(fn, `input shape ${formatShape(x.shape)} has rank ${x.ndim}; expected (N, C, *)`);
  const N = x.shape[0]!, C = x.shape[1]!;
  return [N, C, N * C === 0 ? 0 : x.size / (N * C)];
}

function channelVector(fn: string, name: string, t: Tensor | null, C: number): Float32Array | null {
  if (t === null) return null;
  if (t.ndim !== 1 || t.shape[0] !== C) fail(fn, `${name} shape ${formatShape(t.shape)} does not match ${C} channels; expected [${C}]`);
  return t.contiguousStorage();
}

/**
 * (N, C, *) -> out (N, C, *), mean (C), biased variance (C): x normalised with its own per-channel
 * statistics over N and the spatial dims, then `epilogue`, in one kernel call.
 */
function batchNormTrain(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number, epilogue: Epilogue = 'none'):
  { out: Tensor; mean: Tensor; variance: Tensor } {
  const be = getBackend();
  const [N, C, S] = ncs('batchNormTrain', x);
  const mean = be.alloc(C), variance = be.alloc(C), out = be.empty(x.size);
  be.batchNormTrain(x.contiguousStorage(), N, C, S, eps, channelVector('batchNormTrain', 'weight', weight, C),
    channelVector('batchNormTrain', 'bias', bias, C), mean, variance, out, epilogue);
  return { out: new Tensor(out, x.shape), mean: new Tensor(mean, [C]), variance: new Tensor(variance, [C]) };
}

/**
 * (N, C, *) -> (N, C, *): (x - mean) / sqrt(variance + eps) * weight + bias, per channel, then
 * `epilogue` in the same pass.
 */
function batchNorm(x: Tensor, mean: Tensor, variance: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number, epilogue: Epilogue = 'none'): Tensor {
  const be = getBackend();
  const [N, C, S] = ncs('batchNorm', x);
  const out = be.empty(x.size);
  be.batchNormForward(x.contiguousStorage(), N, C, S, channelVector('batchNorm', 'mean', mean, C)!, channelVector('batchNorm', 'variance', variance, C)!, eps,
    channelVector('batchNorm', 'weight', weight, C), channelVector('batchNorm', 'bias', bias, C), out, epilogue);
  return new Tensor(out, x.shape);
}

/**
 * Gradients of `batchNorm` for the inputs flagged in `needs` ([input, weight, bias]); with
 * `batchStats` the mean and variance are the batch's own statistics of x. With an `epilogue`
 * (batchNorm ran with one; `out` its output), gradOut is the gradient of that output; `weight` and
 * `bias` are the forward's.
 */
function batchNormBackward(gradOut: Tensor, x: Tensor, mean: Tensor, variance: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number,
  batchStats: boolean, needs: readonly [boolean, boolean, boolean], epilogue: TensorEpilogue | null = null):
  { gradInput: Tensor | null; gradWeight: Tensor | null; gradBias: Tensor | null } {
  const be = getBackend();
  const [N, C, S] = ncs('batchNormBackward', x);
  if (epilogue !== null && epilogue.out.size !== x.size) fail('batchNormBackward', `epilogue output shape ${formatShape(epilogue.out.shape)} does not match input shape ${formatShape(x.shape)}; expected the same shape`);
  const gi = needs[0] ? be.empty(x.size) : null;
  const gw = needs[1] ? be.empty(C) : null;
  const gb = needs[2] ? be.empty(C) : null;
  be.batchNormBackward(gradOut.contiguousStorage(), x.contiguousStorage(), N, C, S, channelVector('batchNormBackward', 'mean', mean, C)!,
    channelVector('batchNormBackward', 'variance', variance, C)!, eps, channelVector('batchNormBackward', 'weight', weight, C),
    channelVector('batchNormBackward', 'bias', bias, C), batchStats, gi, gw, gb,
    epilogue && { kind: epilogue.kind, out: epilogue.out.contiguousStorage() });
  return {
    gradInput: gi ? new Tensor(gi, x.shape) : null,
    gradWeight: gw ? new Tensor(gw, [C]) : null,
    gradBias: gb ? new Tensor(gb, [C]) : null,
  };
}

/** Tensor-level entry points of the norm kernels (merged into `kernels`). */
export const normEntries = { batchNormTrain, batchNorm, batchNormBackward };
