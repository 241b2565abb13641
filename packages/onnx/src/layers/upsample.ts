import type { Upsample } from '@tapegrad/nn';
import type { LayerExporter } from './LayerExporter.js';
import { perDim } from './spatial.js';

/**
 * (N, C, *) -> (N, C, *out): Resize with PyTorch's coordinate rules: 'nearest' is asymmetric with
 * floor (src = floor(dst / scale)); 'bilinear' is linear with half_pixel (clamped at the edges), or
 * align_corners. A scaleFactor goes in as `scales` (PyTorch then uses 1 / scaleFactor for the
 * coordinates, as Resize does); a size as `sizes`, built from the input's shape under dynamicBatch.
 */
export const exportUpsample: LayerExporter<Upsample> = (m, ctx, input) => {
  const spatial = ctx.shape(input).length - 2;
  const attrs = m.mode === 'nearest'
    ? { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
    : { mode: 'linear', coordinate_transformation_mode: m.options.alignCorners ? 'align_corners' : 'half_pixel' };
  const f = m.options.scaleFactor;
  if (f !== undefined) return ctx.node('Resize', [input, '', ctx.constant([1, 1, ...perDim(f, spatial, [])])], attrs);
  const out = ctx.outShape();
  if (!ctx.dynamicBatch) return ctx.node('Resize', [input, '', '', ctx.int64(out)], attrs);
  const nc = ctx.node('Slice', [ctx.node('Shape', [input]), ctx.int64([0]), ctx.int64([2])]);
  const sizes = ctx.node('Concat', [nc, ctx.int64(out.slice(2))], { axis: 0 });
  return ctx.node('Resize', [input, '', '', sizes], attrs);
};
