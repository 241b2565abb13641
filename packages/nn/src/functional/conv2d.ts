import { Tensor, kernels, fail, formatShape, isInt, type Conv2dGeometry, type Epilogue } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';
import { toTuple, type Size, type Size2 } from './size.js';

export type ConvPadding = Size2 | 'same' | 'valid';

export interface Conv2dOptions {
  /** @default 1 */
  stride?: Size2;
  /**
   * Zero padding per side, `'valid'` (none) or `'same'` (output size = input size; stride 1 only;
   * an odd total padding puts the extra row/column at the bottom/right, as PyTorch).
   * @default 0
   */
  padding?: ConvPadding;
  /** @default 1 */
  dilation?: Size2;
  /** Input and output channels split into this many independent groups. @default 1 */
  groups?: number;
}

/** Options of a convolution over `dims` spatial dims (conv1d: 1, conv2d: 2), as the resolver takes them. */
export interface ConvNdOptions {
  stride?: Size;
  padding?: Size | 'same' | 'valid';
  dilation?: Size;
  groups?: number;
}

const LAYOUT: Record<1 | 2, { input: string; weight: string; spatial: string[] }> = {
  1: { input: '(N, C, L) or (C, L)', weight: '(outChannels, inChannels / groups, kL)', spatial: ['L'] },
  2: { input: '(N, C, H, W) or (C, H, W)', weight: '(outChannels, inChannels / groups, kH, kW)', spatial: ['H', 'W'] },
};

const joinX = (v: readonly number[]): string => v.join('x');

/**
 * Validates a convolution's arguments over `dims` spatial dims and resolves them into the 2-d
 * kernel geometry (a 1-d convolution is a 2-d one with H = 1). Throws `<fn>: ...` on bad input.
 */
export function resolveConv(fn: string, dims: 1 | 2, xShape: readonly number[], wShape: readonly number[],
  bShape: readonly number[] | null, opts: ConvNdOptions): { geometry: Conv2dGeometry; batched: boolean } {
  const lay = LAYOUT[dims];
  if (xShape.length !== dims + 1 && xShape.length !== dims + 2) {
    fail(fn, `input shape ${formatShape(xShape)} has rank ${xShape.length}; expected ${lay.input}`);
  }
  if (wShape.length !== dims + 2) fail(fn, `weight shape ${formatShape(wShape)} has rank ${wShape.length}; expected ${lay.weight}`);
  const groups = opts.groups ?? 1;
  if (!isInt(groups) || groups < 1) fail(fn, `groups ${String(groups)} must be a positive integer; expected an integer >= 1`);
  const stride = toTuple(fn, 'stride', opts.stride ?? 1, dims, 1);
  const dilation = toTuple(fn, 'dilation', opts.dilation ?? 1, dims, 1);
  const batched = xShape.length === dims + 2;
  const x = batched ? xShape : [1, ...xShape];
  const [N, C] = x as [number, number];
  const [O, Cg] = wShape as [number, number];
  const size = x.slice(2), kernel = wShape.slice(2);
  if (kernel.some((k) => k < 1) || O < 1 || Cg < 1) fail(fn, `weight shape ${formatShape(wShape)} has an empty dim; expected positive sizes`);
  if (O % groups !== 0) fail(fn, `groups ${groups} does not divide the ${O} output channels of weight ${formatShape(wShape)}; expected a divisor of ${O}`);
  if (C % groups !== 0) fail(fn, `groups ${groups} does not divide the ${C} input channels (input ${formatShape(xShape)}); expected a divisor of ${C}`);
  if (C !== Cg * groups) fail(fn, `input has ${C} channels but weight expects ${Cg * groups} (weight ${formatShape(wShape)}, groups ${groups})`);
  if (bShape && (bShape.length !== 1 || bShape[0] !== O)) fail(fn, `bias shape ${formatShape(bShape)} does not match the ${O} output channels of weight ${formatShape(wShape)}; expected [${O}]`);

  const span = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
  let before: number[], after: number[];
  const p = opts.padding ?? 0;
  if (p === 'same') {
    if (stride.some((s) => s !== 1)) fail(fn, `padding 'same' is not supported with stride ${formatShape(stride)}; expected stride 1 (or explicit padding)`);
    before = span.map((s) => Math.floor((s - 1) / 2));
    after = span.map((s, i) => s - 1 - before[i]!);
  } else if (p === 'valid') {
    before = after = new Array<number>(dims).fill(0);
  } else if (typeof p === 'string') {
    return fail(fn, `padding '${p}' is not supported; expected a non-negative integer, ${dims === 1 ? 'one' : 'a pair'}, 'same' or 'valid'`);
  } else {
    before = after = toTuple(fn, 'padding', p, dims, 0);
  }
  const padded = size.map((s, i) => s + before[i]! + after[i]!);
  if (span.some((s, i) => s > padded[i]!)) {
    const dil = dilation.some((d) => d !== 1) ? ` (dilated ${joinX(span)})` : '';
    fail(fn, `kernelSize ${joinX(kernel)}${dil} exceeds the padded input ${joinX(padded)} (input ${joinX(size)}, padding ${joinX(before)}); expected at most ${joinX(padded)}`);
  }
  const out = padded.map((s, i) => Math.floor((s - span[i]!) / stride[i]!) + 1);
  const at = (v: readonly number[], fill: number): [number, number] => (dims === 1 ? [fill, v[0]!] : [v[0]!, v[1]!]);
  const [H, W] = at(size, 1), [kH, kW] = at(kernel, 1), [strideH, strideW] = at(stride, 1);
  const [padH, padW] = at(before, 0), [dilationH, dilationW] = at(dilation, 1), [Ho, Wo] = at(out, 1);
  return {
    geometry: { N, C, H, W, O, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups, Ho, Wo, outSampleStride: O * Ho * Wo },
    batched,
  };
}

type Saved = { x: Tensor | null; w: Tensor | null; g: Conv2dGeometry; out: Tensor | null };

/** The op's options: the geometry, and the view of a larger tensor the output goes into (null: a tensor of its own). */
interface ConvOpOptions {
  readonly g: Conv2dGeometry;
  readonly into: Tensor | null;
}

/**
 * (N, C, H, W), (O, C/groups, kH, kW) [, (O)] -> (N, O, Ho, Wo): the conv op followed by `epilogue` in the same kernel pass (one op per epilogue, named conv2d,
 * conv2dRelu, ...). With an epilogue its output is saved, and the backward kernel applies the
 * epilogue's backward to gradOut itself. With `into` the output is that view, written in place.
 */
function makeConvOp(epilogue: Epilogue) {
  return defineOp({
    name: epilogue === 'none' ? 'conv2d' : `conv2d${epilogue[0]!.toUpperCase()}${epilogue.slice(1)}`,
    forward(ctx: OpContext<Saved>, o: ConvOpOptions, x: Tensor, w: Tensor, ...bias: Tensor[]): Tensor {
      const { g } = o;
      const out = kernels.conv2d(x, w, bias[0] ?? null, g, epilogue, o.into);
      ctx.save({ x: ctx.needsInputGrad[1] ? x : null, w: ctx.needsInputGrad[0] ? w : null, g, out: epilogue === 'none' ? null : out });
      return out;
    },
    backward(ctx: OpContext<Saved>, gradOut: Tensor) {
      const { x, w, g, out } = ctx.saved;
      const hasBias = ctx.needsInputGrad.length > 2;
      const ep = epilogue === 'none' || out === null ? null : { kind: epilogue, out };
      const [gi, gw, gb] = kernels.conv2dBackward(gradOut, x, w, g, [w !== null, x !== null, hasBias && ctx.needsInputGrad[2] === true], ep);
      return hasBias ? [gi, gw, gb] : [gi, gw];
    },
  });
}

const convOps: Record<Epilogue, ReturnType<typeof makeConvOp>> = { none: makeConvOp('none'), relu: makeConvOp('relu') };

/**
 * Runs the conv op on 4-d views: `x4` (N, C, H, W), `w4` (O, Cg, kH, kW), then `epilogue` in the same
 * pass; with `into` (an (N, O, Ho, Wo) part of a `catTarget` tensor) the output is written there.
 */
export function runConv2d(g: Conv2dGeometry, x4: Input, w4: Input, bias: Input | null | undefined, epilogue: Epilogue = 'none',
  into: Tensor | null = null): Variable {
  const op = convOps[epilogue];
  return bias ? op({ g, into }, x4, w4, bias) : op({ g, into }, x4, w4);
}

/**
 * (N, C, H, W) or (C, H, W), weight (O, C / groups, kH, kW), bias (O) -> (N, O, Ho, Wo) or (O, Ho, Wo),
 * Ho = floor((H + padTop + padBottom - dilationH * (kH - 1) - 1) / strideH) + 1 (likewise Wo).
 * Cross-correlation, as PyTorch's conv2d.
 */
export function conv2d(x: Input, weight: Input, bias?: Input | null, opts: Conv2dOptions = {}): Variable {
  return conv2dWith(x, weight, bias, opts, 'none');
}

/**
 * epilogue(conv2d(x, weight, bias, opts)) as one op (what a fusion plan runs for a Conv2d followed
 * by an activation that fuses, e.g. a ReLU): the same values and gradients, fewer passes over memory.
 * With `into` (batched input only: an (N, O, Ho, Wo) part of a `catTarget` tensor, as a fusion plan
 * of branches into a concatenation makes) the output is written there in place.
 */
export function conv2dWith(x: Input, weight: Input, bias: Input | null | undefined, opts: Conv2dOptions, epilogue: Epilogue,
  into: Tensor | null = null): Variable {
  const { geometry, batched } = resolveConv('conv2d', 2, x.shape, weight.shape, bias ? bias.shape : null, opts);
  if (batched) return runConv2d(geometry, x, weight, bias, epilogue, into);
  if (into !== null) fail('conv2d', `input shape ${formatShape(x.shape)} is unbatched; expected (N, C, H, W) when writing into a part of a larger tensor`);
  return runConv2d(geometry, x.unsqueeze(0), weight, bias, epilogue).squeeze(0);
}

/** The output shape of conv2d(x, weight, bias, opts) for batched input (N, C, H, W); throws as conv2d on bad arguments. */
export function conv2dOutputShape(xShape: readonly number[], wShape: readonly number[], bShape: readonly number[] | null, opts: Conv2dOptions): number[] {
  const { geometry: g, batched } = resolveConv('conv2d', 2, xShape, wShape, bShape, opts);
  return batched ? [g.N, g.O, g.Ho, g.Wo] : [g.O, g.Ho, g.Wo];
}
