import { Tensor, kernels, fail } from '@tapegrad/tensor';
import { defineOp, OpContext, pow, reshape, type Variable, type Input } from '@tapegrad/autograd';
import { expectPoolInput, resolveWindow, toPool2dParams, type Size2 } from './poolArgs.js';
import { avgPool2dOp } from './avgPool2d.js';

export interface LPPool2dOptions {
  /** @default kernelSize */
  stride?: Size2 | null;
  /** @default false */
  ceilMode?: boolean;
}

type RootOpts = { area: number; p: number };
type Saved = { t: Tensor; o: RootOpts };
const ZERO = new Tensor(new Float32Array(1), []);

// (*) -> (*): (sign(t) * relu(|t|))^(1/p) with t = avg * area, i.e. t^(1/p); gradient 0 where t = 0.
const lpRootOp = defineOp({
  name: 'lpPool',
  forward(ctx: OpContext<Saved>, avg: Tensor, o: RootOpts): Tensor {
    const t = kernels.unary('mulScalar', avg, o.area);
    ctx.save({ t, o });
    return kernels.unary('powScalar', t, 1 / o.p);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { t, o } = ctx.saved;
    const d = kernels.unary('mulScalar', kernels.unary('powScalar', t, 1 / o.p - 1), o.area / o.p);
    return [kernels.where(kernels.binary('eq', t, ZERO), ZERO, kernels.binary('mul', g, d))];
  },
});

/**
 * Checks normType: a positive finite number.
 * NOTE: PyTorch accepts any float (0 and infinities give inf/NaN outputs); we refuse them.
 */
export function resolveNormType(fn: string, p: unknown): number {
  if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0) fail(fn, `normType ${String(p)} is not a positive finite number; expected e.g. 1, 2 or 3`);
  return p;
}

/**
 * LP pooling over the last one or two dims, as PyTorch composes it: x^p (not |x|^p) averaged over
 * each window with padding 0, scaled by the full kernel area (so partial ceil-mode windows scale
 * by the full area too), then (sign(s) * relu(|s|))^(1/p). @internal
 */
export function lpPool(fn: string, x: Input, normType: unknown, kernelSize: unknown, opts: { stride?: unknown; ceilMode?: unknown }, spatial: 1 | 2): Variable {
  const inSpatial = expectPoolInput(fn, x.shape, spatial);
  const p = resolveNormType(fn, normType);
  const w = resolveWindow(fn, inSpatial, kernelSize, { stride: opts.stride as Size2 | null | undefined, ceilMode: opts.ceilMode as boolean | undefined });
  const lead = x.shape.slice(0, x.shape.length - spatial);
  const x2 = spatial === 1 ? reshape(x, [...lead, 1, inSpatial[0]!]) : x;
  const avg = avgPool2dOp(pow(x2, p), { p: toPool2dParams(w), countIncludePad: true, divisorOverride: 0 });
  const y = lpRootOp(avg, { area: w.kernel.reduce((a, b) => a * b, 1), p });
  return spatial === 1 ? reshape(y, [...lead, w.out[0]!]) : y;
}

/**
 * (N, C, H, W) -> (N, C, Ho, Wo) (or (C, H, W)): `(sum over the window of x^p)^(1/p)`, output size
 * as avgPool2d with padding 0. A negative sum with a fractional 1/p gives NaN, as in PyTorch.
 */
export function lpPool2d(x: Input, normType: number, kernelSize: Size2, opts: LPPool2dOptions = {}): Variable {
  return lpPool('lpPool2d', x, normType, kernelSize, opts, 2);
}
