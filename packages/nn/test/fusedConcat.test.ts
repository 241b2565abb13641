// Branches concatenated on channels (FusedConcat): where each branch is one convolution (with its
// ReLU fused or alone), the convolutions write their channels of the output in place and nothing is
// copied; the values and gradients are those of running the branches one by one and concatenating.
import { describe, it, expect } from 'vitest';
import { Generator, cpuBackend, randn, resetBackend, setBackend, type Tensor } from '@tapegrad/tensor';
import { Variable, cat, gradcheck, noGrad } from '@tapegrad/autograd';
import { Conv2d, FusedConcat, ReLU, type Module } from '../src/index.js';

const gen = new Generator(12);

/** The branches' layers run one by one, their outputs concatenated: what FusedConcat must equal. */
function oneByOne(branches: readonly (readonly Module[])[], x: Variable): Variable {
  return cat(branches.map((layers) => layers.reduce<Variable>((y, m) => m.forward(y), x)), 1);
}

/** Calls of the backend's `copy` kernel (a concatenation copies each input with it) while `fn` runs. */
function copies<T>(fn: () => T): { result: T; copies: number } {
  let n = 0;
  setBackend({ name: 'counting copies', copy: (...args: Parameters<typeof cpuBackend.copy>) => { n++; cpuBackend.copy(...args); } });
  try {
    return { result: fn(), copies: n };
  } finally {
    resetBackend();
  }
}

function values(t: Tensor): number[] {
  return Array.from(t.toArray());
}

function expectClose(a: Tensor, b: Tensor, atol = 1e-6): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.toArray(), y = b.toArray();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  expect(worst).toBeLessThanOrEqual(atol);
}

describe('FusedConcat', () => {
  const fire = (): Module[][] => [
    [new Conv2d(4, 3, 1, { generator: gen }), new ReLU()],
    [new Conv2d(4, 5, 3, { padding: 1, generator: gen }), new ReLU()],
    [new Conv2d(4, 2, 3, { padding: 1, bias: false, generator: gen })],
  ];

  it('convolution branches write their channels in place: no copy, the values and gradients of one by one', () => {
    const branches = fire(), fused = new FusedConcat();
    const x = new Variable(randn([2, 4, 5, 6], { generator: gen }), { requiresGrad: true });
    const u = randn([2, 10, 5, 6], { generator: gen });
    const { result: y, copies: n } = copies(() => fused.run(branches, x));
    expect(n).toBe(0);
    expect(y.shape).toEqual([2, 10, 5, 6]);
    y.backward(u);
    const params = branches.flat().flatMap((m) => m.parameters());
    const got = { x: x.grad!, params: params.map((p) => p.grad!) };
    x.grad = null;
    for (const p of params) p.grad = null;
    const want = oneByOne(branches, x);
    expect(values(y.data)).toEqual(values(want.data));
    want.backward(u);
    expectClose(got.x, x.grad!);
    got.params.forEach((g, i) => expectClose(g, params[i]!.grad!));
  });

  it('in a noGrad pass too', () => {
    const branches = fire(), fused = new FusedConcat();
    const x = randn([3, 4, 4, 4], { generator: gen });
    const { result: y, copies: n } = copies(() => noGrad(() => fused.run(branches, x)));
    expect(n).toBe(0);
    expect(values(y.data)).toEqual(values(noGrad(() => oneByOne(branches, new Variable(x))).data));
  });

  it('a branch of more than one step runs on its own, and the outputs are concatenated by copying', () => {
    const branches: Module[][] = [
      [new Conv2d(4, 3, 1, { generator: gen }), new ReLU(), new Conv2d(3, 2, 1, { generator: gen })],
      [new Conv2d(4, 5, 3, { padding: 1, generator: gen }), new ReLU()],
    ];
    const x = new Variable(randn([2, 4, 5, 5], { generator: gen }), { requiresGrad: true });
    const { result: y, copies: n } = copies(() => new FusedConcat().run(branches, x));
    expect(n).toBe(2);
    expect(values(y.data)).toEqual(values(oneByOne(branches, x).data));
  });

  it('branches whose outputs differ in size are refused as cat refuses them', () => {
    const branches: Module[][] = [[new Conv2d(4, 3, 1, { generator: gen })], [new Conv2d(4, 3, 3, { generator: gen })]];
    expect(() => new FusedConcat().run(branches, randn([1, 4, 5, 5], { generator: gen })))
      .toThrow('cat: tensor 1 has shape [1, 3, 3, 3], which does not match [1, 3, 5, 5] outside dim 1; expected equal sizes except along dim 1');
  });

  it('gradcheck through the convolutions writing in place', () => {
    const c1 = new Conv2d(2, 2, 1, { generator: gen }), c3 = new Conv2d(2, 3, 3, { padding: 1, generator: gen });
    const x = new Variable(randn([2, 2, 4, 4], { generator: gen }), { requiresGrad: true });
    const fused = new FusedConcat(), branches = [[c1, new ReLU()], [c3]];
    // the parameters are inputs too: the branches read them, gradcheck perturbs them
    expect(gradcheck((a) => fused.run(branches, a), [x, c1.weight, c1.bias!, c3.weight, c3.bias!], { eps: 1e-2, atol: 2e-2 })).toBe(true);
  });
});
