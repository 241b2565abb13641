import { describe, it, expect } from 'vitest';
import { tensor, Tensor } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { Linear } from '@tapegrad/nn';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';
import { SGD, Adam, AdamW, RMSprop, clipGradNorm_, clipGradValue_, type Optimizer, type OptimizerStateDict } from '../src/index.js';

interface OptimCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  options: Record<string, unknown>;
  groups: Record<string, unknown>[] | null;
  params: EncodedTensor[];
  grads: (EncodedTensor | null)[][];
  after: EncodedTensor[][];
}

const fixture = loadFixture<OptimCase>(new URL('./fixtures/optim.json', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = Optimizer<{ lr: number }>;

function make(c: OptimCase, ps: Variable[]): AnyOptimizer {
  const params = c.groups ? c.groups.map((g, i) => ({ params: [ps[i]!], ...g })) : ps;
  const ctor = { SGD, Adam, AdamW, RMSprop }[c.optimizer] as unknown as new (p: unknown, o: unknown) => AnyOptimizer;
  return new ctor(params, c.options);
}

describe('optimisers match PyTorch 1.13 over 5 steps', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const ps = c.params.map((p) => new Variable(toTensor(p), { requiresGrad: true }));
      const opt = make(c, ps);
      c.grads.forEach((row, t) => {
        row.forEach((g, i) => { ps[i]!.grad = g ? toTensor(g) : null; });
        opt.step();
        ps.forEach((p, i) => expectClose(p.data, c.after[t]![i]!, { atol: 1e-6, rtol: 1e-5, label: `step ${t} param ${i}` }));
      });
    });
  }
});

describe('optimiser state', () => {
  const c = fixture.cases.find((k) => k.name.startsWith('Adam weightDecay=0.1 amsgrad'))!;
  const nesterov = fixture.cases.find((k) => k.name.startsWith('SGD nesterov'))!;

  for (const k of [c, nesterov]) {
    it(`${k.optimizer}: stateDict after 2 steps, loaded into a fresh optimiser, continues identically`, () => {
      const ps = k.params.map((p) => new Variable(toTensor(p), { requiresGrad: true }));
      const opt = make(k, ps);
      const run = (o: AnyOptimizer, vs: Variable[], from: number, to: number): void => {
        for (let t = from; t < to; t++) {
          k.grads[t]!.forEach((g, i) => { vs[i]!.grad = g ? toTensor(g) : null; });
          o.step();
        }
      };
      run(opt, ps, 0, 2);
      const sd: OptimizerStateDict = opt.stateDict();
      const ps2 = ps.map((p) => new Variable(new Tensor(p.data.toArray(), p.shape), { requiresGrad: true }));
      const opt2 = make(k, ps2);
      opt2.loadStateDict(sd);
      run(opt, ps, 2, 5);
      run(opt2, ps2, 2, 5);
      ps.forEach((p, i) => expect(ps2[i]!.data.toArray()).toEqual(p.data.toArray()));
      ps.forEach((p, i) => expectClose(p.data, k.after[4]![i]!, { atol: 1e-6, rtol: 1e-5 }));
    });
  }

  it('stateDict is a copy: stepping afterwards does not change it', () => {
    const p = new Variable(tensor([1, 2]), { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = tensor([1, 1]);
    opt.step();
    const sd = opt.stateDict();
    const buf = (sd.state['0']!['momentumBuffer'] as Tensor).toArray();
    opt.step();
    expect((sd.state['0']!['momentumBuffer'] as Tensor).toArray()).toEqual(buf);
    expect(sd.paramGroups[0]).toMatchObject({ lr: 0.1, momentum: 0.9, params: [0] });
  });

  it('reads p.data afresh: a module loadStateDict between steps is honoured', () => {
    const lin = new Linear(2, 1);
    const opt = new SGD(lin.parameters(), { lr: 0.5 });
    lin.loadStateDict({ weight: tensor([[1, 2]]), bias: tensor([3]) });
    lin.weight.grad = tensor([[1, 1]]);
    lin.bias!.grad = tensor([2]);
    opt.step();
    expect(Array.from(lin.weight.data.toArray())).toEqual([0.5, 1.5]);
    expect(Array.from(lin.bias!.data.toArray())).toEqual([2]);
  });

  it('updates a parameter held as a view into its own storage', () => {
    const base = tensor([9, 1, 2, 3]);
    const p = new Variable(base.narrow(0, 1, 3), { requiresGrad: true });
    p.grad = tensor([1, 1, 1]);
    new SGD([p], { lr: 1 }).step();
    expect(Array.from(p.data.toArray())).toEqual([0, 1, 2]);
    expect(Array.from(base.toArray())).toEqual([9, 1, 2, 3]);
  });

  it('paramGroups[i].lr can be changed between steps', () => {
    const p = new Variable(tensor([1]), { requiresGrad: true });
    const opt = new SGD([p], { lr: 1 });
    opt.paramGroups[0]!.lr = 0.25;
    p.grad = tensor([2]);
    opt.step();
    expect(p.data.item()).toBe(0.5);
  });

  it('zeroGrad clears every gradient', () => {
    const a = new Variable(tensor([1]), { requiresGrad: true }), b = new Variable(tensor([1]), { requiresGrad: true });
    a.grad = tensor([1]); b.grad = tensor([2]);
    new Adam([{ params: [a] }, { params: [b], lr: 0.1 }]).zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
  });

  it('loadStateDict refuses a state dict of another shape and changes nothing', () => {
    const p = new Variable(tensor([1, 2]), { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const other = new SGD([new Variable(tensor([1, 2, 3]), { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
    other.paramGroups[0]!.params[0]!.grad = tensor([1, 1, 1]);
    other.step();
    expect(() => opt.loadStateDict(other.stateDict())).toThrow('SGD.loadStateDict: state momentumBuffer of parameter 0 has shape [3]; expected a Tensor of shape [2]');
    expect(() => opt.loadStateDict({ state: {}, paramGroups: [] })).toThrow('SGD.loadStateDict: state dict has 0 parameter groups; expected 1');
    expect(opt.stateDict().state).toEqual({});
  });
});

describe('optimiser arguments', () => {
  const p = (): Variable => new Variable(tensor([1]), { requiresGrad: true });
  it('refuses bad options with the value and what was expected', () => {
    expect(() => new SGD([p()], { lr: -1 })).toThrow('SGD: lr -1 must be a non-negative finite number; expected lr >= 0');
    expect(() => new SGD([p()], { lr: 0.1, nesterov: true })).toThrow('SGD: nesterov with momentum 0 and dampening 0 is not defined; expected momentum > 0 and dampening 0');
    expect(() => new SGD([p()], { lr: 0.1, momentum: 0.9, nesterov: true, dampening: 0.1 })).toThrow('SGD: nesterov with momentum 0.9 and dampening 0.1 is not defined');
    expect(() => new Adam([p()], { betas: [0.9, 1] })).toThrow('Adam: betas [0.9,1] is out of range; expected two numbers in [0, 1)');
    expect(() => new AdamW([p()], { eps: -1 })).toThrow('AdamW: eps -1 must be a non-negative finite number; expected eps >= 0');
    expect(() => new RMSprop([p()], { momentum: NaN })).toThrow('RMSprop: momentum NaN must be a non-negative finite number');
    expect(() => new SGD([{ params: [p()], lr: -0.5 }], { lr: 0.1 })).toThrow('SGD: lr -0.5 must be a non-negative finite number');
  });

  it('refuses empty, repeated and non-Variable parameters', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow('SGD: params is empty; expected at least one parameter');
    const q = p();
    expect(() => new SGD([{ params: [q] }, { params: [q] }], { lr: 0.1 })).toThrow('SGD: parameter 0 of group 1 appears in more than one place; expected each parameter once');
    expect(() => new SGD([tensor([1]) as unknown as Variable], { lr: 0.1 })).toThrow('SGD: parameter 0 of group 0 (Tensor of shape [1]) is not a Variable; expected Variables');
  });

  it('refuses a gradient of the wrong shape', () => {
    const q = p();
    q.grad = tensor([1, 2]);
    expect(() => new SGD([q], { lr: 0.1 }).step()).toThrow('SGD.step: gradient of shape [2] does not match parameter shape [1]');
  });
});

describe('gradient clipping', () => {
  // expected values: torch.nn.utils.clip_grad_norm_ on grads [3, 4] and [12] (norms 5 and 12, total 13)
  it('clipGradNorm_ maxNorm=6.5 halves the gradients and returns the total norm 13', () => {
    const a = new Variable(tensor([0, 0]), { requiresGrad: true }), b = new Variable(tensor([0]), { requiresGrad: true });
    a.grad = tensor([3, 4]); b.grad = tensor([12]);
    const shared = a.grad;
    expect(clipGradNorm_([a, b], 6.5)).toBeCloseTo(13, 5);
    expect(Array.from(a.grad.toArray())).toEqual([Math.fround(3 * Math.fround(6.5 / (13 + 1e-6))), Math.fround(4 * Math.fround(6.5 / (13 + 1e-6)))]);
    expect(b.grad.toArray()[0]).toBeCloseTo(6, 5);
    expect(Array.from(shared.toArray())).toEqual([3, 4]);
  });

  it('clipGradNorm_ leaves gradients under the limit alone; normType Infinity uses the max', () => {
    const a = new Variable(tensor([0, 0]), { requiresGrad: true });
    a.grad = tensor([3, -4]);
    expect(clipGradNorm_(a, 10)).toBeCloseTo(5, 6);
    expect(Array.from(a.grad.toArray())).toEqual([3, -4]);
    expect(clipGradNorm_(a, 2, { normType: Infinity })).toBe(4);
    expect(a.grad.toArray()[1]).toBeCloseTo(-2, 5);
    expect(() => clipGradNorm_(a, -1)).toThrow('clipGradNorm_: maxNorm -1 must be a non-negative number');
    a.grad = tensor([NaN, 1]);
    expect(() => clipGradNorm_(a, 1, { errorIfNonfinite: true })).toThrow('clipGradNorm_: the total norm of order 2 of the gradients is NaN; expected a finite norm');
  });

  it('clipGradValue_ clamps each element', () => {
    const a = new Variable(tensor([0, 0, 0]), { requiresGrad: true });
    a.grad = tensor([-3, 0.5, 2]);
    clipGradValue_([a], 1);
    expect(Array.from(a.grad.toArray())).toEqual([-1, 0.5, 1]);
    expect(() => clipGradValue_([a], -1)).toThrow('clipGradValue_: clipValue -1 must be a non-negative number');
  });
});
