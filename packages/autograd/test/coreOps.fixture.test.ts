// Every core op against PyTorch 1.13 (scripts/fixtures/core_ops.py): outputs, non-differentiable
// outputs (indices) and the gradient of every input for a random upstream gradient.
import { describe, it, expect } from 'vitest';
import { Tensor } from '@tapegrad/tensor';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';
import {
  Variable, add, sub, mul, div, pow, neg, exp, log, sqrt, abs, relu, sigmoid, tanh, clamp, matmul,
  sum, mean, amax, amin, max, min, argmax, argmin, norm, cat, stack, slice, pad, softmax, logSoftmax, where,
  type Operand,
} from '../src/index.js';

interface Case {
  name: string;
  op: string;
  options: Record<string, unknown>;
  inputs: EncodedTensor[];
  consts: Record<string, EncodedTensor>;
  output: EncodedTensor;
  extra: EncodedTensor[];
  upstream?: EncodedTensor;
  grads?: EncodedTensor[];
}

type Opts = Record<string, unknown>;
type Result = Variable | Tensor | [Variable, Tensor];
type Runner = (xs: Variable[], o: Opts, consts: Record<string, Tensor>) => Result;

function num(o: Opts, key: string): number {
  const v = o[key];
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v !== 'number') throw new Error(`fixture option ${key} is ${String(v)}; expected a number`);
  return v;
}
function optNum(o: Opts, key: string): number | undefined {
  return o[key] === undefined ? undefined : num(o, key);
}
function dims(o: Opts): number | number[] | undefined {
  const v = o['dims'];
  if (v === undefined || typeof v === 'number') return v;
  if (Array.isArray(v) && v.every((d) => typeof d === 'number')) return v as number[];
  throw new Error(`fixture option dims is ${String(v)}`);
}
function list(o: Opts, key: string): number[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number')) throw new Error(`fixture option ${key} is ${String(v)}`);
  return v as number[];
}
const keep = (o: Opts): boolean => o['keepDim'] === true;

/** A binary op with a tensor operand on both sides, or a number on the side the fixture names. */
function binaryRunner(f: (a: Operand, b: Operand) => Variable): Runner {
  return (xs, o) => {
    if (o['scalar'] === undefined) return f(xs[0]!, xs[1]!);
    const s = num(o, 'scalar');
    return o['side'] === 'left' ? f(s, xs[0]!) : f(xs[0]!, s);
  };
}

const runners: Record<string, Runner> = {
  add: binaryRunner(add),
  sub: binaryRunner(sub),
  mul: binaryRunner(mul),
  div: binaryRunner(div),
  pow: binaryRunner(pow),
  neg: ([x]) => neg(x!),
  exp: ([x]) => exp(x!),
  log: ([x]) => log(x!),
  sqrt: ([x]) => sqrt(x!),
  abs: ([x]) => abs(x!),
  relu: ([x]) => relu(x!),
  sigmoid: ([x]) => sigmoid(x!),
  tanh: ([x]) => tanh(x!),
  clamp: ([x], o) => clamp(x!, optNum(o, 'min'), optNum(o, 'max')),
  matmul: ([a, b]) => matmul(a!, b!),
  sum: ([x], o) => sum(x!, dims(o), keep(o)),
  mean: ([x], o) => mean(x!, dims(o), keep(o)),
  amax: ([x], o) => amax(x!, dims(o), keep(o)),
  amin: ([x], o) => amin(x!, dims(o), keep(o)),
  max: ([x], o) => max(x!, num(o, 'dim'), keep(o)),
  min: ([x], o) => min(x!, num(o, 'dim'), keep(o)),
  argmax: ([x], o) => argmax(x!, optNum(o, 'dim'), keep(o)),
  argmin: ([x], o) => argmin(x!, optNum(o, 'dim'), keep(o)),
  norm: ([x], o) => norm(x!, num(o, 'p'), dims(o), keep(o)),
  // Shape ops go through the Variable methods, which API.md lists.
  reshape: ([x], o) => x!.reshape(list(o, 'shape')),
  transposeReshape: ([x], o) => x!.transpose(0, 1).reshape(list(o, 'shape')),
  permute: ([x], o) => x!.permute(list(o, 'dims')),
  transpose: ([x], o) => x!.transpose(num(o, 'a'), num(o, 'b')),
  flatten: ([x], o) => x!.flatten(optNum(o, 'start'), optNum(o, 'end')),
  squeeze: ([x], o) => x!.squeeze(optNum(o, 'dim')),
  unsqueeze: ([x], o) => x!.unsqueeze(num(o, 'dim')),
  expand: ([x], o) => x!.expand(list(o, 'shape')),
  narrow: ([x], o) => x!.narrow(num(o, 'dim'), num(o, 'start'), num(o, 'length')),
  slice: ([x], o) => slice(x!, num(o, 'dim'), optNum(o, 'start'), optNum(o, 'end')),
  cat: (xs, o) => cat(xs, num(o, 'dim')),
  stack: (xs, o) => stack(xs, num(o, 'dim')),
  pad: ([x], o) => pad(x!, list(o, 'pads'), optNum(o, 'value')),
  softmax: ([x], o) => softmax(x!, num(o, 'dim')),
  logSoftmax: ([x], o) => logSoftmax(x!, num(o, 'dim')),
  where: (xs, o, c) => where(c['cond']!, xs[0]!, o['scalar'] === undefined ? xs[1]! : num(o, 'scalar')),
};

const fixture = loadFixture<Case>(new URL('./fixtures/core_ops.json', import.meta.url));

describe(`core ops vs PyTorch ${fixture.torch_version} (${fixture.script})`, () => {
  it('covers every core op', () => {
    const ops = new Set(fixture.cases.map((c) => c.op));
    const required = ['add', 'sub', 'mul', 'div', 'neg', 'pow', 'exp', 'log', 'sqrt', 'abs', 'relu', 'sigmoid', 'tanh',
      'clamp', 'matmul', 'sum', 'mean', 'amax', 'amin', 'max', 'argmax', 'norm', 'reshape', 'permute', 'transpose',
      'flatten', 'squeeze', 'unsqueeze', 'expand', 'cat', 'stack', 'narrow', 'slice', 'pad', 'softmax', 'logSoftmax', 'where'];
    expect(required.filter((op) => !ops.has(op))).toEqual([]);
    expect(Object.keys(runners).filter((op) => !ops.has(op))).toEqual([]);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const run = runners[c.op];
      if (!run) throw new Error(`no runner for op ${c.op}`);
      const xs = c.inputs.map((e) => new Variable(toTensor(e), { requiresGrad: true }));
      const consts = Object.fromEntries(Object.entries(c.consts).map(([k, e]) => [k, toTensor(e)]));
      // `pre: 'transpose01'` runs the op on non-contiguous views: every input transposed (dims 0, 1) first
      const args = c.options['pre'] === 'transpose01' ? xs.map((x) => x.transpose(0, 1)) : xs;
      const res = run(args, c.options, consts);
      const out = res instanceof Tensor ? res : Array.isArray(res) ? res[0] : res;
      const outTensor = out instanceof Tensor ? out : out.data;
      expectClose(outTensor, c.output, { label: 'output' });
      if (Array.isArray(res)) {
        expect(c.extra.length).toBe(1);
        expectClose(res[1], c.extra[0]!, { label: 'indices', atol: 0, rtol: 0 });
      } else {
        expect(c.extra).toEqual([]);
      }
      if (!c.upstream || !c.grads) {
        expect(out).toBeInstanceOf(Tensor); // only non-differentiable results (argmax) come without gradients
        return;
      }
      if (!(out instanceof Variable)) throw new Error(`${c.op} returned a Tensor; expected a Variable`);
      out.backward(toTensor(c.upstream));
      xs.forEach((x, i) => {
        const g = x.grad ?? new Tensor(new Float32Array(x.size), x.shape);
        expectClose(g, c.grads![i]!, { label: `grad of input ${i}` });
      });
    });
  }
});
