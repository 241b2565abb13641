import type { CrossChannelPool, Maxout } from '@tapegrad/nn';
import type { LayerExporter } from './LayerExporter.js';
import { product } from './spatial.js';

/**
 * (N, C, *) -> (N, Co, *): the channels as the height of an (N, 1, C, S) image (S = the product of
 * the other dims), pooled with a (k, 1) window and stride (s, 1), then reshaped back.
 */
export const exportCrossChannelPool: LayerExporter<CrossChannelPool> = (m, ctx, input) => {
  const [, c, ...rest] = ctx.shape(input) as [number, number, ...number[]];
  const k = m.kernelSize, s = m.options.stride ?? k;
  const planes = ctx.node('Reshape', [input, ctx.int64([0, 1, c, product(rest)])]);
  const pooled = (m.options.mode ?? 'max') === 'max'
    ? ctx.node('MaxPool', [planes], { kernel_shape: [k, 1], strides: [s, 1] })
    : ctx.node('AveragePool', [planes], { kernel_shape: [k, 1], strides: [s, 1] });
  return ctx.node('Reshape', [pooled, ctx.int64([0, ...ctx.outShape().slice(1)])]);
};

/** (N, C, *) -> (N, C / g, *): channels viewed as (N, C / g, g, S), a (g, 1) MaxPool, then reshaped back. */
export const exportMaxout: LayerExporter<Maxout> = (m, ctx, input) => {
  const [, c, ...rest] = ctx.shape(input) as [number, number, ...number[]];
  const g = m.groupSize;
  const groups = ctx.node('Reshape', [input, ctx.int64([0, c / g, g, product(rest)])]);
  const pooled = ctx.node('MaxPool', [groups], { kernel_shape: [g, 1], strides: [g, 1] });
  return ctx.node('Reshape', [pooled, ctx.int64([0, c / g, ...rest])]);
};
