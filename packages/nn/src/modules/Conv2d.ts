import { zeros, defaultGenerator, expectPositiveInt, fail, type Generator } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { Parameter } from '../Parameter.js';
import { conv2d, conv2dOutputShape, conv2dWith, type Conv2dOptions } from '../functional/conv2d.js';
import type { FusionRole } from '../fusion.js';
import { FUSED_ACTIVATIONS } from '../fusedActivations.js';
import { toTuple, type Size2 } from '../functional/size.js';
import { kaimingUniform_, uniform_ } from '../init/init.js';
import { fans } from '../init/fan.js';

export interface Conv2dModuleOptions extends Conv2dOptions {
  /** Learn an additive bias per output channel. @default true */
  bias?: boolean;
  /** Source of the initial weights. @default the global generator */
  generator?: Generator;
}

type Pair = readonly [number, number];
const pair = (v: readonly number[]): Pair => [v[0]!, v[1]!];

/** Resolved padding: a pair, or PyTorch's 'same' / 'valid'. */
export type ResolvedPadding = Pair | 'same' | 'valid';

/** Checks a convolution layer's settings once, at construction, so forward only checks the input. */
export function resolveConvLayer(fn: string, dims: 1 | 2, inChannels: number, outChannels: number, kernelSize: unknown,
  opts: { stride?: unknown; padding?: unknown; dilation?: unknown; groups?: unknown }):
  { kernel: number[]; stride: number[]; padding: number[] | 'same' | 'valid'; dilation: number[]; groups: number } {
  expectPositiveInt(fn, 'inChannels', inChannels);
  expectPositiveInt(fn, 'outChannels', outChannels);
  const kernel = toTuple(fn, 'kernelSize', kernelSize, dims, 1);
  const stride = toTuple(fn, 'stride', opts.stride ?? 1, dims, 1);
  const dilation = toTuple(fn, 'dilation', opts.dilation ?? 1, dims, 1);
  const groups = expectPositiveInt(fn, 'groups', opts.groups ?? 1);
  if (inChannels % groups !== 0) fail(fn, `groups ${groups} does not divide inChannels ${inChannels}; expected a divisor of ${inChannels}`);
  if (outChannels % groups !== 0) fail(fn, `groups ${groups} does not divide outChannels ${outChannels}; expected a divisor of ${outChannels}`);
  const p = opts.padding ?? 0;
  let padding: number[] | 'same' | 'valid';
  if (p === 'same' || p === 'valid') {
    if (p === 'same' && stride.some((s) => s !== 1)) fail(fn, `padding 'same' is not supported with stride [${stride.join(', ')}]; expected stride 1 (or explicit padding)`);
    padding = p;
  } else if (typeof p === 'string') {
    return fail(fn, `padding '${p}' is not supported; expected a non-negative integer, ${dims === 1 ? 'one' : 'a pair'}, 'same' or 'valid'`);
  } else padding = toTuple(fn, 'padding', p, dims, 0);
  return { kernel, stride, padding, dilation, groups };
}

/** PyTorch's default init: weight kaiming_uniform(a = sqrt(5)) = U(-1/sqrt(fanIn), 1/sqrt(fanIn)), bias the same bound. */
export function initConvParameters(weightShape: number[], bias: boolean, generator: Generator): [Parameter, Parameter | null] {
  const weight = new Parameter(kaimingUniform_(zeros(weightShape), { a: Math.sqrt(5), generator }));
  if (!bias) return [weight, null];
  const { fanIn } = fans(weightShape);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return [weight, new Parameter(uniform_(zeros([weightShape[0]!]), { a: -bound, b: bound, generator }))];
}

const tuple = (v: readonly number[]): string => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;

/** PyTorch-style description of a convolution layer's settings. */
export function convRepr(inC: number, outC: number, kernel: readonly number[], stride: readonly number[],
  padding: readonly number[] | string, dilation: readonly number[], groups: number, bias: boolean): string {
  let s = `${inC}, ${outC}, kernel_size=${tuple(kernel)}, stride=${tuple(stride)}`;
  if (typeof padding === 'string') s += `, padding=${padding}`;
  else if (padding.some((v) => v !== 0)) s += `, padding=${tuple(padding)}`;
  if (dilation.some((v) => v !== 1)) s += `, dilation=${tuple(dilation)}`;
  if (groups !== 1) s += `, groups=${groups}`;
  return bias ? s : `${s}, bias=False`;
}

/**
 * (N, inC, H, W) or (inC, H, W) -> (N, outC, Ho, Wo) or (outC, Ho, Wo),
 * Ho = floor((H + 2 padH - dilationH (kH - 1) - 1) / strideH) + 1 (likewise Wo).
 * Weight (outC, inC / groups, kH, kW) and bias (outC) start U(-1/sqrt(fanIn), 1/sqrt(fanIn)),
 * fanIn = inC / groups * kH * kW, as PyTorch's default.
 */
export class Conv2d extends Module {
  static {
    declareForgetful(this);
  }

  weight: Parameter;
  bias: Parameter | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: ResolvedPadding;
  readonly dilation: Pair;
  readonly groups: number;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2, opts: Conv2dModuleOptions = {}) {
    super();
    const r = resolveConvLayer('Conv2d', 2, inChannels, outChannels, kernelSize, opts);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pair(r.kernel);
    this.stride = pair(r.stride);
    this.padding = typeof r.padding === 'string' ? r.padding : pair(r.padding);
    this.dilation = pair(r.dilation);
    this.groups = r.groups;
    [this.weight, this.bias] = initConvParameters([outChannels, inChannels / r.groups, ...r.kernel], opts.bias ?? true, opts.generator ?? defaultGenerator);
  }

  forward(x: Input): Variable {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  /**
   * A host: an activation after this layer runs in the convolution kernel's epilogue, and a batched
   * output can go into a part of a larger tensor (unless forward is replaced).
   */
  override fusionRole(): FusionRole | null {
    if (this.forward !== Conv2d.prototype.forward) return null;
    const opts: Conv2dOptions = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
    return {
      kind: 'host',
      epilogues: FUSED_ACTIVATIONS,
      run: (x, epilogue, into = null) => conv2dWith(x, this.weight, this.bias, opts, epilogue, into),
      outputShape: (x) => (x.length === 4 ? conv2dOutputShape(x, this.weight.shape, this.bias?.shape ?? null, opts) : null),
    };
  }

  override extraRepr(): string {
    return convRepr(this.inChannels, this.outChannels, this.kernelSize, this.stride, this.padding, this.dilation, this.groups, this.bias !== null);
  }
}
