import { Tensor, kernels, defaultGenerator, getBackend, fail, expectFinite, describeValue, type Generator } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { fans } from './fan.js';

/** PyTorch's nonlinearity names for `calculateGain` (camelCase `leakyRelu` is accepted too). */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu';

/** Which fan the kaiming scale divides by (camelCase spellings accepted too). */
export type FanMode = 'fan_in' | 'fan_out' | 'fanIn' | 'fanOut';

export interface RandomInitOptions {
  /** @default the global generator */
  generator?: Generator;
}

type Target = Variable | Tensor;

/**
 * Writes `n` values from `next()` into the target's storage, in row-major order. Init functions
 * own their parameter's storage, as optimisers do, so they mutate it in place.
 */
function fill<T extends Target>(fn: string, target: T, next: () => number): T {
  const t = target instanceof Variable ? target.data : target;
  if (!(t instanceof Tensor)) fail(fn, `tensor ${describeValue(target)} is not a Tensor or Variable; expected a Parameter, Variable or Tensor`);
  const values = getBackend().alloc(t.size);
  for (let i = 0; i < values.length; i++) values[i] = next();
  kernels.copyInto(t, new Tensor(values, t.shape));
  return target;
}

/** The recommended gain for a nonlinearity, as torch.nn.init.calculate_gain (`param`: leaky ReLU's slope, default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': case 'leakyRelu': {
      const slope = param ?? 0.01;
      expectFinite('calculateGain', 'param', slope);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: return fail('calculateGain', `nonlinearity '${String(nonlinearity)}' is not supported; expected one of linear, conv1d, conv2d, conv3d, sigmoid, tanh, relu, leaky_relu, selu`);
  }
}

/** Fills with U(a, b). */
export function uniform_<T extends Target>(t: T, opts: RandomInitOptions & { a?: number; b?: number } = {}): T {
  const a = expectFinite('uniform_', 'a', opts.a ?? 0), b = expectFinite('uniform_', 'b', opts.b ?? 1);
  if (a > b) fail('uniform_', `a ${a} is greater than b ${b}; expected a <= b`);
  const g = opts.generator ?? defaultGenerator;
  return fill('uniform_', t, () => a + (b - a) * g.random());
}

/** Fills with N(mean, std^2). */
export function normal_<T extends Target>(t: T, opts: RandomInitOptions & { mean?: number; std?: number } = {}): T {
  const mean = expectFinite('normal_', 'mean', opts.mean ?? 0), std = expectFinite('normal_', 'std', opts.std ?? 1);
  if (std < 0) fail('normal_', `std ${std} is negative; expected std >= 0`);
  const g = opts.generator ?? defaultGenerator;
  return fill('normal_', t, () => mean + std * g.normal());
}

/** Fills with `value`. */
export function constant_<T extends Target>(t: T, value: number): T {
  if (typeof value !== 'number') fail('constant_', `value ${String(value)} is not a number; expected a number`);
  return fill('constant_', t, () => value);
}

/** Fills with 0. */
export function zeros_<T extends Target>(t: T): T { return fill('zeros_', t, () => 0); }

/** Fills with 1. */
export function ones_<T extends Target>(t: T): T { return fill('ones_', t, () => 1); }

function shapeOf(t: Target): readonly number[] {
  return t.shape;
}

/** Xavier/Glorot uniform: U(-b, b), b = gain * sqrt(6 / (fanIn + fanOut)). Shape (out, in, *kernel). */
export function xavierUniform_<T extends Target>(t: T, opts: RandomInitOptions & { gain?: number } = {}): T {
  const { fanIn, fanOut } = fans(shapeOf(t), 'xavierUniform_');
  const std = (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  const bound = Math.sqrt(3) * std;
  return uniform_(t, { a: -bound, b: bound, ...(opts.generator ? { generator: opts.generator } : {}) });
}

/** Xavier/Glorot normal: N(0, std^2), std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_<T extends Target>(t: T, opts: RandomInitOptions & { gain?: number } = {}): T {
  const { fanIn, fanOut } = fans(shapeOf(t), 'xavierNormal_');
  const std = (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  return normal_(t, { mean: 0, std, ...(opts.generator ? { generator: opts.generator } : {}) });
}

export interface KaimingOptions extends RandomInitOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). @default 0 */
  a?: number;
  /** Preserve the variance of the forward ('fan_in') or backward ('fan_out') pass. @default 'fan_in' */
  mode?: FanMode;
  /** @default 'leaky_relu' */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(fn: string, t: Target, opts: KaimingOptions): number {
  const mode = opts.mode ?? 'fan_in';
  if (mode !== 'fan_in' && mode !== 'fan_out' && mode !== 'fanIn' && mode !== 'fanOut') {
    fail(fn, `mode '${String(mode)}' is not supported; expected 'fan_in' or 'fan_out'`);
  }
  const { fanIn, fanOut } = fans(shapeOf(t), fn);
  const fan = mode === 'fan_in' || mode === 'fanIn' ? fanIn : fanOut;
  if (fan === 0) fail(fn, `tensor shape [${shapeOf(t).join(', ')}] has a zero ${mode}; expected non-empty dims`);
  return calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan);
}

/** Kaiming/He uniform: U(-b, b), b = gain * sqrt(3 / fan). */
export function kaimingUniform_<T extends Target>(t: T, opts: KaimingOptions = {}): T {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform_', t, opts);
  return uniform_(t, { a: -bound, b: bound, ...(opts.generator ? { generator: opts.generator } : {}) });
}

/** Kaiming/He normal: N(0, std^2), std = gain / sqrt(fan). */
export function kaimingNormal_<T extends Target>(t: T, opts: KaimingOptions = {}): T {
  const std = kaimingStd('kaimingNormal_', t, opts);
  return normal_(t, { mean: 0, std, ...(opts.generator ? { generator: opts.generator } : {}) });
}
