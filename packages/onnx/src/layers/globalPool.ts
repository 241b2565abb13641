import type { ChannelwisePool, GlobalAvgPool2d, GlobalMaxPool2d } from '@tapegrad/nn';
import type { LayerContext, LayerExporter } from './LayerExporter.js';
import { batchedSpatial } from './spatial.js';

/** (N, C, H, W) -> (N, C, 1, 1), then Flatten to (N, C) unless keepDim. */
function globalPool(ctx: LayerContext, input: string, op: 'GlobalAveragePool' | 'GlobalMaxPool', keepDim: boolean): string {
  batchedSpatial(ctx, ctx.shape(input), 2, op);
  const y = ctx.node(op, [input]);
  return keepDim ? y : ctx.node('Flatten', [y], { axis: 1 });
}

export const exportGlobalAvgPool2d: LayerExporter<GlobalAvgPool2d> = (m, ctx, input) => globalPool(ctx, input, 'GlobalAveragePool', m.keepDim);
export const exportGlobalMaxPool2d: LayerExporter<GlobalMaxPool2d> = (m, ctx, input) => globalPool(ctx, input, 'GlobalMaxPool', m.keepDim);

/**
 * (N, C, H, W) -> (N, C, 1, 1): 'max' and 'avg' as the global pools; a p-norm ('l2' is p = 2) as
 * (H W mean |x|^p)^(1/p), p = Infinity as the global max of |x|.
 */
export const exportChannelwisePool: LayerExporter<ChannelwisePool> = (m, ctx, input) => {
  const [h, w] = batchedSpatial(ctx, ctx.shape(input), 2, 'GlobalAveragePool') as [number, number];
  if (m.mode === 'max') return ctx.node('GlobalMaxPool', [input]);
  if (m.mode === 'avg') return ctx.node('GlobalAveragePool', [input]);
  const p = m.mode === 'l2' ? 2 : m.mode.p;
  const abs = ctx.node('Abs', [input]);
  if (p === Infinity) return ctx.node('GlobalMaxPool', [abs]);
  const mean = ctx.node('GlobalAveragePool', [ctx.node('Pow', [abs, ctx.constant(p)])]);
  return ctx.node('Pow', [ctx.node('Mul', [mean, ctx.constant(h * w)]), ctx.constant(1 / p)]);
};
