import { Tensor } from '../Tensor.js';
import { numel, shapesEqual } from '../shape.js';
import { fail, formatShape } from '../validate.js';
import { getBackend } from '../backend/registry.js';
import type { Conv2dGeometry } from '../backend/ConvKernels.js';
import { resampleEntries } from './resample.js';

/** Contiguous elements of `t` (no copy when already contiguous), after checking its shape. */
function buffer(fn: string, name: string, t: Tensor, shape: readonly number[]): Float32Array {
  if (!shapesEqual(t.shape, shape)) fail(fn, `${name} shape ${formatShape(t.shape)} does not match the geometry; expected ${formatShape(shape)}`);
  return t.values();
}

function shapes(g: Conv2dGeometry): { input: number[]; weight: number[]; output: number[] } {
  return {
    input: [g.N, g.C, g.H, g.W],
    weight: [g.O, g.C / g.groups, g.kH, g.kW],
    output: [g.N, g.O, g.Ho, g.Wo],
  };
}

/** (N, C, H, W), weight (O, C/groups, kH, kW), bias (O) | null -> (N, O, Ho, Wo); with `relu`, max(., 0) fused. */
function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, g: Conv2dGeometry, relu = false): Tensor {
  const be = getBackend();
  const s = shapes(g);
  const xb = buffer('conv2d', 'input', x, s.input), wb = buffer('conv2d', 'weight', weight, s.weight);
  const bb = bias ? buffer('conv2d', 'bias', bias, [g.O]) : null;
  const out = be.empty(numel(s.output));
  be.conv2d(xb, wb, bb, g, out, relu);
  return new Tensor(out, s.output);
}

/** gradOut (N, O, Ho, Wo), weight -> gradInput (N, C, H, W). */
function conv2dBackwardInput(gradOut: Tensor, weight: Tensor, g: Conv2dGeometry): Tensor {
  const be = getBackend();
  const s = shapes(g);
  const gb = buffer('conv2dBackwardInput', 'gradOut', gradOut, s.output), wb = buffer('conv2dBackwardInput', 'weight', weight, s.weight);
  const out = be.alloc(numel(s.input));
  be.conv2dBackwardInput(gb, wb, g, out);
  return new Tensor(out, s.input);
}

/** gradOut (N, O, Ho, Wo), input (N, C, H, W) -> gradWeight (O, C/groups, kH, kW). */
function conv2dBackwardWeight(gradOut: Tensor, x: Tensor, g: Conv2dGeometry): Tensor {
  const be = getBackend();
  const s = shapes(g);
  const gb = buffer('conv2dBackwardWeight', 'gradOut', gradOut, s.output), xb = buffer('conv2dBackwardWeight', 'input', x, s.input);
  const out = be.alloc(numel(s.weight));
  be.conv2dBackwardWeight(gb, xb, g, out);
  return new Tensor(out, s.weight);
}

/** gradOut (N, O, Ho, Wo) -> gradBias (O). */
function conv2dBackwardBias(gradOut: Tensor, g: Conv2dGeometry): Tensor {
  const be = getBackend();
  const gb = buffer('conv2dBackwardBias', 'gradOut', gradOut, shapes(g).output);
  const out = be.alloc(g.O);
  be.conv2dBackwardBias(gb, g, out);
  return new Tensor(out, [g.O]);
}

/**
 * gradOut (N, O, Ho, Wo) -> [gradInput (N, C, H, W) | null, gradWeight (O, C/groups, kH, kW) | null,
 * gradBias (O) | null], each computed when `needs` asks for it (gradInput needs the weight,
 * gradWeight the input), in one backend call. With `reluOut` (the output of conv2d with `relu`),
 * gradOut is the gradient of that output and ReLU's backward is applied first.
 */
function conv2dBackward(gradOut: Tensor, x: Tensor | null, weight: Tensor | null, g: Conv2dGeometry,
  needs: readonly [boolean, boolean, boolean], reluOut: Tensor | null = null): [Tensor | null, Tensor | null, Tensor | null] {
  const fn = 'conv2dBackward', be = getBackend(), s = shapes(g);
  if (needs[0] && weight === null) fail(fn, 'weight is null; expected the weight when the input gradient is needed');
  if (needs[1] && x === null) fail(fn, 'input is null; expected the input when the weight gradient is needed');
  const gb = buffer(fn, 'gradOut', gradOut, s.output);
  const xb = needs[1] ? buffer(fn, 'input', x!, s.input) : null, wb = needs[0] ? buffer(fn, 'weight', weight!, s.weight) : null;
  const mask = reluOut ? buffer(fn, 'reluOut', reluOut, s.output) : null;
  const gi = needs[0] ? be.empty(numel(s.input)) : null;
  const gw = needs[1] ? be.empty(numel(s.weight)) : null;
  const gbias = needs[2] ? be.empty(g.O) : null;
  be.conv2dBackward(gb, xb, wb, g, gi, gw, gbias, mask);
  return [gi && new Tensor(gi, s.input), gw && new Tensor(gw, s.weight), gbias && new Tensor(gbias, [g.O])];
}

/** Tensor-level entry points of the conv kernels (merged into `kernels`). */
export const convEntries = { conv2d, conv2dBackwardInput, conv2dBackwardWeight, conv2dBackwardBias, conv2dBackward, ...resampleEntries };
