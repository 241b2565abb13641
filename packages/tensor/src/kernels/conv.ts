import { Tensor } from '../Tensor.js';
import { numel, shapesEqual } from '../shape.js';
import { fail, formatShape } from '../validate.js';
import { getBackend } from '../backend/registry.js';
import type { Conv2dGeometry } from '../backend/ConvKernels.js';
import type { Epilogue } from '../backend/Epilogue.js';
import { resampleEntries } from './resample.js';

/** An epilogue and the forward kernel's output, as the tensor-level backward entries take them. */
export interface TensorEpilogue {
  readonly kind: Exclude<Epilogue, 'none'>;
  readonly out: Tensor;
}

/** Contiguous elements of `t` (no copy when already contiguous), after checking its shape. */
function buffer(fn: string, name: string, t: Tensor, shape: readonly number[]): Float32Array {
  if (!shapesEqual(t.shape, shape)) fail(fn, `${name} shape ${formatShape(t.shape)} does not match the geometry; expected ${formatShape(shape)}`);
  return t.contiguousStorage();
}

function shapes(g: Conv2dGeometry): { input: number[]; weight: number[]; output: number[] } {
  return {
    input: [g.N, g.C, g.H, g.W],
    weight: [g.O, g.C / g.groups, g.kH, g.kW],
    output: [g.N, g.O, g.Ho, g.Wo],
  };
}

/** (N, C, H, W), weight (O, C/groups, kH, kW), bias (O) | null -> (N, O, Ho, Wo), then `epilogue` in the same pass. */
function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, g: Conv2dGeometry, epilogue: Epilogue = 'none'): Tensor {
  const be = getBackend();
  const s = shapes(g);
  const xb = buffer('conv2d', 'input', x, s.input), wb = buffer('conv2d', 'weight', weight, s.weight);
  const bb = bias ? buffer('conv2d', 'bias', bias, [g.O]) : null;
  const out = be.empty(numel(s.output));
  be.conv2d(xb, wb, bb, g, out, epilogue);
  return new Tensor(out, s.output);
}

/**
 * gradOut (N, O, Ho, Wo) -> [gradInput (N, C, H, W) | null, gradWeight (O, C/groups, kH, kW) | null,
 * gradBias (O) | null], each computed when `needs` asks for it (gradInput needs the weight,
 * gradWeight the input), in one backend call. With an `epilogue` (conv2d ran with one; `out` its
 * output), gradOut is the gradient of that output and the epilogue's backward is applied first.
 */
function conv2dBackward(gradOut: Tensor, x: Tensor | null, weight: Tensor | null, g: Conv2dGeometry,
  needs: readonly [boolean, boolean, boolean], epilogue: TensorEpilogue | null = null): [Tensor | null, Tensor | null, Tensor | null] {
  const fn = 'conv2dBackward', be = getBackend(), s = shapes(g);
  if (needs[0] && weight === null) fail(fn, 'weight is null; expected the weight when the input gradient is needed');
  if (needs[1] && x === null) fail(fn, 'input is null; expected the input when the weight gradient is needed');
  const gb = buffer(fn, 'gradOut', gradOut, s.output);
  const xb = needs[1] ? buffer(fn, 'input', x!, s.input) : null, wb = needs[0] ? buffer(fn, 'weight', weight!, s.weight) : null;
  const ep = epilogue && { kind: epilogue.kind, out: buffer(fn, 'epilogue output', epilogue.out, s.output) };
  const gi = needs[0] ? be.empty(numel(s.input)) : null;
  const gw = needs[1] ? be.empty(numel(s.weight)) : null;
  const gbias = needs[2] ? be.empty(g.O) : null;
  be.conv2dBackward(gb, xb, wb, g, gi, gw, gbias, ep);
  return [gi && new Tensor(gi, s.input), gw && new Tensor(gw, s.weight), gbias && new Tensor(gbias, [g.O])];
}

/** Tensor-level entry points of the conv kernels (merged into `kernels`). */
export const convEntries = { conv2d, conv2dBackward, ...resampleEntries };
