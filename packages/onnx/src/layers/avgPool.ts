import type { AvgPool1d, AvgPool2d, AvgPool3d } from '@tapegrad/nn';
import type { LayerContext, LayerExporter } from './LayerExporter.js';
import { onnxWindow, type OnnxWindow } from './poolWindow.js';
import { batchedSpatial, perDim, product } from './spatial.js';

type AnyAvgPool = AvgPool1d | AvgPool2d | AvgPool3d;

/**
 * kernel area / PyTorch's divisor for each output position with countIncludePad, row-major over
 * the output's spatial dims: PyTorch clips a window to the padded input (L + p on the right), so
 * ceilMode's last partial window divides by fewer elements than the kernel holds.
 */
function includePadFactors(w: OnnxWindow, inSpatial: readonly number[], padding: readonly number[]): Float32Array {
  const perAxis = w.out.map((o, i) => Array.from({ length: o }, (_, j) => {
    const start = j * w.strides[i]! - padding[i]!;
    return Math.min(start + w.kernel[i]!, inSpatial[i]! + padding[i]!) - start;
  }));
  const area = product(w.kernel);
  const out = new Float32Array(product(w.out));
  for (let flat = 0; flat < out.length; flat++) {
    let rest = flat, size = 1;
    for (let i = w.out.length - 1; i >= 0; i--) {
      size *= perAxis[i]![rest % w.out[i]!]!;
      rest = Math.floor(rest / w.out[i]!);
    }
    out[flat] = area / size;
  }
  return out;
}

/**
 * AveragePool with explicit pads. countIncludePad false: count_include_pad 0, exact with any end
 * padding. countIncludePad true: count_include_pad 1 divides by the whole kernel; where ceilMode's
 * last window reaches past the padding, PyTorch divides by the clipped window instead, so a Mul by
 * a constant (kernel area / divisor) per output position follows.
 */
function avgPool(m: AnyAvgPool, ctx: LayerContext, input: string, n: number): string {
  const o = m.options;
  const divisorOverride = 'divisorOverride' in o ? o.divisorOverride : null;
  if (divisorOverride !== undefined && divisorOverride !== null) {
    ctx.fail(`${m.constructor.name} divisorOverride ${divisorOverride} divides every window by a fixed number; ONNX AveragePool has no divisor override`);
  }
  const inSpatial = batchedSpatial(ctx, ctx.shape(input), n, 'AveragePool');
  const kernel = perDim(m.kernelSize, n, []);
  const padding = perDim(o.padding, n, kernel.map(() => 0));
  const w = onnxWindow(inSpatial, kernel, perDim(o.stride, n, kernel), padding, kernel.map(() => 1), o.ceilMode ?? false);
  const includePad = o.countIncludePad ?? true;
  const y = ctx.node('AveragePool', [input], { kernel_shape: w.kernel, strides: w.strides, pads: w.pads, count_include_pad: includePad ? 1 : 0 });
  if (!includePad || !w.overhang) return y;
  return ctx.node('Mul', [y, ctx.constant(includePadFactors(w, inSpatial, padding), w.out)]);
}

export const exportAvgPool1d: LayerExporter<AvgPool1d> = (m, ctx, input) => avgPool(m, ctx, input, 1);
export const exportAvgPool2d: LayerExporter<AvgPool2d> = (m, ctx, input) => avgPool(m, ctx, input, 2);
export const exportAvgPool3d: LayerExporter<AvgPool3d> = (m, ctx, input) => avgPool(m, ctx, input, 3);
