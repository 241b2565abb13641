import {
  Module, Sequential, Conv1d, Conv2d, Linear, BatchNorm1d, BatchNorm2d, Dropout, Dropout2d, Identity, Flatten, ReLU, LeakyReLU,
  ELU, GELU, Sigmoid, Tanh, Softmax, LogSoftmax, MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, LPPool1d,
  LPPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, GlobalAvgPool2d,
  GlobalMaxPool2d, ChannelwisePool, CrossChannelPool, Maxout, Upsample, ModuleList, ModuleDict, FractionalMaxPool2d, MaxUnpool1d,
  MaxUnpool2d, CrossEntropyLoss, NLLLoss, MSELoss, BCEWithLogitsLoss,
} from '@tapegrad/nn';
import type { LayerExporter } from './LayerExporter.js';
import { exportConv1d, exportConv2d } from './conv.js';
import { exportLinear } from './linear.js';
import { exportBatchNorm } from './batchNorm.js';
import { plainOp, exportLeakyRelu, exportElu, exportGelu, exportSoftmax, exportLogSoftmax } from './activations.js';
import { exportIdentity, exportFlatten } from './shapeLayers.js';
import { exportMaxPool1d, exportMaxPool2d, exportMaxPool3d } from './maxPool.js';
import { exportAvgPool1d, exportAvgPool2d, exportAvgPool3d } from './avgPool.js';
import { exportLpPool1d, exportLpPool2d } from './lpPool.js';
import {
  exportAdaptiveAvgPool1d, exportAdaptiveAvgPool2d, exportAdaptiveAvgPool3d, exportAdaptiveMaxPool1d, exportAdaptiveMaxPool2d,
} from './adaptivePool.js';
import { exportGlobalAvgPool2d, exportGlobalMaxPool2d, exportChannelwisePool } from './globalPool.js';
import { exportCrossChannelPool, exportMaxout } from './channelPool.js';
import { exportUpsample } from './upsample.js';
import { exportSequential } from './containers.js';

type ModuleClass<M extends Module> = abstract new (...args: never[]) => M;
type Entry = readonly [ModuleClass<Module>, LayerExporter<Module>];

/** One row of the table; the cast is safe because lookups go by the module's own class chain. */
function row<M extends Module>(cls: ModuleClass<M>, fn: LayerExporter<M>): Entry {
  return [cls, fn as LayerExporter<Module>];
}

/** The library layers ONNX expresses exactly, keyed by class. */
const TABLE = new Map<ModuleClass<Module>, LayerExporter<Module>>([
  row(Sequential, exportSequential),
  row(Conv1d, exportConv1d), row(Conv2d, exportConv2d), row(Linear, exportLinear),
  row(BatchNorm1d, exportBatchNorm), row(BatchNorm2d, exportBatchNorm),
  row(Dropout, exportIdentity), row(Dropout2d, exportIdentity), row(Identity, exportIdentity), row(Flatten, exportFlatten),
  row(ReLU, plainOp('Relu')), row(Sigmoid, plainOp('Sigmoid')), row(Tanh, plainOp('Tanh')),
  row(LeakyReLU, exportLeakyRelu), row(ELU, exportElu), row(GELU, exportGelu), row(Softmax, exportSoftmax), row(LogSoftmax, exportLogSoftmax),
  row(MaxPool1d, exportMaxPool1d), row(MaxPool2d, exportMaxPool2d), row(MaxPool3d, exportMaxPool3d),
  row(AvgPool1d, exportAvgPool1d), row(AvgPool2d, exportAvgPool2d), row(AvgPool3d, exportAvgPool3d),
  row(LPPool1d, exportLpPool1d), row(LPPool2d, exportLpPool2d),
  row(AdaptiveAvgPool1d, exportAdaptiveAvgPool1d), row(AdaptiveAvgPool2d, exportAdaptiveAvgPool2d), row(AdaptiveAvgPool3d, exportAdaptiveAvgPool3d),
  row(AdaptiveMaxPool1d, exportAdaptiveMaxPool1d), row(AdaptiveMaxPool2d, exportAdaptiveMaxPool2d),
  row(GlobalAvgPool2d, exportGlobalAvgPool2d), row(GlobalMaxPool2d, exportGlobalMaxPool2d), row(ChannelwisePool, exportChannelwisePool),
  row(CrossChannelPool, exportCrossChannelPool), row(Maxout, exportMaxout), row(Upsample, exportUpsample),
]);

/** Why library layers outside the table have no export. */
const REFUSALS = new Map<ModuleClass<Module>, string>([
  [FractionalMaxPool2d, 'draws random pooling regions on every forward; ONNX has no fractional max pooling'],
  [MaxUnpool1d, 'places values at the indices of a max pooling, a second input; the exported graph has one input'],
  [MaxUnpool2d, 'places values at the indices of a max pooling, a second input; the exported graph has one input'],
  [ModuleList, 'has no forward; expected the module that holds it to export its entries with ctx.module in a toOnnx method'],
  [ModuleDict, 'has no forward; expected the module that holds it to export its entries with ctx.module in a toOnnx method'],
  [CrossEntropyLoss, 'is a loss; expected the model without its loss'],
  [NLLLoss, 'is a loss; expected the model without its loss'],
  [MSELoss, 'is a loss; expected the model without its loss'],
  [BCEWithLogitsLoss, 'is a loss; expected the model without its loss'],
]);

/**
 * The exporter for `m` from its class chain, or why there is none. A subclass that keeps the
 * forward of a table class exports as that class; one that replaces it (or an instance that does)
 * needs its own toOnnx.
 */
export function findExporter(m: Module): LayerExporter<Module> | string {
  const name = m.constructor.name;
  for (let proto: object | null = Object.getPrototypeOf(m); proto !== null && proto !== Module.prototype; proto = Object.getPrototypeOf(proto)) {
    const cls = (proto as { constructor: ModuleClass<Module> }).constructor;
    const refusal = REFUSALS.get(cls);
    if (refusal !== undefined) return `${name} ${refusal}`;
    const fn = TABLE.get(cls);
    if (fn === undefined) continue;
    const forward = (cls.prototype as Module).forward;
    if (m.forward !== forward) return `${name} replaces the forward of ${cls.name}; expected a toOnnx(ctx, input) method that exports the new forward`;
    return fn;
  }
  return `${name} has no ONNX export; expected a layer ONNX can express or a toOnnx(ctx, input) method`;
}
