import type { MaxPool1d, MaxPool2d, MaxPool3d } from '@tapegrad/nn';
import type { LayerContext, LayerExporter } from './LayerExporter.js';
import { onnxWindow } from './poolWindow.js';
import { batchedSpatial, perDim } from './spatial.js';

type AnyMaxPool = MaxPool1d | MaxPool2d | MaxPool3d;

/**
 * MaxPool with explicit pads (ceilMode as extra end padding). ONNX runtimes refuse a pad as large
 * as the kernel, which a dilated window's end pad can reach: then a Pad node with -inf does the padding.
 */
function maxPool(m: AnyMaxPool, ctx: LayerContext, input: string, n: number): string {
  const inSpatial = batchedSpatial(ctx, ctx.shape(input), n, 'MaxPool');
  const o = m.options;
  const kernel = perDim(m.kernelSize, n, []);
  const w = onnxWindow(inSpatial, kernel, perDim(o.stride, n, kernel), perDim(o.padding, n, kernel.map(() => 0)),
    perDim(o.dilation, n, kernel.map(() => 1)), o.ceilMode ?? false);
  const attrs = { kernel_shape: w.kernel, strides: w.strides, dilations: w.dilations };
  if (w.pads.every((p, i) => p < w.kernel[i % n]!)) return ctx.node('MaxPool', [input], { ...attrs, pads: w.pads });
  const pads = [0, 0, ...w.pads.slice(0, n), 0, 0, ...w.pads.slice(n)];
  const padded = ctx.node('Pad', [input, ctx.int64(pads), ctx.constant(-Infinity)], { mode: 'constant' });
  return ctx.node('MaxPool', [padded], attrs);
}

export const exportMaxPool1d: LayerExporter<MaxPool1d> = (m, ctx, input) => maxPool(m, ctx, input, 1);
export const exportMaxPool2d: LayerExporter<MaxPool2d> = (m, ctx, input) => maxPool(m, ctx, input, 2);
export const exportMaxPool3d: LayerExporter<MaxPool3d> = (m, ctx, input) => maxPool(m, ctx, input, 3);
