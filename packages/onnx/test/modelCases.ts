// The exported models that the tests run in onnxruntime and that scripts/fixtures/onnx_check.py
// passes through onnx.checker (via scripts/writeCheckerModels.ts): one list, so the checker's
// verdict is about exactly these graphs.
import { Generator, rand, randn, type Tensor } from '@tapegrad/tensor';
import {
  Sequential, Conv2d, ReLU, Module, MaxPool2d, AvgPool2d, LPPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, GlobalAvgPool2d,
  GlobalMaxPool2d, ChannelwisePool, CrossChannelPool, Maxout,
} from '@tapegrad/nn';
import { createModel } from '@tapegrad/train';
import { GeM } from '../../../examples/gem.js';
import { trainFewSteps } from './trainFewSteps.js';

export interface ModelCase {
  name: string;
  build(): Module;
  /** The input the comparison runs on (its shape is the export's inputShape). */
  input(): Tensor;
}

const mnistBatch = (seed: number): Tensor => randn([2, 1, 28, 28], { generator: new Generator(seed) });

/**
 * (N, 6, 40, 38) -> (N, 3, 1, 1): every 2-d pooling layer that exports, chained, with ceilMode
 * (a last window past the padding), padding, dilation and countIncludePad variants.
 */
export function poolingZoo(): Sequential {
  return new Sequential(
    new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }), //                (6, 20, 19): end pads past the padding
    new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }), //                (6, 11, 10): divisor of the clipped last window
    new MaxPool2d([2, 3], { stride: 1, padding: [1, 1], dilation: [2, 1] }), //    (6, 11, 10)
    new AvgPool2d(2, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), // (6, 6, 6)
    new LPPool2d(2, 2, { stride: 1, ceilMode: true }), //                          (6, 5, 5)
    new AvgPool2d([3, 2], { stride: [1, 2], padding: [1, 0], ceilMode: true }), // (6, 5, 3)
    new LPPool2d(1.5, [2, 2], { stride: 2, ceilMode: true }), //                   (6, 3, 2)
    new AdaptiveMaxPool2d([3, 1]), //                                              (6, 3, 1)
    new CrossChannelPool(2, { mode: 'max' }), //                                   (3, 3, 1)
    new AdaptiveAvgPool2d([1, null]), //                                           (3, 1, 1)
    new ChannelwisePool('l2'), new GlobalMaxPool2d({ keepDim: true }), new GlobalAvgPool2d({ keepDim: true }),
  );
}

/** A small conv net with the GeM head of examples/gem.ts: (N, 1, 28, 28) -> (N, 10). */
function gemNet(): Sequential {
  const g = new Generator(5);
  return new Sequential(
    new Conv2d(1, 8, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2),
    new Conv2d(8, 12, 3, { generator: g }), new ReLU(), new Maxout(2), new Conv2d(6, 10, 1, { generator: g }), new GeM({ p: 2.5 }),
  );
}

export const MODEL_CASES: ModelCase[] = [
  { name: 'nin', build: () => createModel('nin', { generator: new Generator(1) }), input: () => mnistBatch(11) },
  { name: 'nin-bn', build: () => trainFewSteps(createModel('nin-bn', { generator: new Generator(2) }), 3, 12), input: () => mnistBatch(12) },
  { name: 'nin-fc', build: () => createModel('nin-fc', { generator: new Generator(3) }), input: () => mnistBatch(13) },
  { name: 'squeezenet', build: () => trainFewSteps(createModel('squeezenet', { generator: new Generator(4) }), 3, 14), input: () => mnistBatch(14) },
  { name: 'pooling-zoo', build: poolingZoo, input: () => randn([2, 6, 40, 38], { generator: new Generator(15) }) },
  { name: 'gem', build: gemNet, input: () => rand([2, 1, 28, 28], { generator: new Generator(16) }) },
];
