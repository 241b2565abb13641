import type { Conv1d, Conv2d } from '@tapegrad/nn';
import type { LayerContext, LayerExporter } from './LayerExporter.js';
import { batchedSpatial } from './spatial.js';

/** ONNX pads [begins..., ends...] of a convolution: numeric padding on both sides, 'valid' none, 'same' with the odd one on the right (as PyTorch). */
function convPads(padding: readonly number[] | 'same' | 'valid', kernel: readonly number[], dilation: readonly number[]): number[] {
  if (padding === 'valid') return kernel.map(() => 0).concat(kernel.map(() => 0));
  if (padding === 'same') {
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    return [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))];
  }
  return [...padding, ...padding];
}

function conv(ctx: LayerContext, m: Conv1d | Conv2d, input: string, kernel: number[], stride: number[], padding: readonly number[] | 'same' | 'valid', dilation: number[]): string {
  batchedSpatial(ctx, ctx.shape(input), kernel.length, 'Conv');
  const inputs = [input, ctx.param(m.weight.data, 'weight')];
  if (m.bias) inputs.push(ctx.param(m.bias.data, 'bias'));
  return ctx.node('Conv', inputs, {
    kernel_shape: kernel, strides: stride, dilations: dilation, group: m.groups, pads: convPads(padding, kernel, dilation),
  });
}

/** (N, inC, L) -> (N, outC, Lo): Conv with the weight (outC, inC / groups, k) and bias as initializers. */
export const exportConv1d: LayerExporter<Conv1d> = (m, ctx, input) =>
  conv(ctx, m, input, [m.kernelSize], [m.stride], typeof m.padding === 'string' ? m.padding : [m.padding], [m.dilation]);

/** (N, inC, H, W) -> (N, outC, Ho, Wo): Conv with the weight (outC, inC / groups, kH, kW) and bias as initializers. */
export const exportConv2d: LayerExporter<Conv2d> = (m, ctx, input) =>
  conv(ctx, m, input, [...m.kernelSize], [...m.stride], m.padding, [...m.dilation]);
