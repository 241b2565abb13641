// The tape engine: accumulation, shared inputs, graph freeing, noGrad, backward's argument checks,
// defineOp (multi-output and custom ops), gradcheck's failure report, detach and retainGrad.
import { describe, it, expect } from 'vitest';
import { Tensor, tensor, kernels } from '@tapegrad/tensor';
import {
  Variable, OpContext, defineOp, gradcheck, noGrad, enableGrad, isGradEnabled, add, mul, sum, exp, max, amax, cat,
} from '../src/index.js';

const leaf = (values: number[], shape?: number[]): Variable => new Variable(tensor(values, shape), { requiresGrad: true });
const arr = (t: Tensor | null): number[] => Array.from(t!.toArray());

describe('backward', () => {
  it('accumulates into .grad across backward calls until zeroed', () => {
    const x = leaf([1, 2, 3]);
    sum(mul(x, x)).backward(); // d/dx = 2x
    expect(arr(x.grad)).toEqual([2, 4, 6]);
    sum(mul(x, 3)).backward(); // + 3
    expect(arr(x.grad)).toEqual([5, 7, 9]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
    sum(x).backward();
    expect(arr(x.grad)).toEqual([1, 1, 1]);
  });

  it('sums the gradients of a variable used several times', () => {
    const x = leaf([2, -1]);
    // y = x*x*x + x*x + x  ->  dy/dx = 3x^2 + 2x + 1
    const y = add(add(mul(mul(x, x), x), mul(x, x)), x);
    sum(y).backward();
    expect(arr(x.grad)).toEqual([3 * 4 + 4 + 1, 3 - 2 + 1]);
  });

  it('handles a diamond: one intermediate consumed by two branches', () => {
    const x = leaf([0.5]);
    const e = exp(x);
    const y = add(mul(e, 2), mul(e, e)); // 2e^x + e^2x -> 2e^x + 2e^2x
    y.backward();
    expect(x.grad!.item()).toBeCloseTo(2 * Math.exp(0.5) + 2 * Math.exp(1), 5);
  });

  it('a second backward through a freed graph throws the retainGraph error', () => {
    const x = leaf([1, 2]);
    const y = sum(mul(x, x));
    y.backward();
    expect(() => y.backward()).toThrow(/freed by an earlier backward\(\); pass \{ retainGraph: true \} to the first backward\(\)/);
  });

  it('retainGraph keeps the graph for a second backward, which accumulates', () => {
    const x = leaf([1, 2]);
    const y = sum(mul(x, x));
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(arr(x.grad)).toEqual([4, 8]);
    expect(() => y.backward()).toThrow(/freed by an earlier backward/);
  });

  it('backward without grad on a non-scalar output throws', () => {
    const y = mul(leaf([1, 2]), 2);
    expect(() => y.backward()).toThrow('backward: grad can be omitted only for a one-element output, but the output has shape [2]; expected backward(gradOutput) with a gradient of that shape');
  });

  it('backward without grad works for a one-element non-0-d output', () => {
    const x = leaf([3], [1, 1]);
    mul(x, x).backward();
    expect(arr(x.grad)).toEqual([6]);
  });

  it('a grad of the wrong shape throws', () => {
    const y = mul(leaf([1, 2]), 2);
    expect(() => y.backward(tensor([1, 1, 1]))).toThrow('backward: grad of shape [3] does not match the output shape [2]; expected shape [2]');
  });

  it('backward on an output that does not require grad throws', () => {
    const y = mul(new Variable(tensor([1, 2])), 2);
    expect(y.requiresGrad).toBe(false);
    expect(() => sum(y).backward()).toThrow('backward: the output does not require grad');
  });

  it('backward with an explicit upstream gradient', () => {
    const x = leaf([1, 2, 3]);
    mul(x, x).backward(tensor([1, 0, -1]));
    expect(arr(x.grad)).toEqual([2, 0, -6]);
  });

  it('leaf gradients are compact, unshared tensors (cat hands out narrow views of one buffer)', () => {
    const a = leaf([1, 2]), b = leaf([3, 4, 5]);
    const u = tensor([1, 2, 3, 4, 5]);
    cat([a, b]).backward(u);
    for (const v of [a, b]) {
      expect(v.grad!.offset).toBe(0);
      expect(v.grad!.data.length).toBe(v.size);
      expect(v.grad!.isContiguous()).toBe(true);
    }
    expect(Array.from(b.grad!.data)).toEqual([3, 4, 5]);
    const c = leaf([1, 2]);
    add(c, 0).backward(u.narrow(0, 0, 2));
    expect(c.grad!.data).not.toBe(u.data); // writing into c.grad never changes the caller's tensor
  });
});

describe('noGrad and grad mode', () => {
  it('noGrad records nothing and restores the mode', () => {
    const x = leaf([1, 2]);
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(isGradEnabled()).toBe(true);
  });

  it('noGrad restores the mode when fn throws', () => {
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('enableGrad records inside noGrad', () => {
    const x = leaf([1, 2]);
    const y = noGrad(() => enableGrad(() => mul(x, 2)));
    expect(y.requiresGrad).toBe(true);
    sum(y).backward();
    expect(arr(x.grad)).toEqual([2, 2]);
  });
});

describe('detach and retainGrad', () => {
  it('detach cuts the graph but shares the data', () => {
    const x = leaf([1, 2]);
    const y = mul(x, x);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    expect(d.data).toBe(y.data);
    // the detached branch contributes no gradient
    sum(add(mul(d, x), y)).backward(); // d/dx = d + 2x = x^2 + 2x
    expect(arr(x.grad)).toEqual([3, 8]);
  });

  it('retainGrad keeps the gradient of a non-leaf; other non-leaves get none', () => {
    const x = leaf([1, 2]);
    const y = mul(x, 3).retainGrad();
    const z = mul(y, y);
    sum(z).backward(); // dz/dy = 2y
    expect(arr(y.grad)).toEqual([6, 12]);
    expect(z.grad).toBeNull();
    expect(arr(x.grad)).toEqual([18, 36]);
  });
});

describe('defineOp', () => {
  type CubeSaved = { x: Tensor };
  const cube = defineOp({
    name: 'cube',
    forward(ctx: OpContext<CubeSaved>, x: Tensor): Tensor {
      ctx.save({ x });
      return kernels.unary('powScalar', x, 3);
    },
    backward(ctx: OpContext<CubeSaved>, g: Tensor) {
      return [kernels.binary('mul', g, kernels.unary('mulScalar', kernels.unary('square', ctx.saved.x), 3))];
    },
  });

  it('a custom op passes gradcheck', () => {
    expect(gradcheck((x) => cube(x!), [leaf([0.5, -1.2, 2])])).toBe(true);
  });

  it('a custom op mixes with library ops, takes Tensors as constants and options', () => {
    type Saved = { a: Tensor; b: Tensor; scale: number };
    const scaledMul = defineOp({
      name: 'scaledMul',
      forward(ctx: OpContext<Saved>, a: Tensor, b: Tensor, o: { scale: number }): Tensor {
        ctx.save({ a, b, scale: o.scale });
        return kernels.unary('mulScalar', kernels.binary('mul', a, b), o.scale);
      },
      backward(ctx: OpContext<Saved>, g: Tensor) {
        const { b, scale } = ctx.saved;
        expect(ctx.needsInputGrad).toEqual([true, false]);
        return [kernels.unary('mulScalar', kernels.binary('mul', g, b), scale), null];
      },
    });
    const x = leaf([1, 2]);
    const y = scaledMul(exp(x), tensor([3, 4]), { scale: 0.5 });
    sum(y).backward();
    expect(x.grad!.toArray()[0]).toBeCloseTo(Math.exp(1) * 1.5, 5);
    expect(x.grad!.toArray()[1]).toBeCloseTo(Math.exp(2) * 2, 5);
  });

  it('a multi-output forward returns [Variable, ...Tensor] and differentiates the first output', () => {
    type Saved = { n: number };
    // returns (x * 2, a constant tensor of indices): the second output is not differentiable
    const withIndex = defineOp({
      name: 'withIndex',
      forward(ctx: OpContext<Saved>, x: Tensor): [Tensor, Tensor] {
        ctx.save({ n: x.size });
        return [kernels.unary('mulScalar', x, 2), tensor(Array.from({ length: x.size }, (_, i) => i), x.shape)];
      },
      backward(_ctx: OpContext<Saved>, g: Tensor) {
        return [kernels.unary('mulScalar', g, 2)];
      },
    });
    const x = leaf([1, 2, 3]);
    const [y, idx] = withIndex(x);
    expect(y).toBeInstanceOf(Variable);
    expect(idx).toBeInstanceOf(Tensor);
    expect(arr(idx)).toEqual([0, 1, 2]);
    sum(y).backward();
    expect(arr(x.grad)).toEqual([2, 2, 2]);
    expect(gradcheck((v) => withIndex(v!), [leaf([0.1, 0.2])])).toBe(true);
  });

  it('the library max(dim) is such an op: indices are a plain Tensor', () => {
    const [values, indices] = max(leaf([1, 5, 2, 7], [2, 2]), 1);
    expect(values.requiresGrad).toBe(true);
    expect(indices).toBeInstanceOf(Tensor);
    expect(arr(indices)).toEqual([1, 1]);
  });

  it('a backward returning the wrong number of gradients throws', () => {
    const bad = defineOp({
      name: 'bad',
      forward(_ctx: OpContext<Record<string, never>>, a: Tensor, b: Tensor): Tensor { return kernels.binary('add', a, b); },
      backward(_ctx: OpContext<Record<string, never>>, g: Tensor) { return [g]; },
    });
    expect(() => sum(bad(leaf([1]), leaf([2]))).backward()).toThrow('bad: backward returned 1 gradients for 2 tensor inputs; expected one entry (Tensor or null) per tensor input');
  });

  it('a backward returning a gradient of the wrong shape throws', () => {
    const bad = defineOp({
      name: 'badShape',
      forward(_ctx: OpContext<Record<string, never>>, a: Tensor): Tensor { return a; },
      backward(_ctx: OpContext<Record<string, never>>, _g: Tensor) { return [tensor([1, 2, 3])]; },
    });
    expect(() => sum(bad(leaf([1, 2]))).backward()).toThrow('badShape: backward returned a gradient of shape [3] for input 0 of shape [2]; expected shape [2]');
  });

  it('reading ctx.saved without a save throws', () => {
    const forgetful = defineOp({
      name: 'forgetful',
      forward(_ctx: OpContext<{ x: Tensor }>, a: Tensor): Tensor { return kernels.unary('neg', a); },
      backward(ctx: OpContext<{ x: Tensor }>, _g: Tensor) { return [ctx.saved.x]; },
    });
    expect(() => sum(forgetful(leaf([1]))).backward()).toThrow('forgetful: backward read ctx.saved, but forward never called ctx.save()');
  });
});

describe('gradcheck', () => {
  it('throws on a deliberately wrong backward, naming the input and the element', () => {
    // d/db is right, d/da is off by a factor 2 for every element; the worst element is the largest b
    const wrong = defineOp({
      name: 'wrongMul',
      forward(ctx: OpContext<{ a: Tensor; b: Tensor }>, a: Tensor, b: Tensor): Tensor {
        ctx.save({ a, b });
        return kernels.binary('mul', a, b);
      },
      backward(ctx: OpContext<{ a: Tensor; b: Tensor }>, g: Tensor) {
        const { a, b } = ctx.saved;
        return [kernels.unary('mulScalar', kernels.binary('mul', g, b), 2), kernels.binary('mul', g, a)];
      },
    });
    const a = leaf([1, 1, 1]), b = leaf([0.1, 5, 0.2]);
    expect(() => gradcheck((x, y) => wrong(x!, y!), [a, b], { seed: 3 }))
      .toThrow(/^gradcheck: input 0 \(shape \[3\]\) element 1: numeric gradient -?[\d.e-]+ vs analytic -?[\d.e-]+; expected \|numeric - analytic\| <= 0.01 \+ 0.01 \* \|numeric\| \(eps 0.01\)$/);
  });

  it('names an input other than the first when only its gradient is wrong', () => {
    const wrong = defineOp({
      name: 'wrongSecond',
      forward(_ctx: OpContext<Record<string, never>>, a: Tensor, b: Tensor): Tensor { return kernels.binary('add', a, b); },
      backward(_ctx: OpContext<Record<string, never>>, g: Tensor) { return [g, kernels.unary('neg', g)]; },
    });
    expect(() => gradcheck((x, y) => wrong(x!, y!), [leaf([1, 2]), leaf([3, 4])])).toThrow(/^gradcheck: input 1 \(shape \[2\]\) element \d/);
  });

  it('says when the failing element sits within eps of a kink (the one-sided differences disagree)', () => {
    // 0.5 and 0.505 tie within eps = 0.01: amax's numeric derivative mixes both sides of the tie
    const x = leaf([0.2, 0.5, 0.505]);
    expect(() => gradcheck((v) => amax(v!), [x]))
      .toThrow(/^gradcheck: input 0 \(shape \[3\]\) element [12]: numeric gradient -?[\d.e-]+ vs analytic -?[\d.e-]+; expected \|numeric - analytic\| <= 0.01 \+ 0.01 \* \|numeric\| \(eps 0.01\); the one-sided differences disagree \(forward -?[\d.e-]+, backward -?[\d.e-]+\), so the function is not smooth within eps of this element \(a kink or a tie, e.g. two values of a max-pool window within 2 \* eps\): use well-separated input values or a smaller eps$/);
    // the same input passes with a step below the gap
    expect(gradcheck((v) => amax(v!), [x], { eps: 1e-3 })).toBe(true);
  });

  it('leaves the inputs\' .grad as it found them', () => {
    const x = leaf([1, 2]);
    x.grad = tensor([7, 7]);
    gradcheck((v) => mul(v!, v!), [x]);
    expect(arr(x.grad)).toEqual([7, 7]);
    expect(arr(x.data)).toEqual([1, 2]);
  });
});

describe('leaf gradient buffers', () => {
  it('a gradient computed during backward in a buffer of its own becomes .grad without a copy', () => {
    let made: Float32Array | null = null;
    const double = defineOp({
      name: 'double',
      forward(_ctx: OpContext<Record<string, never>>, x: Tensor): Tensor {
        return kernels.unary('mulScalar', x, 2);
      },
      backward(_ctx: OpContext<Record<string, never>>, g: Tensor) {
        const out = kernels.unary('mulScalar', g, 2);
        made = out.data;
        return [out];
      },
    });
    const x = leaf([1, 2, 3]);
    sum(double(x)).backward();
    expect(made).not.toBeNull();
    expect(x.grad!.data).toBe(made);
    expect(arr(x.grad)).toEqual([2, 2, 2]);
  });

  it('two leaves handed the same gradient buffer get separate .grad buffers', () => {
    const a = leaf([1, 2]), b = leaf([3, 4]);
    sum(mul(add(a, b), tensor([5, 6]))).backward(); // add's backward hands one tensor to both
    expect(a.grad!.data).not.toBe(b.grad!.data);
    a.grad!.data[0] = 100;
    expect(arr(b.grad)).toEqual([5, 6]);
  });

  it("the caller's upstream gradient and a tensor an op kept from before backward are copied, not taken", () => {
    const upstream = tensor([1, 2]);
    const x = leaf([0, 0]);
    add(x, tensor([1, 1])).backward(upstream);
    expect(x.grad!.data).not.toBe(upstream.data);
    x.grad!.data[0] = 9;
    expect(arr(upstream)).toEqual([1, 2]);

    const kept = tensor([7, 7]);
    const constGrad = defineOp({
      name: 'constGrad',
      forward(_ctx: OpContext<Record<string, never>>, v: Tensor): Tensor {
        return kernels.unary('mulScalar', v, 1);
      },
      backward() {
        return [kept];
      },
    });
    const y = leaf([1, 2]);
    sum(constGrad(y)).backward();
    expect(y.grad!.data).not.toBe(kept.data);
    y.grad!.data[0] = 0;
    expect(arr(kept)).toEqual([7, 7]);
  });
});
