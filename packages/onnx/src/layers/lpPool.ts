import type { LPPool1d, LPPool2d } from '@tapegrad/nn';
import type { LayerContext, LayerExporter } from './LayerExporter.js';
import { onnxWindow } from './poolWindow.js';
import { batchedSpatial, perDim, product } from './spatial.js';

/**
 * PyTorch's composition, not ONNX LpPool (which takes |x|^p and an integer p): x^p, averaged over
 * each window clipped to the input (count_include_pad 0: ceilMode's partial windows count only
 * their input elements), times the kernel area, then ^(1/p). A negative sum with a fractional 1/p
 * is NaN in both.
 */
function lpPool(m: LPPool1d | LPPool2d, ctx: LayerContext, input: string, n: number): string {
  const inSpatial = batchedSpatial(ctx, ctx.shape(input), n, 'AveragePool');
  const kernel = perDim(m.kernelSize, n, []);
  const zero = kernel.map(() => 0);
  const w = onnxWindow(inSpatial, kernel, perDim(m.options.stride, n, kernel), zero, kernel.map(() => 1), m.options.ceilMode ?? false);
  const powered = ctx.node('Pow', [input, ctx.constant(m.normType)]);
  const mean = ctx.node('AveragePool', [powered], { kernel_shape: w.kernel, strides: w.strides, pads: w.pads, count_include_pad: 0 });
  const sum = ctx.node('Mul', [mean, ctx.constant(product(kernel))]);
  return ctx.node('Pow', [sum, ctx.constant(1 / m.normType)]);
}

export const exportLpPool1d: LayerExporter<LPPool1d> = (m, ctx, input) => lpPool(m, ctx, input, 1);
export const exportLpPool2d: LayerExporter<LPPool2d> = (m, ctx, input) => lpPool(m, ctx, input, 2);
