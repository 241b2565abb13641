import { Tensor } from '../Tensor.js';
import { numel, shapesEqual } from '../shape.js';
import { fail, formatShape } from '../validate.js';
import { getBackend } from '../backend/registry.js';
import { discardArray, liveArray } from '../backend/residency.js';
import { copyInto } from './core.js';
import { convOutputSpan, type Conv2dGeometry } from '../backend/ConvKernels.js';
import type { Epilogue } from '../backend/Epilogue.js';
import { resampleEntries } from './resample.js';

/** An epilogue and the forward kernel's output, as the tensor-level backward entries take them. */
export interface TensorEpilogue {
  readonly kind: Exclude<Epilogue, 'none'>;
  readonly out: Tensor;
}

/** Throws `<fn>: <name> shape ... does not match the geometry` unless `t` has `shape`. */
function expectShape(fn: string, name: string, t: Tensor, shape: readonly number[]): void {
  if (!shapesEqual(t.shape, shape)) fail(fn, `${name} shape ${formatShape(t.shape)} does not match the geometry; expected ${formatShape(shape)}`);
}

/** Contiguous elements of `t` (no copy when already contiguous), after checking its shape. */
function buffer(fn: string, name: string, t: Tensor, shape: readonly number[]): Float32Array {
  expectShape(fn, name, t, shape);
  return t.contiguousStorage();
}

function shapes(g: Conv2dGeometry): { input: number[]; weight: number[]; output: number[] } {
  return {
    input: [g.N, g.C, g.H, g.W],
    weight: [g.O, g.C / g.groups, g.kH, g.kW],
    output: [g.N, g.O, g.Ho, g.Wo],
  };
}

/**
 * The elements from one sample to the next of `t`, an (N, O, Ho, Wo) tensor, when each sample's
 * O * Ho * Wo elements lie row-major and back to back (a contiguous tensor, or a channel range of a
 * larger one: what `outSampleStride` describes); null otherwise.
 */
function sampleStride(t: Tensor, g: Conv2dGeometry): number | null {
  const L = g.Ho * g.Wo, per = g.O * L;
  const inner = [L, g.Wo, 1];
  for (let d = 1; d < 4; d++) if (t.shape[d]! !== 1 && t.strides[d] !== inner[d - 1]) return null;
  if (g.N === 1 || per === 0) return per;
  const S = t.strides[0]!;
  return S >= per ? S : null;
}

/** t's elements from its offset to the end of its last sample, as a kernel takes an output `S` apart. */
function samples(t: Tensor, g: Conv2dGeometry, S: number): Float32Array {
  return liveArray(t.storage).subarray(t.offset, t.offset + convOutputSpan(g, S));
}

/**
 * (N, C, H, W), weight (O, C/groups, kH, kW), bias (O) | null -> (N, O, Ho, Wo), then `epilogue` in
 * the same pass. With `into`, an (N, O, Ho, Wo) view (a channel range of a tensor from `catTarget`),
 * the output is written there, in place where the backend takes outputs apart
 * (`placesConvOutput`), and `into` is returned.
 */
function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, g: Conv2dGeometry, epilogue: Epilogue = 'none',
  into: Tensor | null = null): Tensor {
  const be = getBackend();
  const s = shapes(g);
  const xb = buffer('conv2d', 'input', x, s.input), wb = buffer('conv2d', 'weight', weight, s.weight);
  const bb = bias ? buffer('conv2d', 'bias', bias, [g.O]) : null;
  if (into !== null) {
    expectShape('conv2d', 'into', into, s.output);
    const S = sampleStride(into, g);
    if (S !== null && be.placesConvOutput === true) {
      be.conv2d(xb, wb, bb, { ...g, outSampleStride: S }, samples(into, g, S), epilogue);
      return into;
    }
  }
  const out = be.empty(numel(s.output));
  be.conv2d(xb, wb, bb, { ...g, outSampleStride: g.O * g.Ho * g.Wo }, out, epilogue);
  const y = new Tensor(out, s.output);
  if (into === null) return y;
  copyInto(into, y);
  discardArray(out, 'conv2d: a temporary output, copied into place and freed');
  return into;
}

/**
 * gradOut (N, O, Ho, Wo) -> [gradInput (N, C, H, W) | null, gradWeight (O, C/groups, kH, kW) | null,
 * gradBias (O) | null], each computed when `needs` asks for it (gradInput needs the weight,
 * gradWeight the input), in one backend call. With an `epilogue` (conv2d ran with one; `out` its
 * output), gradOut is the gradient of that output and the epilogue's backward is applied first.
 * gradOut and that output are read in place when they are channel ranges of larger tensors laid out
 * alike (a concatenation's gradient and output) and the backend takes them so.
 */
function conv2dBackward(gradOut: Tensor, x: Tensor | null, weight: Tensor | null, g: Conv2dGeometry,
  needs: readonly [boolean, boolean, boolean], epilogue: TensorEpilogue | null = null): [Tensor | null, Tensor | null, Tensor | null] {
  const fn = 'conv2dBackward', be = getBackend(), s = shapes(g);
  if (needs[0] && weight === null) fail(fn, 'weight is null; expected the weight when the input gradient is needed');
  if (needs[1] && x === null) fail(fn, 'input is null; expected the input when the weight gradient is needed');
  expectShape(fn, 'gradOut', gradOut, s.output);
  if (epilogue) expectShape(fn, 'epilogue output', epilogue.out, s.output);
  const S = be.placesConvOutput === true ? sampleStride(gradOut, g) : null;
  const inPlace = S !== null && (epilogue === null || sampleStride(epilogue.out, g) === S);
  const stride = inPlace ? S : g.O * g.Ho * g.Wo;
  const gb = inPlace ? samples(gradOut, g, S) : gradOut.contiguousStorage();
  const xb = needs[1] ? buffer(fn, 'input', x!, s.input) : null, wb = needs[0] ? buffer(fn, 'weight', weight!, s.weight) : null;
  const ep = epilogue && { kind: epilogue.kind, out: inPlace ? samples(epilogue.out, g, S) : epilogue.out.contiguousStorage() };
  const gi = needs[0] ? be.empty(numel(s.input)) : null;
  const gw = needs[1] ? be.empty(numel(s.weight)) : null;
  const gbias = needs[2] ? be.empty(g.O) : null;
  be.conv2dBackward(gb, xb, wb, { ...g, outSampleStride: stride }, gi, gw, gbias, ep);
  return [gi && new Tensor(gi, s.input), gw && new Tensor(gw, s.weight), gbias && new Tensor(gbias, [g.O])];
}

/** Tensor-level entry points of the conv kernels (merged into `kernels`). */
export const convEntries = { conv2d, conv2dBackward, ...resampleEntries };
