import type { Linear } from '@tapegrad/nn';
import type { LayerExporter } from './LayerExporter.js';

/**
 * (*, in) -> (*, out): Gemm (transB) for a (N, in) input, else MatMul with the transposed weight
 * (in, out) and Add of the bias.
 */
export const exportLinear: LayerExporter<Linear> = (m, ctx, input) => {
  const bias = m.bias ? ctx.param(m.bias.data, 'bias') : null;
  if (ctx.shape(input).length === 2) {
    return ctx.node('Gemm', bias ? [input, ctx.param(m.weight.data, 'weight'), bias] : [input, ctx.param(m.weight.data, 'weight')], { transB: 1 });
  }
  const wt = ctx.constant(m.weight.data.transpose(0, 1).contiguous());
  const y = ctx.node('MatMul', [input, wt]);
  return bias ? ctx.node('Add', [y, bias]) : y;
};
