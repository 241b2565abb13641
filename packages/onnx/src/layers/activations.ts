import type { ELU, GELU, LeakyReLU, LogSoftmax, Module, Softmax } from '@tapegrad/nn';
import type { LayerExporter } from './LayerExporter.js';

/** An elementwise layer that is one ONNX op without attributes. */
export const plainOp = (opType: string): LayerExporter<Module> => (_m, ctx, input) => ctx.node(opType, [input]);

export const exportLeakyRelu: LayerExporter<LeakyReLU> = (m, ctx, input) => ctx.node('LeakyRelu', [input], { alpha: { float: m.negativeSlope } });

export const exportElu: LayerExporter<ELU> = (m, ctx, input) => ctx.node('Elu', [input], { alpha: { float: m.alpha } });

export const exportSoftmax: LayerExporter<Softmax> = (m, ctx, input) => ctx.node('Softmax', [input], { axis: m.dim });

export const exportLogSoftmax: LayerExporter<LogSoftmax> = (m, ctx, input) => ctx.node('LogSoftmax', [input], { axis: m.dim });

/**
 * GELU from Erf (0.5 x (1 + erf(x / sqrt 2))) or, for approximate 'tanh', PyTorch's formula
 * 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))): ONNX's own Gelu op exists only from opset 20.
 */
export const exportGelu: LayerExporter<GELU> = (m, ctx, input) => {
  const half = ctx.node('Mul', [input, ctx.constant(0.5)]);
  let t: string;
  if (m.approximate === 'tanh') {
    const cube = ctx.node('Mul', [ctx.node('Mul', [input, input]), input]);
    const inner = ctx.node('Add', [input, ctx.node('Mul', [cube, ctx.constant(0.044715)])]);
    t = ctx.node('Tanh', [ctx.node('Mul', [inner, ctx.constant(Math.sqrt(2 / Math.PI))])]);
  } else {
    t = ctx.node('Erf', [ctx.node('Mul', [input, ctx.constant(Math.SQRT1_2)])]);
  }
  return ctx.node('Mul', [half, ctx.node('Add', [t, ctx.constant(1)])]);
};
