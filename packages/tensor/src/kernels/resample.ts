import { Tensor } from '../Tensor.js';
import { fail, formatShape } from '../validate.js';
import { getBackend } from '../backend/registry.js';
import type { ResampleGeometry } from '../backend/ResampleKernels.js';

export type ResampleMode = 'nearest' | 'bilinear';

function planes(fn: string, t: Tensor, h: number, w: number): number {
  const r = t.ndim;
  if (r < 2 || t.shape[r - 2] !== h || t.shape[r - 1] !== w) fail(fn, `tensor shape ${formatShape(t.shape)} does not end in ${h}x${w}; expected (*, ${h}, ${w})`);
  return t.size / (h * w);
}

/** (*, H, W) -> (*, Ho, Wo) by interpolation; `g.P` is ignored in favour of the tensor's leading dims. */
function upsample2d(x: Tensor, mode: ResampleMode, g: ResampleGeometry): Tensor {
  const be = getBackend();
  const P = planes('upsample2d', x, g.H, g.W);
  const geo = { ...g, P };
  const out = be.alloc(P * g.Ho * g.Wo);
  if (mode === 'nearest') be.upsampleNearest2d(x.contiguousStorage(), geo, out);
  else be.upsampleBilinear2d(x.contiguousStorage(), geo, out);
  return new Tensor(out, [...x.shape.slice(0, -2), g.Ho, g.Wo]);
}

/** gradOut (*, Ho, Wo) -> gradInput (*, H, W). */
function upsample2dBackward(gradOut: Tensor, mode: ResampleMode, g: ResampleGeometry): Tensor {
  const be = getBackend();
  const P = planes('upsample2dBackward', gradOut, g.Ho, g.Wo);
  const geo = { ...g, P };
  const out = be.alloc(P * g.H * g.W);
  if (mode === 'nearest') be.upsampleNearest2dBackward(gradOut.contiguousStorage(), geo, out);
  else be.upsampleBilinear2dBackward(gradOut.contiguousStorage(), geo, out);
  return new Tensor(out, [...gradOut.shape.slice(0, -2), g.H, g.W]);
}

/** Tensor-level entry points of the resampling kernels (merged into `kernels` with the conv ones). */
export const resampleEntries = { upsample2d, upsample2dBackward };
