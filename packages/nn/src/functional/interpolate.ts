import { Tensor, kernels, fail, formatShape, isInt, type ResampleGeometry, type ResampleMode } from '@tapegrad/tensor';
import { defineOp, OpContext, type Variable, type Input } from '@tapegrad/autograd';

export interface InterpolateOptions {
  /** Output spatial size: a number for every spatial dim, or one per dim. Give this or `scaleFactor`. */
  size?: number | readonly number[];
  /** Output size = floor(input size * scaleFactor), per spatial dim. Give this or `size`. */
  scaleFactor?: number | readonly number[];
  /** @default 'nearest' */
  mode?: ResampleMode;
  /**
   * Bilinear only: map the corner pixels' centres onto each other (true) or use half-pixel centres
   * (false). @default false
   */
  alignCorners?: boolean;
}

type Saved = { mode: ResampleMode; g: ResampleGeometry };

// (*, H, W) -> (*, Ho, Wo); backward scatters each output's gradient back with the forward's weights.
const upsampleOp = defineOp({
  name: 'interpolate',
  forward(ctx: OpContext<Saved>, x: Tensor, mode: ResampleMode, g: ResampleGeometry): Tensor {
    ctx.save({ mode, g });
    return kernels.upsample2d(x, mode, g);
  },
  backward(ctx: OpContext<Saved>, gradOut: Tensor) {
    const { mode, g } = ctx.saved;
    return [kernels.upsample2dBackward(gradOut, mode, g)];
  },
});

function perDim(name: string, v: number | readonly number[], dims: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(dims).fill(v) : v.slice();
  if (list.length !== dims) fail('interpolate', `${name} [${list.join(', ')}] has ${list.length} entries; expected one number or ${dims} (one per spatial dim)`);
  return list;
}

/**
 * (N, C, H, W) -> (N, C, Ho, Wo) ('nearest' or 'bilinear'), (N, C, L) -> (N, C, Lo) ('nearest').
 * Ho = size, or floor(H * scaleFactor). Same index and weight rules as PyTorch 1.13 (nearest:
 * src = min(floor(dst * scale), in - 1), scale = in / out or 1 / scaleFactor, with no shortcut
 * when Ho is exactly H or 2 * H: scaleFactor 2.05 on 10 elements reads 0, 0, 0, 1, 1, 2, 2, ...).
 *
 * NOTE: PyTorch 1.13's CPU backward for 'nearest' (and its forward for inputs it treats as
 * channels-last, a contiguous C == 1 input among them) still takes that shortcut, so for a
 * fractional scaleFactor giving exactly 1x or 2x the input its gradient is not the gradient of
 * its forward; tapegrad's backward is the exact gradient of the forward above.
 */
export function interpolate(x: Input, opts: InterpolateOptions): Variable {
  const s = x.shape;
  const mode = opts.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'bilinear') fail('interpolate', `mode '${String(mode)}' is not supported; expected 'nearest' or 'bilinear'`);
  const want = mode === 'bilinear' ? '(N, C, H, W)' : '(N, C, L) or (N, C, H, W)';
  if (s.length !== 4 && !(s.length === 3 && mode === 'nearest')) fail('interpolate', `input shape ${formatShape(s)} has rank ${s.length}; expected ${want} for mode '${mode}'`);
  const alignCorners = opts.alignCorners ?? false;
  if (alignCorners && mode === 'nearest') fail('interpolate', `alignCorners true is not supported with mode 'nearest'; expected it only with 'bilinear'`);
  const dims = s.length - 2;
  const inSize = s.slice(2);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) {
    fail('interpolate', `size ${String(opts.size)} and scaleFactor ${String(opts.scaleFactor)} are both ${opts.size === undefined ? 'missing' : 'given'}; expected exactly one of them`);
  }
  let outSize: number[], scales: number[];
  if (opts.size !== undefined) {
    outSize = perDim('size', opts.size, dims);
    if (outSize.some((v) => !isInt(v) || v < 1)) fail('interpolate', `size [${outSize.join(', ')}] has an entry that is not a positive integer; expected integers >= 1`);
    scales = outSize.map((o, i) => Math.fround(inSize[i]! / o));
  } else {
    const f = perDim('scaleFactor', opts.scaleFactor!, dims);
    if (f.some((v) => !(v > 0) || !Number.isFinite(v))) fail('interpolate', `scaleFactor [${f.join(', ')}] has an entry that is not a positive finite number; expected numbers > 0`);
    outSize = f.map((v, i) => Math.floor(inSize[i]! * v));
    if (outSize.some((v) => v < 1)) fail('interpolate', `scaleFactor [${f.join(', ')}] gives output size [${outSize.join(', ')}] from input [${inSize.join(', ')}]; expected every output size >= 1`);
    scales = f.map((v) => Math.fround(1 / v));
  }
  if (alignCorners) scales = outSize.map((o, i) => (o > 1 ? Math.fround((inSize[i]! - 1) / (o - 1)) : 0));
  const [H, Ho, scaleH] = dims === 1 ? [1, 1, 1] : [inSize[0]!, outSize[0]!, scales[0]!];
  const g: ResampleGeometry = {
    P: s[0]! * s[1]!, H, W: inSize[dims - 1]!, Ho, Wo: outSize[dims - 1]!, scaleH, scaleW: scales[dims - 1]!, alignCorners,
  };
  if (dims === 2) return upsampleOp(x, mode, g);
  return upsampleOp(x.unsqueeze(2), mode, g).squeeze(2);
}
