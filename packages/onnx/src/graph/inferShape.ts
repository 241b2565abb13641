import type { OnnxAttributes } from '../OnnxExportContext.js';

/** Ops whose output has their first input's shape. */
const SAME_SHAPE = new Set([
  'Abs', 'Ceil', 'Clip', 'Cos', 'Elu', 'Erf', 'Exp', 'Floor', 'HardSigmoid', 'Identity', 'LeakyRelu', 'Log', 'LogSoftmax', 'Neg',
  'Reciprocal', 'Relu', 'Round', 'Selu', 'Sigmoid', 'Sign', 'Sin', 'Softmax', 'Softplus', 'Softsign', 'Sqrt', 'Tanh', 'BatchNormalization',
]);

/** Elementwise ops with numpy broadcasting. */
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Mean', 'Sum', 'PRelu']);

function broadcast(shapes: readonly (readonly number[])[]): number[] | null {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const e = s[s.length - rank + i] ?? 1;
      if (e !== 1 && d !== 1 && e !== d) return null;
      if (e !== 1) d = e;
    }
    out.push(d);
  }
  return out;
}

/**
 * The output shape of the simple ops a hook typically chains (elementwise, broadcasting, Concat,
 * Flatten) when every input shape is known; null otherwise (then only the module boundary tells).
 */
export function inferShape(opType: string, inputs: readonly (readonly number[] | undefined)[], attrs: OnnxAttributes): number[] | null {
  if (inputs.length === 0 || inputs.some((s) => s === undefined)) return null;
  const shapes = inputs as readonly (readonly number[])[];
  if (SAME_SHAPE.has(opType)) return shapes[0]!.slice();
  if (BROADCAST.has(opType)) return broadcast(shapes);
  const axisAttr = attrs['axis'];
  const axis = typeof axisAttr === 'number' ? axisAttr : opType === 'Flatten' ? 1 : null;
  if (axis === null) return null;
  const rank = shapes[0]!.length, a = axis < 0 ? axis + rank : axis;
  if (opType === 'Concat') {
    if (shapes.some((s) => s.length !== rank || s.some((d, i) => i !== a && d !== shapes[0]![i]))) return null;
    return shapes[0]!.map((d, i) => (i === a ? shapes.reduce((sum, s) => sum + s[a]!, 0) : d));
  }
  if (opType === 'Flatten') {
    const prod = (v: readonly number[]): number => v.reduce((x, y) => x * y, 1);
    return [prod(shapes[0]!.slice(0, a)), prod(shapes[0]!.slice(a))];
  }
  return null;
}
