import { describe, it, expect } from 'vitest';
import { Generator, randn, zeros } from '@tapegrad/tensor';
import { Variable, cat, type Input } from '@tapegrad/autograd';
import {
  F, Module, Sequential, ModuleList, ModuleDict, Conv2d, ReLU, Linear, BatchNorm2d, Dropout, MaxPool2d, AvgPool2d, GlobalAvgPool2d,
} from '../src/index.js';
import { loadFixture } from '../../../test-utils/fixtures.js';

interface ModelCase { name: string; keys: string[]; numParameters: number; outputShape: number[] }
const models = loadFixture<ModelCase>(new URL('./fixtures/nn_models.json', import.meta.url));
const model = (name: string): ModelCase => models.cases.find((c) => c.name === name)!;

/** SqueezeNet's Fire module, written as a user would: squeeze 1x1, then 1x1 and 3x3 expand branches concatenated on channels. */
class Fire extends Module {
  squeeze: Conv2d;
  expand1: Conv2d;
  expand3: Conv2d;

  constructor(inC: number, s: number, e1: number, e3: number, g: Generator) {
    super();
    this.squeeze = new Conv2d(inC, s, 1, { generator: g });
    this.expand1 = new Conv2d(s, e1, 1, { generator: g });
    this.expand3 = new Conv2d(s, e3, 3, { padding: 1, generator: g });
  }

  forward(x: Input): Variable {
    const s = F.relu(this.squeeze.forward(x));
    return cat([F.relu(this.expand1.forward(s)), F.relu(this.expand3.forward(s))], 1);
  }
}

describe('Fire module (SqueezeNet)', () => {
  it('squeezes, expands and concatenates on channels', () => {
    const fire = new Fire(64, 16, 64, 64, new Generator(0));
    const y = fire.forward(randn([2, 64, 14, 14], { generator: new Generator(1) }));
    expect(y.shape).toEqual([2, 128, 14, 14]);
    expect(Object.keys(fire.stateDict())).toEqual(['squeeze.weight', 'squeeze.bias', 'expand1.weight', 'expand1.bias', 'expand3.weight', 'expand3.bias']);
    expect(fire.stateDict()['expand3.weight']!.shape).toEqual([64, 16, 3, 3]);
  });
  it('gradients reach both branches through cat', () => {
    const fire = new Fire(4, 2, 3, 5, new Generator(2));
    const x = new Variable(randn([1, 4, 5, 5], { generator: new Generator(3) }), { requiresGrad: true });
    fire.forward(x).sum().backward();
    for (const [k, p] of fire.namedParameters()) expect(p.grad?.shape, k).toEqual(p.shape);
    expect(x.grad!.shape).toEqual([1, 4, 5, 5]);
  });
  it('a Fire stack in a Sequential has the keys, parameter count and output shape of PyTorch', () => {
    const g = new Generator(4);
    const net = new Sequential(new Conv2d(1, 64, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(3, { stride: 2, ceilMode: true }),
      new Fire(64, 16, 64, 64, g), new Fire(128, 16, 64, 64, g));
    const ref = model('fire stack');
    expect(Object.keys(net.stateDict())).toEqual(ref.keys);
    expect(net.numParameters()).toBe(ref.numParameters);
    expect(net.eval().forward(zeros([2, 1, 28, 28])).shape).toEqual(ref.outputShape);
  });
});

describe('canonical nin of docs/benchmark.md', () => {
  const nin = (g: Generator): Sequential => new Sequential(
    new Conv2d(1, 32, 5, { padding: 2, generator: g }), new ReLU(), new Conv2d(32, 32, 1, { generator: g }), new ReLU(),
    new Conv2d(32, 32, 1, { generator: g }), new ReLU(), new MaxPool2d(3, { stride: 2, ceilMode: true }), new Dropout(0.5, { generator: g }),
    new Conv2d(32, 64, 5, { padding: 2, generator: g }), new ReLU(), new Conv2d(64, 64, 1, { generator: g }), new ReLU(),
    new Conv2d(64, 64, 1, { generator: g }), new ReLU(), new AvgPool2d(3, { stride: 2, ceilMode: true }), new Dropout(0.5, { generator: g }),
    new Conv2d(64, 128, 3, { padding: 1, generator: g }), new ReLU(), new Conv2d(128, 128, 1, { generator: g }), new ReLU(),
    new Conv2d(128, 10, 1, { generator: g }), new ReLU(), new GlobalAvgPool2d(),
  );
  it('has 154,186 parameters, PyTorch state-dict keys and (N, 10) output', () => {
    const net = nin(new Generator(0));
    const ref = model('nin');
    expect(ref.numParameters).toBe(154186);
    expect(net.numParameters()).toBe(154186);
    expect(Object.keys(net.stateDict())).toEqual(ref.keys);
    expect(net.eval().forward(randn([2, 1, 28, 28], { generator: new Generator(1) })).shape).toEqual(ref.outputShape);
  });
  it('trains: one step of backward fills every gradient', () => {
    const net = nin(new Generator(2));
    const loss = F.crossEntropy(net.forward(randn([2, 1, 28, 28], { generator: new Generator(3) })), zeros([2]));
    loss.backward();
    for (const [k, p] of net.namedParameters()) expect(p.grad?.shape, k).toEqual(p.shape);
  });
});

describe('ModuleList', () => {
  class Stack extends Module {
    blocks = new ModuleList([new Linear(3, 4), new ReLU(), new Linear(4, 2)]);
    forward(x: Input): Variable {
      let y: Input = x;
      for (const m of this.blocks) y = m.forward(y);
      return y as Variable;
    }
  }
  it('keys its entries by index under the field name', () => {
    const s = new Stack();
    expect(Object.keys(s.stateDict())).toEqual(['blocks.0.weight', 'blocks.0.bias', 'blocks.2.weight', 'blocks.2.bias']);
    expect(s.forward(zeros([5, 3])).shape).toEqual([5, 2]);
  });
  it('append, insert, at, length and iteration', () => {
    const l = new ModuleList([new ReLU()]);
    l.append(new Linear(2, 2)).insert(0, new Linear(1, 1));
    expect(l.length).toBe(3);
    expect(l.at(0)).toBeInstanceOf(Linear);
    expect(l.at(-1)).toBeInstanceOf(Linear);
    expect([...l].map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU', 'Linear']);
    expect(Object.keys(l.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });
  it('refuses non-modules and has no forward', () => {
    expect(() => new ModuleList([{} as Module])).toThrow('ModuleList: entry 0 ([object Object]) is not a Module; expected Module instances');
    expect(() => new ModuleList([new ReLU()]).at(2)).toThrow('ModuleList.at: index 2 is out of range for 1 modules; expected an integer in [-1, 0]');
    expect(() => new ModuleList().forward(zeros([1]))).toThrow('ModuleList.forward: a ModuleList has no forward; expected the owning module to call its entries');
  });
});

describe('ModuleDict', () => {
  it('keys children by name in insertion order', () => {
    const d = new ModuleDict({ conv: new Conv2d(1, 2, 3), bn: new BatchNorm2d(2) });
    d.set('head', new Linear(2, 1));
    expect(d.keys()).toEqual(['conv', 'bn', 'head']);
    expect(Object.keys(d.stateDict())).toEqual([
      'conv.weight', 'conv.bias', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked', 'head.weight', 'head.bias',
    ]);
    expect(d.get('bn')).toBeInstanceOf(BatchNorm2d);
    expect(d.delete('bn')).toBe(true);
    expect(d.has('bn')).toBe(false);
    expect(d.size).toBe(2);
  });
  it('refuses dotted keys and non-modules', () => {
    expect(() => new ModuleDict({ 'a.b': new ReLU() })).toThrow("ModuleDict.set: key 'a.b' is not a valid name; expected a non-empty string without '.'");
    expect(() => new ModuleDict().set('x', 3 as unknown as Module)).toThrow("ModuleDict.set: value for key 'x' (3) is not a Module; expected a Module");
  });
});

describe('Module tree helpers', () => {
  const net = (): Sequential => new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new Sequential(new ReLU(), new Linear(2, 3)));
  it('apply visits children before parents', () => {
    const seen: string[] = [];
    net().apply((m) => seen.push(m.constructor.name));
    expect(seen).toEqual(['Conv2d', 'BatchNorm2d', 'ReLU', 'Linear', 'Sequential', 'Sequential']);
  });
  it('apply can re-initialise every Conv2d', () => {
    const n = net();
    n.apply((m) => { if (m instanceof Conv2d) { m.weight.data = zeros(m.weight.shape); } });
    expect((n.at(0) as Conv2d).weight.data.toArray().every((v) => v === 0)).toBe(true);
  });
  it('namedModules lists every module depth first with dotted keys', () => {
    expect(net().namedModules().map(([k, m]) => `${k}:${m.constructor.name}`)).toEqual([
      ':Sequential', '0:Conv2d', '1:BatchNorm2d', '2:Sequential', '2.0:ReLU', '2.1:Linear',
    ]);
  });
  it('numParameters counts parameters only, not buffers', () => {
    // conv 2*1*3*3 + 2, batch norm 2 + 2, linear 3*2 + 3
    expect(net().numParameters()).toBe(20 + 4 + 9);
  });
  it('train() and eval() reach nested modules', () => {
    const n = net().eval();
    expect(n.namedModules().every(([, m]) => !m.training)).toBe(true);
    n.train();
    expect(n.namedModules().every(([, m]) => m.training)).toBe(true);
  });
});
