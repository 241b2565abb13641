// What ONNX cannot express exactly is refused with an Error naming the layer's path and why.
import { describe, it, expect } from 'vitest';
import { Generator } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import {
  Module, Sequential, ReLU, Conv2d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AvgPool2d, AvgPool3d, FractionalMaxPool2d, MaxPool2d,
  MaxUnpool2d, BatchNorm2d, Linear, ModuleList, CrossEntropyLoss, GlobalAvgPool2d,
} from '@tapegrad/nn';
import { exportOnnx } from '../src/index.js';

/** A user layer without a toOnnx method. */
class Doubler extends Module {
  forward(x: Input): Variable {
    return new ReLU().forward(x);
  }
}

/** A ReLU whose forward is replaced: it must not export as Relu. */
class ShiftedReLU extends ReLU {
  override forward(x: Input): Variable {
    return super.forward(x);
  }
}

const img = [1, 3, 7, 7];

describe('exportOnnx refuses what ONNX cannot express exactly', () => {
  it.each([
    ['uneven adaptive bins', new Sequential(new ReLU(), new ReLU(), new ReLU(), new AdaptiveAvgPool2d([3, 3])), img,
      'exportOnnx: 3: AdaptiveAvgPool2d output [3, 3] from input [7, 7] has uneven bins; ONNX AveragePool cannot express them'],
    ['uneven adaptive max bins (1-d)', new AdaptiveMaxPool1d(4), [1, 2, 10],
      'exportOnnx: (model): AdaptiveMaxPool1d output [4] from input [10] has uneven bins; ONNX MaxPool cannot express them'],
    ['divisorOverride', new Sequential(new AvgPool2d(2, { divisorOverride: 3 })), img,
      'exportOnnx: 0: AvgPool2d divisorOverride 3 divides every window by a fixed number; ONNX AveragePool has no divisor override'],
    ['divisorOverride (3-d)', new AvgPool3d(2, { divisorOverride: 5 }), [1, 1, 4, 4, 4],
      'exportOnnx: (model): AvgPool3d divisorOverride 5 divides every window by a fixed number; ONNX AveragePool has no divisor override'],
    ['fractional max pooling, nested', new Sequential(new Conv2d(3, 3, 1), new Sequential(new ReLU(), new FractionalMaxPool2d(2, { outputSize: 3 }))), img,
      'exportOnnx: 1.1: FractionalMaxPool2d draws random pooling regions on every forward; ONNX has no fractional max pooling'],
    ['max unpooling', new Sequential(new MaxPool2d(2), new MaxUnpool2d(2)), img,
      'exportOnnx: 1: MaxUnpool2d places values at the indices of a max pooling, a second input; the exported graph has one input'],
    ['a module without the hook', new Sequential(new ReLU(), new Doubler()), img,
      'exportOnnx: 1: Doubler has no ONNX export; expected a layer ONNX can express or a toOnnx(ctx, input) method'],
    ['a library layer whose forward is replaced', new Sequential(new ShiftedReLU()), img,
      'exportOnnx: 0: ShiftedReLU replaces the forward of ReLU; expected a toOnnx(ctx, input) method that exports the new forward'],
    ['batch norm without running statistics', new Sequential(new BatchNorm2d(3, { trackRunningStats: false })), img,
      'exportOnnx: 0: BatchNorm2d has no running statistics (trackRunningStats false), so eval normalises with each batch\'s own statistics; ONNX BatchNormalization (inference) needs running statistics'],
    ['a ModuleList in a Sequential', new Sequential(new ModuleList([new ReLU()])), img,
      'exportOnnx: 0: ModuleList has no forward; expected the module that holds it to export its entries with ctx.module in a toOnnx method'],
    ['a loss', new Sequential(new GlobalAvgPool2d(), new CrossEntropyLoss()), img,
      'exportOnnx: 1: CrossEntropyLoss is a loss; expected the model without its loss'],
    ['an unbatched input to a pooling layer', new MaxPool2d(2), [3, 7, 7],
      'exportOnnx: (model): input shape [3, 7, 7] is not batched; ONNX MaxPool needs (N, C, H, W), so export with a batch dim in inputShape'],
    ['an empty Sequential', new Sequential(), img, 'exportOnnx: (model): Sequential has no layers; expected at least one'],
  ])('%s', (_what, model, inputShape, message) => {
    expect(() => exportOnnx(model, { inputShape })).toThrow(message);
  });

  it('a layer that rejects the input shape: the path, the layer and its own message', () => {
    const model = new Sequential(new Linear(7, 5, { generator: new Generator(1) }), new ReLU(), new Linear(4, 2, { generator: new Generator(2) }));
    expect(() => exportOnnx(model, { inputShape: [2, 7] })).toThrow(
      'exportOnnx: 2: Linear rejects input [2, 5]: linear: input shape [2, 5] does not fit weight [2, 4]; expected (*, 4)');
  });

  it('leaves the training flags as they were after an error', () => {
    const model = new Sequential(new ReLU(), new Doubler());
    expect(() => exportOnnx(model, { inputShape: [1, 2] })).toThrow('Doubler has no ONNX export');
    expect(model.namedModules().every(([, m]) => m.training)).toBe(true);
  });
});
