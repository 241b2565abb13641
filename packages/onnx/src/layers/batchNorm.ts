import { ones, zeros } from '@tapegrad/tensor';
import type { BatchNormBase } from '@tapegrad/nn';
import type { LayerExporter } from './LayerExporter.js';

/**
 * (N, C, *) -> same: BatchNormalization in inference mode with the running statistics (scale 1
 * and bias 0 without affine).
 */
export const exportBatchNorm: LayerExporter<BatchNormBase> = (m, ctx, input) => {
  const mean = m.runningMean, variance = m.runningVar;
  if (!mean || !variance) {
    return ctx.fail(`${m.constructor.name} has no running statistics (trackRunningStats false), so eval normalises with each batch's own statistics; ONNX BatchNormalization (inference) needs running statistics`);
  }
  const c = m.numFeatures;
  const scale = m.weight ? ctx.param(m.weight.data, 'weight') : ctx.constant(ones([c]));
  const bias = m.bias ? ctx.param(m.bias.data, 'bias') : ctx.constant(zeros([c]));
  return ctx.node('BatchNormalization', [input, scale, bias, ctx.param(mean.value, 'running_mean'), ctx.param(variance.value, 'running_var')], {
    epsilon: { float: m.eps },
  });
};
