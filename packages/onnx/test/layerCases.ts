// One exported layer per case, each run in onnxruntime by layers.test.ts and checked by
// onnx.checker through scripts/writeCheckerModels.ts. Shapes: the input each case runs on.
import { Buffer, type Module } from '@tapegrad/nn';
import {
  Generator, rand, randn, type Tensor,
} from '@tapegrad/tensor';
import {
  Conv1d, Conv2d, Linear, BatchNorm1d, BatchNorm2d, Dropout, Dropout2d, Identity, Flatten, ReLU, LeakyReLU, ELU, GELU, Sigmoid,
  Tanh, Softmax, LogSoftmax, Upsample, MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, LPPool1d, LPPool2d,
  AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, GlobalAvgPool2d, GlobalMaxPool2d,
  ChannelwisePool, CrossChannelPool, Maxout, Sequential,
} from '@tapegrad/nn';

export interface LayerCase {
  name: string;
  build(): Module;
  shape: number[];
  /** Inputs in (0.1, 2) instead of N(0, 1) (for layers whose NaN cases are not the point). */
  positive?: boolean;
}

/** Running statistics away from (0, 1), so eval batch norm is not the identity. */
function withStats<M extends BatchNorm1d | BatchNorm2d>(m: M, seed: number): M {
  const g = new Generator(seed);
  m.runningMean = new Buffer(randn([m.numFeatures], { generator: g }));
  m.runningVar = new Buffer(rand([m.numFeatures], { low: 0.5, high: 2, generator: g }));
  if (m.weight) m.weight.data = randn([m.numFeatures], { generator: g });
  if (m.bias) m.bias.data = randn([m.numFeatures], { generator: g });
  return m;
}

const g = (seed: number): { generator: Generator } => ({ generator: new Generator(seed) });

const CONV_AND_DENSE: LayerCase[] = [
  { name: 'Conv2d stride 2 dilation 2 groups 2 padding [1, 2]', build: () => new Conv2d(4, 6, [3, 2], { stride: 2, dilation: 2, groups: 2, padding: [1, 2], ...g(1) }), shape: [2, 4, 11, 10] },
  { name: "Conv2d padding 'same' kernel 4 (asymmetric pads)", build: () => new Conv2d(3, 5, 4, { padding: 'same', ...g(2) }), shape: [2, 3, 7, 6] },
  { name: "Conv2d padding 'same' kernel [3, 2] dilation [2, 3]", build: () => new Conv2d(3, 4, [3, 2], { padding: 'same', dilation: [2, 3], ...g(3) }), shape: [1, 3, 9, 8] },
  { name: "Conv2d padding 'valid' stride [2, 1] no bias", build: () => new Conv2d(2, 3, 3, { padding: 'valid', stride: [2, 1], bias: false, ...g(4) }), shape: [2, 2, 9, 7] },
  { name: 'Conv1d stride 2 padding 1 groups 3', build: () => new Conv1d(3, 6, 3, { stride: 2, padding: 1, groups: 3, ...g(5) }), shape: [2, 3, 12] },
  { name: "Conv1d padding 'same' kernel 4 dilation 3", build: () => new Conv1d(2, 3, 4, { padding: 'same', dilation: 3, ...g(6) }), shape: [2, 2, 15] },
  { name: 'Linear on (N, in) (Gemm)', build: () => new Linear(7, 5, g(7)), shape: [3, 7] },
  { name: 'Linear on (N, T, in) (MatMul) no bias', build: () => new Linear(6, 4, { bias: false, ...g(8) }), shape: [2, 3, 6] },
  { name: 'Linear on (N, T, in) (MatMul) with bias', build: () => new Linear(6, 4, g(9)), shape: [2, 3, 6] },
  { name: 'BatchNorm1d on (N, C)', build: () => withStats(new BatchNorm1d(5), 10), shape: [4, 5] },
  { name: 'BatchNorm1d on (N, C, L) eps 1e-3', build: () => withStats(new BatchNorm1d(3, { eps: 1e-3 }), 11), shape: [2, 3, 7] },
  { name: 'BatchNorm2d affine false', build: () => withStats(new BatchNorm2d(4, { affine: false }), 12), shape: [2, 4, 5, 5] },
  { name: 'Dropout, Dropout2d and Identity (identity in eval)', build: () => new Sequential(new Dropout(0.3), new Dropout2d(0.5), new Identity()), shape: [2, 3, 4, 4] },
  { name: 'Flatten', build: () => new Flatten(), shape: [2, 3, 4, 5] },
  { name: 'Flatten startDim 2', build: () => new Flatten({ startDim: 2 }), shape: [2, 3, 4, 5] },
  { name: 'Flatten startDim 0 endDim 1', build: () => new Flatten({ startDim: 0, endDim: 1 }), shape: [2, 3, 4, 5] },
];

const ACTIVATIONS: LayerCase[] = [
  { name: 'ReLU', build: () => new ReLU(), shape: [2, 3, 4, 4] },
  { name: 'LeakyReLU 0.2', build: () => new LeakyReLU(0.2), shape: [2, 3, 4, 4] },
  { name: 'ELU alpha 0.7', build: () => new ELU(0.7), shape: [2, 3, 4, 4] },
  { name: 'ELU alpha 1', build: () => new ELU(), shape: [2, 3, 4, 4] },
  { name: "GELU 'none'", build: () => new GELU(), shape: [2, 3, 4, 4] },
  { name: "GELU 'tanh'", build: () => new GELU('tanh'), shape: [2, 3, 4, 4] },
  { name: 'Sigmoid', build: () => new Sigmoid(), shape: [2, 3, 4, 4] },
  { name: 'Tanh', build: () => new Tanh(), shape: [2, 3, 4, 4] },
  { name: 'Softmax dim 1', build: () => new Softmax(1), shape: [2, 3, 4, 4] },
  { name: 'Softmax dim -1', build: () => new Softmax(-1), shape: [2, 3, 5] },
  { name: 'LogSoftmax dim 1', build: () => new LogSoftmax(1), shape: [3, 7] },
];

const UPSAMPLE: LayerCase[] = [
  { name: 'Upsample nearest scaleFactor 2', build: () => new Upsample({ scaleFactor: 2 }), shape: [2, 3, 4, 5] },
  { name: 'Upsample nearest scaleFactor [1.5, 2.5]', build: () => new Upsample({ scaleFactor: [1.5, 2.5] }), shape: [1, 2, 5, 3] },
  { name: 'Upsample nearest size [7, 9]', build: () => new Upsample({ size: [7, 9] }), shape: [2, 2, 4, 5] },
  { name: 'Upsample nearest size [3, 2] (down)', build: () => new Upsample({ size: [3, 2] }), shape: [1, 2, 7, 5] },
  { name: 'Upsample nearest 1-d scaleFactor 3', build: () => new Upsample({ scaleFactor: 3 }), shape: [2, 3, 5] },
  { name: 'Upsample bilinear scaleFactor 2', build: () => new Upsample({ scaleFactor: 2, mode: 'bilinear' }), shape: [2, 3, 4, 5] },
  { name: 'Upsample bilinear size [3, 3] (down)', build: () => new Upsample({ size: [3, 3], mode: 'bilinear' }), shape: [1, 2, 5, 5] },
  { name: 'Upsample bilinear size [1, 1]', build: () => new Upsample({ size: [1, 1], mode: 'bilinear' }), shape: [1, 2, 4, 6] },
  { name: 'Upsample bilinear alignCorners size [9, 7]', build: () => new Upsample({ size: [9, 7], mode: 'bilinear', alignCorners: true }), shape: [2, 2, 4, 5] },
];

const POOLING: LayerCase[] = [
  { name: 'MaxPool1d k=3 s=2 pad=1 ceilMode', build: () => new MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true }), shape: [2, 3, 10] },
  { name: 'MaxPool1d k=2 s=3 pad=1 ceilMode (last window would start in the padding)', build: () => new MaxPool1d(2, { stride: 3, padding: 1, ceilMode: true }), shape: [2, 3, 4] },
  { name: 'MaxPool1d k=2 s=3 dilation 4 pad=1 ceilMode (end pad >= kernel: Pad node)', build: () => new MaxPool1d(2, { stride: 3, dilation: 4, padding: 1, ceilMode: true }), shape: [2, 3, 8] },
  { name: 'MaxPool2d k=2 s=3 pad=1 ceilMode (last window would start in the padding)', build: () => new MaxPool2d(2, { stride: 3, padding: 1, ceilMode: true }), shape: [2, 3, 4, 7] },
  { name: 'MaxPool2d k=[3, 2] s=[2, 1] dilation [2, 3] pad=[1, 1] ceilMode', build: () => new MaxPool2d([3, 2], { stride: [2, 1], dilation: [2, 3], padding: [1, 1], ceilMode: true }), shape: [2, 3, 10, 9] },
  { name: 'MaxPool2d k=3 s=2 odd H', build: () => new MaxPool2d(3, { stride: 2 }), shape: [2, 3, 9, 8] },
  { name: 'MaxPool3d k=2 s=2 ceilMode', build: () => new MaxPool3d(2, { stride: 2, ceilMode: true }), shape: [2, 2, 5, 6, 7] },
  { name: 'MaxPool3d k=3 s=2 pad=1 dilation [1, 2, 1]', build: () => new MaxPool3d(3, { stride: 2, padding: 1, dilation: [1, 2, 1] }), shape: [1, 2, 6, 9, 7] },
  { name: 'AvgPool1d k=3 s=2 pad=1 ceilMode countIncludePad', build: () => new AvgPool1d(3, { stride: 2, padding: 1, ceilMode: true }), shape: [2, 3, 10] },
  { name: 'AvgPool1d k=3 s=2 pad=1 ceilMode countIncludePad false', build: () => new AvgPool1d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), shape: [2, 3, 10] },
  { name: 'AvgPool1d k=2 s=3 pad=1 ceilMode (last window would start in the padding)', build: () => new AvgPool1d(2, { stride: 3, padding: 1, ceilMode: true }), shape: [2, 3, 4] },
  { name: 'AvgPool2d k=3 s=2 pad=1 ceilMode countIncludePad', build: () => new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }), shape: [2, 3, 8, 9] },
  { name: 'AvgPool2d k=3 s=2 pad=1 ceilMode countIncludePad false', build: () => new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), shape: [2, 3, 8, 9] },
  { name: 'AvgPool2d k=[2, 3] s=[2, 2] ceilMode no padding', build: () => new AvgPool2d([2, 3], { stride: 2, ceilMode: true }), shape: [2, 3, 7, 8] },
  { name: 'AvgPool2d k=3 s=1 pad=1 countIncludePad', build: () => new AvgPool2d(3, { stride: 1, padding: 1 }), shape: [2, 3, 5, 5] },
  { name: 'AvgPool3d k=2 s=2 pad=1 ceilMode countIncludePad', build: () => new AvgPool3d(2, { stride: 2, padding: 1, ceilMode: true }), shape: [1, 2, 5, 6, 4] },
  { name: 'AvgPool3d k=3 s=2 pad=1 ceilMode countIncludePad false', build: () => new AvgPool3d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), shape: [1, 2, 6, 5, 7] },
  { name: 'LPPool1d p=2 k=3 s=2 ceilMode', build: () => new LPPool1d(2, 3, { stride: 2, ceilMode: true }), shape: [2, 3, 10] },
  { name: 'LPPool2d p=3 k=2 (NaN where a window sum is negative)', build: () => new LPPool2d(3, 2), shape: [2, 3, 6, 6] },
  { name: 'LPPool2d p=1.5 k=[3, 2] s=2 ceilMode', build: () => new LPPool2d(1.5, [3, 2], { stride: 2, ceilMode: true }), shape: [2, 3, 7, 7], positive: true },
  { name: 'AdaptiveAvgPool1d 4 from 12', build: () => new AdaptiveAvgPool1d(4), shape: [2, 3, 12] },
  { name: 'AdaptiveAvgPool2d [2, 1] from [6, 5]', build: () => new AdaptiveAvgPool2d([2, 1]), shape: [2, 3, 6, 5] },
  { name: 'AdaptiveAvgPool2d [null, 2] from [3, 4]', build: () => new AdaptiveAvgPool2d([null, 2]), shape: [2, 3, 3, 4] },
  { name: 'AdaptiveAvgPool2d 1 (global)', build: () => new AdaptiveAvgPool2d(1), shape: [2, 3, 5, 7] },
  { name: 'AdaptiveAvgPool3d [1, 2, 3] from [4, 4, 6]', build: () => new AdaptiveAvgPool3d([1, 2, 3]), shape: [1, 2, 4, 4, 6] },
  { name: 'AdaptiveMaxPool1d 1', build: () => new AdaptiveMaxPool1d(1), shape: [2, 3, 9] },
  { name: 'AdaptiveMaxPool2d [3, 2] from [6, 4]', build: () => new AdaptiveMaxPool2d([3, 2]), shape: [2, 3, 6, 4] },
  { name: 'GlobalAvgPool2d (N, C)', build: () => new GlobalAvgPool2d(), shape: [2, 3, 5, 4] },
  { name: 'GlobalAvgPool2d keepDim', build: () => new GlobalAvgPool2d({ keepDim: true }), shape: [2, 3, 5, 4] },
  { name: 'GlobalMaxPool2d (N, C)', build: () => new GlobalMaxPool2d(), shape: [2, 3, 5, 4] },
  { name: 'GlobalMaxPool2d keepDim', build: () => new GlobalMaxPool2d({ keepDim: true }), shape: [2, 3, 5, 4] },
  { name: "ChannelwisePool 'max'", build: () => new ChannelwisePool('max'), shape: [2, 3, 4, 5] },
  { name: "ChannelwisePool 'avg'", build: () => new ChannelwisePool('avg'), shape: [2, 3, 4, 5] },
  { name: "ChannelwisePool 'l2'", build: () => new ChannelwisePool('l2'), shape: [2, 3, 4, 5] },
  { name: 'ChannelwisePool p=3', build: () => new ChannelwisePool({ p: 3 }), shape: [2, 3, 4, 5] },
  { name: 'ChannelwisePool p=Infinity', build: () => new ChannelwisePool({ p: Infinity }), shape: [2, 3, 4, 5] },
  { name: 'CrossChannelPool k=3 s=2 avg', build: () => new CrossChannelPool(3, { stride: 2, mode: 'avg' }), shape: [2, 7, 3, 4] },
  { name: 'CrossChannelPool k=2 on (N, C)', build: () => new CrossChannelPool(2), shape: [3, 6] },
  { name: 'Maxout 3 on (N, C, H, W)', build: () => new Maxout(3), shape: [2, 6, 4, 3] },
  { name: 'Maxout 2 on (N, C)', build: () => new Maxout(2), shape: [3, 8] },
  { name: 'Maxout 2 on (N, C, L)', build: () => new Maxout(2), shape: [2, 6, 5] },
];

export const LAYER_CASES: LayerCase[] = [...CONV_AND_DENSE, ...ACTIVATIONS, ...UPSAMPLE, ...POOLING];

/** The input a layer case runs on (seeded by its position). */
export function layerInput(c: LayerCase, seed: number): Tensor {
  const generator = new Generator(100 + seed);
  return c.positive ? rand(c.shape, { low: 0.1, high: 2, generator }) : randn(c.shape, { generator });
}
