import { formatShape } from '@tapegrad/tensor';
import type { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d } from '@tapegrad/nn';
import type { LayerContext, LayerExporter } from './LayerExporter.js';
import { batchedSpatial } from './spatial.js';

type AnyAdaptive = AdaptiveAvgPool1d | AdaptiveAvgPool2d | AdaptiveAvgPool3d | AdaptiveMaxPool1d | AdaptiveMaxPool2d;

/**
 * Adaptive pooling as a fixed window where its bins are uniform: output 1 (the whole axis) or an
 * input divisible by the output (window = stride = L / Lo). Bin i covers [floor(i L / Lo),
 * ceil((i + 1) L / Lo)), so any other size has bins of two lengths (or overlapping ones), which
 * one ONNX pooling window cannot express.
 */
function adaptive(m: AnyAdaptive, ctx: LayerContext, input: string, n: number, kind: 'AveragePool' | 'MaxPool'): string {
  const inSpatial = batchedSpatial(ctx, ctx.shape(input), n, kind);
  const out = ctx.outShape().slice(2);
  if (out.some((o, i) => o < 1 || inSpatial[i]! % o !== 0)) {
    ctx.fail(`${m.constructor.name} output ${formatShape(out)} from input ${formatShape(inSpatial)} has uneven bins; ONNX ${kind} cannot express them`);
  }
  if (out.every((o) => o === 1)) return ctx.node(kind === 'AveragePool' ? 'GlobalAveragePool' : 'GlobalMaxPool', [input]);
  const kernel = inSpatial.map((L, i) => L / out[i]!);
  return ctx.node(kind, [input], { kernel_shape: kernel, strides: kernel });
}

export const exportAdaptiveAvgPool1d: LayerExporter<AdaptiveAvgPool1d> = (m, ctx, input) => adaptive(m, ctx, input, 1, 'AveragePool');
export const exportAdaptiveAvgPool2d: LayerExporter<AdaptiveAvgPool2d> = (m, ctx, input) => adaptive(m, ctx, input, 2, 'AveragePool');
export const exportAdaptiveAvgPool3d: LayerExporter<AdaptiveAvgPool3d> = (m, ctx, input) => adaptive(m, ctx, input, 3, 'AveragePool');
export const exportAdaptiveMaxPool1d: LayerExporter<AdaptiveMaxPool1d> = (m, ctx, input) => adaptive(m, ctx, input, 1, 'MaxPool');
export const exportAdaptiveMaxPool2d: LayerExporter<AdaptiveMaxPool2d> = (m, ctx, input) => adaptive(m, ctx, input, 2, 'MaxPool');
