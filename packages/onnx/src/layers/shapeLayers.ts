import type { Flatten, Module } from '@tapegrad/nn';
import type { LayerExporter } from './LayerExporter.js';

/** Dropout, Dropout2d (identity in eval) and Identity: no node, the input is the output. */
export const exportIdentity: LayerExporter<Module> = (_m, _ctx, input) => input;

/**
 * (d0, ..., dn) -> dims startDim..endDim merged: ONNX Flatten for the usual (N, *) -> (N, prod)
 * case, else a Reshape to the forward's output shape (dim 0 kept symbolic as 0, or -1 when merged).
 */
export const exportFlatten: LayerExporter<Flatten> = (m, ctx, input) => {
  const rank = ctx.shape(input).length;
  const start = m.startDim < 0 ? m.startDim + rank : m.startDim;
  const end = m.endDim < 0 ? m.endDim + rank : m.endDim;
  if (start === 1 && end === rank - 1) return ctx.node('Flatten', [input], { axis: 1 });
  const out = ctx.outShape();
  const target = start === 0 ? [-1, ...out.slice(1)] : [0, ...out.slice(1)];
  return ctx.node('Reshape', [input, ctx.int64(target)]);
};
