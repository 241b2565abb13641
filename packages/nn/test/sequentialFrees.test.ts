// A Sequential owns the activations it passes between layers that keep nothing
// (Module.forgetsActivations): each is freed once nothing can read it (after the backward that read
// it, or at once in a noGrad pass), so a resident backend never copies it back; its input, its
// output and every gradient stay, and a layer that may keep what it sees keeps it intact.
import { describe, it, expect } from 'vitest';
import { Generator, randn, type Tensor } from '@tapegrad/tensor';
import { Variable, noGrad, type Input } from '@tapegrad/autograd';
import {
  BatchNorm2d, Conv2d, Dropout, Flatten, Identity, MaxPool2d, Module, ReLU, Sequential, declareForgetful, F,
} from '../src/index.js';

const FREED = /freed once nothing could read it/;

/** Conv -> BN -> ReLU -> max pool -> dropout -> 1x1 conv -> flatten (the output a view of the last conv's). */
function layers(seed: number): Module[] {
  const g = new Generator(seed);
  return [new Conv2d(2, 4, 3, { padding: 1, generator: g }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
    new Dropout(0.5, { generator: new Generator(seed + 1) }), new Conv2d(4, 3, 1, { generator: g }), new Flatten()];
}

/** The same layers run one by one by a custom module: nothing is freed (it may keep what it sees). */
class Chain extends Module {
  constructor(readonly parts: Module[]) {
    super();
  }

  forward(x: Input): Variable {
    let y = x;
    for (const m of this.parts) y = m.forward(y);
    return y as Variable;
  }
}

/** The Variables of the graph below `y` that an op made, but for those over `y`'s own storage (not leaves). */
function intermediates(y: Variable): Variable[] {
  const out = new Set<Variable>();
  const stack = [y];
  while (stack.length > 0) {
    for (const v of stack.pop()!.gradFn?.inputs ?? []) {
      if (v === null || v.gradFn === null || out.has(v)) continue;
      out.add(v);
      stack.push(v);
    }
  }
  return [...out].filter((v) => v.data.storage.buffer !== y.data.storage.buffer);
}

/** A layer declared forgetful that notes what it was given and what it returned (to look at them afterwards). */
class Probe extends Module {
  static {
    declareForgetful(this);
  }

  readonly seen: Variable[] = [];

  forward(x: Input): Variable {
    const v = x instanceof Variable ? x : new Variable(x);
    const y = v.mul(2);
    this.seen.push(v, y);
    return y;
  }
}

/** A custom layer that keeps its input (not declared: it may). */
class Keep extends Module {
  kept: Variable | null = null;

  forward(x: Input): Variable {
    this.kept = x instanceof Variable ? x : new Variable(x);
    return this.kept.mul(3);
  }
}

describe('Sequential frees the activations between its layers', () => {
  it('after backward: every activation inside is freed, the input, the output and the gradients equal a chain that frees nothing', () => {
    const x = new Variable(randn([2, 2, 8, 8], { generator: new Generator(1) }), { requiresGrad: true });
    const up = randn([2, 3 * 4 * 4], { generator: new Generator(2) });
    const run = (net: Module): { y: Variable; inside: Variable[]; grads: Tensor[] } => {
      const y = net.forward(x);
      const inside = intermediates(y);
      x.grad = null;
      y.mul(up).sum().backward();
      return { y, inside, grads: [x.grad!, ...net.parameters().map((p) => p.grad!)] };
    };
    const seq = run(new Sequential(...layers(3)));
    const chain = run(new Chain(layers(3)));
    // conv, BN + ReLU (one op), max pool, dropout, conv: four activations passed on, the last conv's is the output's storage
    expect(seq.inside).toHaveLength(4);
    for (const v of seq.inside) expect(() => v.toArray()).toThrow(FREED);
    for (const v of chain.inside) expect(v.toArray().length).toBeGreaterThan(0);
    expect(seq.y.toArray()).toEqual(chain.y.toArray());
    expect(x.toArray().length).toBe(2 * 2 * 8 * 8);
    expect(seq.grads.map((t) => t.toArray())).toEqual(chain.grads.map((t) => t.toArray()));
  });

  it('before backward, and with retainGraph, the activations stay', () => {
    const x = new Variable(randn([2, 2, 8, 8], { generator: new Generator(2) }));
    const net = new Sequential(...layers(4));
    const y = net.forward(x);
    const inside = intermediates(y);
    const before = inside.map((v) => v.toArray());
    y.sum().backward(undefined, { retainGraph: true });
    expect(inside.map((v) => v.toArray())).toEqual(before);
    y.sum().backward();
    for (const v of inside) expect(() => v.toArray()).toThrow(FREED);
  });

  it('in a noGrad pass each activation is freed once the next layer has read it; the input and the output (a view) stay', () => {
    const g = new Generator(5);
    const probe = new Probe();
    const net = new Sequential(new Identity(), new Conv2d(2, 3, 3, { generator: g }), probe, new ReLU(), new Flatten());
    const x = randn([2, 2, 6, 6], { generator: g });
    const y = noGrad(() => net.forward(x));
    const [given, made] = probe.seen as [Variable, Variable];
    expect(() => given.toArray()).toThrow(FREED);
    expect(() => made.toArray()).toThrow(FREED);
    expect(x.toArray().length).toBe(2 * 2 * 6 * 6);
    const conv = net.at(1) as Conv2d;
    expect(y.toArray()).toEqual(F.relu(F.conv2d(x, conv.weight.data, conv.bias!.data).mul(2)).data.toArray());
  });

  it('an activation next to a layer that may keep it stays: a custom layer, or a forward replaced on the instance', () => {
    const g = new Generator(6);
    const keep = new Keep();
    const relu = new ReLU();
    const probe = new Probe();
    relu.forward = (x) => F.relu(x);
    const net = new Sequential(new Conv2d(2, 3, 3, { generator: g }), keep, new Conv2d(3, 3, 1, { generator: g }), relu, probe, new Conv2d(3, 2, 1, { generator: g }));
    const x = randn([2, 2, 6, 6], { generator: g });
    const y = net.forward(new Variable(x));
    y.sum().backward();
    // the first conv's output, kept by Keep, and Keep's output (Keep made it), and the relu's
    // output (the replaced forward made it) are intact; the probe's output (between two layers that forget) is freed
    expect(keep.kept!.toArray().length).toBe(2 * 3 * 4 * 4);
    expect(probe.seen[0]!.toArray().length).toBe(2 * 3 * 4 * 4);
    expect(() => probe.seen[1]!.toArray()).toThrow(FREED);
  });

  it('declares itself forgetful only while every layer is and its forward is its own; a nested one frees inside and is freed around', () => {
    const g = new Generator(7);
    const inner = new Sequential(new Conv2d(2, 2, 1, { generator: g }), new ReLU(), new Conv2d(2, 2, 1, { generator: g }));
    expect(inner.forgetsActivations()).toBe(true);
    expect(new Sequential(new Keep()).forgetsActivations()).toBe(false);
    const probe = new Probe();
    const net = new Sequential(probe, inner, new ReLU());
    noGrad(() => net.forward(randn([1, 2, 3, 3], { generator: g })));
    expect(() => probe.seen[1]!.toArray()).toThrow(FREED);
    const replaced = new Sequential(new ReLU());
    replaced.forward = (x) => F.relu(x);
    expect(replaced.forgetsActivations()).toBe(false);
  });
});
