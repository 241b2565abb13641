import { zeros, fail, formatShape } from '@tapegrad/tensor';
import { noGrad, Variable } from '@tapegrad/autograd';
import { Module, Sequential, Conv2d, Linear } from '@tapegrad/nn';
import { Fire } from './Fire.js';

export interface LayerSummary {
  /** State-dict prefix of the layer (`0`, `3`, ...). */
  key: string;
  /** Class name and settings, as the layer prints itself. */
  layer: string;
  /** Output shape for a batch of one. */
  outputShape: number[];
  parameters: number;
  /** Multiply-adds per sample of convolutions and linear layers in this layer. */
  multiplyAdds: number;
}

/** Multiply-adds of `m` on one sample of `inShape`, counting convolutions and linear layers (children included). */
function multiplyAdds(m: Module, inShape: readonly number[], outShape: readonly number[]): number {
  if (m instanceof Conv2d) {
    const w = m.weight.shape; // (outC, inC / groups, kH, kW)
    return outShape[1]! * outShape[2]! * outShape[3]! * w[1]! * w[2]! * w[3]!;
  }
  if (m instanceof Linear) return outShape.slice(0, -1).reduce((a, b) => a * b, 1) * m.inFeatures * m.outFeatures;
  if (m instanceof Fire) {
    const s = m.squeeze.forward(zeros(inShape));
    return multiplyAdds(m.squeeze, inShape, s.shape) +
      multiplyAdds(m.expand1, s.shape, m.expand1.forward(s).shape) + multiplyAdds(m.expand3, s.shape, m.expand3.forward(s).shape);
  }
  if (m instanceof Sequential) {
    let total = 0, x: Variable = new Variable(zeros(inShape));
    for (const k of m.layers) {
      const y = k.forward(x);
      total += multiplyAdds(k, x.shape, y.shape);
      x = y;
    }
    return total;
  }
  return 0;
}

/**
 * Per-layer table of a Sequential model for one input of `inputShape` (without the batch dim):
 * output shapes, parameter counts and multiply-adds. Runs one forward pass in eval mode without
 * recording; the model's mode is restored afterwards.
 */
export function summarize(model: Sequential, inputShape: readonly number[]): { layers: LayerSummary[]; parameters: number; multiplyAdds: number } {
  if (!(model instanceof Sequential)) fail('summarize', 'model is not a Sequential; expected a flat Sequential such as createModel returns');
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let x = new Variable(zeros([1, ...inputShape]));
      const layers: LayerSummary[] = model.namedChildren().map(([key, m]) => {
        let y: Variable;
        try {
          y = m.forward(x);
        } catch (e) {
          return fail('summarize', `layer ${key} (${m.constructor.name}) rejects input ${formatShape(x.shape)}: ${(e as Error).message}`);
        }
        const row = { key, layer: m.toString().split('\n')[0]!.replace(/\($/, ''), outputShape: y.shape.slice(), parameters: m.numParameters(), multiplyAdds: multiplyAdds(m, x.shape, y.shape) };
        x = y;
        return row;
      });
      return { layers, parameters: model.numParameters(), multiplyAdds: layers.reduce((s, l) => s + l.multiplyAdds, 0) };
    });
  } finally {
    model.train(wasTraining);
  }
}
