// A custom pooling layer written with the public defineOp API: generalised-mean (GeM) pooling,
// y = (mean over H, W of clamp(x, eps)^p)^(1/p), with a learnable exponent p.
// p = 1 is average pooling; p -> infinity approaches max pooling.
// Everything a user needs for their own pooling is in this file: forward and backward by hand,
// a Module holding the learnable parameter, and (in gem.test.ts) a gradcheck.
import {
  Tensor, kernels, fail, formatShape, scalar, defineOp, OpContext, type Input, type Variable, Module, Parameter,
} from 'tapegrad';

const { unary, binary, reduce } = kernels;

type Saved = { xc: Tensor; mask: Tensor; m: Tensor; y: Tensor; p: number; xp: Tensor };

// (N, C, H, W), p [1] -> (N, C)
const gemOp = defineOp({
  name: 'gem',
  forward(ctx: OpContext<Saved>, x: Tensor, pT: Tensor, o: { eps: number }): Tensor {
    const p = pT.item();
    const xc = unary('clamp', x, o.eps, Infinity);             // clamp(x, eps)
    const xp = unary('powScalar', xc, p);                       // xc^p
    const m = reduce('sum', xp, [2, 3], true);                  // (N, C, 1, 1)
    const hw = x.shape[2]! * x.shape[3]!;
    const mean = unary('mulScalar', m, 1 / hw);
    const y = unary('powScalar', mean, 1 / p);                  // (N, C, 1, 1)
    ctx.save({ xc, mask: binary('gt', x, scalar(o.eps)), m: mean, y, p, xp });
    return y.reshape([x.shape[0]!, x.shape[1]!]);
  },
  // dy/dx = y / m * xc^(p-1) / HW  (0 where x was clamped)
  // dy/dp = y * (mean(xc^p ln xc) / (p m) - ln(m) / p^2)
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { xc, mask, m, y, p, xp } = ctx.saved;
    const hw = xc.shape[2]! * xc.shape[3]!;
    const g4 = g.reshape(y.shape);
    let gx: Tensor | null = null, gp: Tensor | null = null;
    if (ctx.needsInputGrad[0]) {
      const scale = binary('mul', g4, binary('div', y, unary('mulScalar', m, hw)));            // (N, C, 1, 1)
      gx = binary('mul', binary('mul', unary('powScalar', xc, p - 1), mask), scale);
    }
    if (ctx.needsInputGrad[1]) {
      const xlogx = unary('mulScalar', reduce('sum', binary('mul', xp, unary('log', xc)), [2, 3], true), 1 / hw);
      const dydp = binary('mul', y, binary('sub', binary('div', xlogx, unary('mulScalar', m, p)), unary('mulScalar', unary('log', m), 1 / (p * p))));
      gp = reduce('sum', binary('mul', g4, dydp)).reshape([1]);
    }
    return [gx, gp];
  },
});

/** (N, C, H, W), p [1] -> (N, C): generalised-mean pooling over H and W. */
export function gem(x: Input, p: Input, opts: { eps?: number } = {}): Variable {
  if (x.shape.length !== 4) fail('gem', `input shape ${formatShape(x.shape)} has rank ${x.shape.length}; expected (N, C, H, W)`);
  if (p.shape.length !== 1 || p.shape[0] !== 1) fail('gem', `p shape ${formatShape(p.shape)} is not [1]; expected a one-element exponent`);
  const eps = opts.eps ?? 1e-6;
  if (!(eps > 0)) fail('gem', `eps ${eps} must be positive; expected a small positive number such as 1e-6`);
  return gemOp(x, p, { eps });
}

/** The part of exportOnnx's context (OnnxExportContext in @tapegrad/onnx) that GeM's export uses. */
interface OnnxGraph {
  node(opType: string, inputs: readonly string[], attributes?: Record<string, number>): string;
  constant(value: Tensor | number): string;
}

/** (N, C, H, W) -> (N, C): GeM pooling with a learnable exponent p (initial value 3, as in the GeM paper). */
export class GeM extends Module {
  p: Parameter;
  readonly eps: number;

  constructor(opts: { p?: number; eps?: number } = {}) {
    super();
    this.p = new Parameter(new Tensor(Float32Array.of(opts.p ?? 3), [1]));
    this.eps = opts.eps ?? 1e-6;
  }

  forward(x: Input): Variable {
    return gem(x, this.p, { eps: this.eps });
  }

  /** exportOnnx's hook: (mean over H, W of Clip(x, eps)^p)^(1/p) from standard ONNX ops. */
  toOnnx(g: OnnxGraph, x: string): string {
    const p = g.constant(this.p.data);
    const mean = g.node('GlobalAveragePool', [g.node('Pow', [g.node('Clip', [x, g.constant(this.eps)]), p])]);
    return g.node('Flatten', [g.node('Pow', [mean, g.node('Reciprocal', [p])])], { axis: 1 });
  }

  override extraRepr(): string {
    return `p=${this.p.data.item().toFixed(4)}, eps=${this.eps}`;
  }
}
