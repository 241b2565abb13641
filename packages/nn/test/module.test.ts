// Module: walking fields for parameters, buffers and children in PyTorch's order, state dicts, train/eval, toString.
import { describe, it, expect } from 'vitest';
import { Tensor, Generator, tensor, zeros, ones, randn } from '@tapegrad/tensor';
import { Variable, type Input } from '@tapegrad/autograd';
import { Module, Parameter, Buffer, Sequential, Linear, ReLU, Flatten, toKey } from '../src/index.js';

/** A module with its own parameters, a camelCase buffer and a child, in a deliberate field order. */
class Block extends Module {
  scale: Parameter;
  inner: Linear;
  runningMean: Buffer;
  shift: Parameter;
  constructor(g: Generator) {
    super();
    this.scale = new Parameter(ones([3]));
    this.inner = new Linear(3, 3, { generator: g });
    this.runningMean = new Buffer(zeros([3]));
    this.shift = new Parameter(zeros([3]));
  }
  forward(x: Input): Variable {
    return this.inner.forward(x).mul(this.scale).add(this.shift);
  }
}

class Net extends Module {
  features: Sequential;
  head: Block;
  numBatchesTracked = new Buffer(tensor(0));
  constructor(seed: number) {
    super();
    const g = new Generator(seed);
    this.features = new Sequential(new Linear(2, 3, { generator: g }), new ReLU(), new Sequential(new Linear(3, 3, { generator: g })));
    this.head = new Block(g);
  }
  forward(x: Input): Variable {
    return this.head.forward(this.features.forward(x));
  }
}

const arr = (t: Tensor): number[] => Array.from(t.toArray());

describe('walking the module tree', () => {
  it('camelCase fields become snake_case keys', () => {
    expect(toKey('runningMean')).toBe('running_mean');
    expect(toKey('numBatchesTracked')).toBe('num_batches_tracked');
    expect(toKey('weight')).toBe('weight');
    expect(toKey('conv2')).toBe('conv2');
  });

  it('namedParameters: own parameters first (field order), then children depth first', () => {
    const keys = new Net(0).namedParameters().map(([k]) => k);
    expect(keys).toEqual([
      'features.0.weight', 'features.0.bias', 'features.2.0.weight', 'features.2.0.bias',
      'head.scale', 'head.shift', 'head.inner.weight', 'head.inner.bias',
    ]);
    const block = new Block(new Generator(0));
    expect(block.namedParameters().map(([k]) => k)).toEqual(['scale', 'shift', 'inner.weight', 'inner.bias']);
  });

  it('parameters() matches namedParameters() and holds Parameters that require grad', () => {
    const net = new Net(0);
    const named = net.namedParameters();
    expect(net.parameters()).toEqual(named.map(([, p]) => p));
    for (const p of net.parameters()) {
      expect(p).toBeInstanceOf(Parameter);
      expect(p.requiresGrad).toBe(true);
    }
    expect(net.numParameters()).toBe(2 * 3 + 3 + 3 * 3 + 3 + 3 + 3 + 3 * 3 + 3);
  });

  it('Sequential keys are indices: "0.weight", "2.bias"', () => {
    const s = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
    expect(s.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(s.children().length).toBe(3);
    expect(s.length).toBe(3);
    expect(s.at(-1)).toBe(s.children()[2]);
    expect(() => s.at(3)).toThrow('Sequential.at: index 3 is out of range for 3 layers; expected an integer in [-3, 2]');
    expect(() => s.at(0.5)).toThrow('Sequential.at: index 0.5 is out of range for 3 layers; expected an integer in [-3, 2]');
  });

  it('a parameter shared by two modules is listed once', () => {
    const a = new Linear(2, 2), b = new Linear(2, 2);
    b.weight = a.weight;
    const s = new Sequential(a, b);
    expect(s.namedParameters().map(([k]) => k)).toEqual(['0.weight', '0.bias', '1.bias']);
  });

  it('arrays of modules are children keyed field.i', () => {
    class Stack extends Module {
      blocks = [new Linear(2, 2), new Linear(2, 2)];
      forward(x: Input): Variable { return this.blocks[1]!.forward(this.blocks[0]!.forward(x)); }
    }
    expect(new Stack().namedParameters().map(([k]) => k)).toEqual(['blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias']);
  });

  it('namedModules lists every module depth first, the root as ""', () => {
    expect(new Net(0).namedModules().map(([k, m]) => `${k}:${m.constructor.name}`)).toEqual([
      ':Net', 'features:Sequential', 'features.0:Linear', 'features.1:ReLU', 'features.2:Sequential', 'features.2.0:Linear',
      'head:Block', 'head.inner:Linear',
    ]);
  });

  it('namedBuffers', () => {
    expect(new Net(0).namedBuffers().map(([k]) => k)).toEqual(['num_batches_tracked', 'head.running_mean']);
  });
});

describe('stateDict and loadStateDict', () => {
  it('stateDict keys and order as PyTorch: per module own parameters, own buffers, then children', () => {
    expect(Object.keys(new Net(0).stateDict())).toEqual([
      'num_batches_tracked',
      'features.0.weight', 'features.0.bias', 'features.2.0.weight', 'features.2.0.bias',
      'head.scale', 'head.shift', 'head.running_mean', 'head.inner.weight', 'head.inner.bias',
    ]);
  });

  it('round trip: a differently initialised model computes the same outputs after loading', () => {
    const a = new Net(1), b = new Net(2);
    const x = randn([4, 2], { generator: new Generator(3) });
    expect(arr(a.forward(x).data)).not.toEqual(arr(b.forward(x).data));
    const res = b.loadStateDict(a.stateDict());
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(arr(b.forward(x).data)).toEqual(arr(a.forward(x).data));
    for (const [k, t] of Object.entries(b.stateDict())) expect(arr(t), k).toEqual(arr(a.stateDict()[k]!));
  });

  it('loading copies: later changes to the source tensors do not reach the module', () => {
    const a = new Linear(2, 2, { generator: new Generator(1) }), b = new Linear(2, 2);
    const state = a.stateDict();
    b.loadStateDict(state);
    const before = arr(b.weight.data);
    state['weight']!.data.fill(123);
    expect(arr(b.weight.data)).toEqual(before);
    expect(b.weight.data.data).not.toBe(a.weight.data.data);
  });

  it('loads buffers and keeps parameters as the same Parameter objects', () => {
    const a = new Block(new Generator(1)), b = new Block(new Generator(2));
    a.runningMean.value = tensor([1, 2, 3]);
    const weight = b.inner.weight;
    b.loadStateDict(a.stateDict());
    expect(arr(b.runningMean.value)).toEqual([1, 2, 3]);
    expect(b.inner.weight).toBe(weight);
  });

  it('strict: missing and unexpected keys are all listed', () => {
    const m = new Sequential(new Linear(2, 2), new Linear(2, 1));
    const state = m.stateDict();
    delete state['1.bias'];
    delete state['0.weight'];
    state['2.weight'] = zeros([1]);
    expect(() => new Sequential(new Linear(2, 2), new Linear(2, 1)).loadStateDict(state)).toThrow(
      'loadStateDict: state dict does not match the module: missing keys [0.weight, 1.bias], unexpected keys [2.weight]; expected the module\'s keys with its shapes (or { strict: false } to skip missing and unexpected keys)',
    );
  });

  it('shape mismatches are all listed, together with missing keys', () => {
    const state = new Sequential(new Linear(3, 2), new Linear(2, 4)).stateDict();
    delete state['1.bias'];
    expect(() => new Sequential(new Linear(2, 2), new Linear(2, 1)).loadStateDict(state)).toThrow(
      'loadStateDict: state dict does not match the module: missing keys [1.bias], shape mismatches [0.weight: got [2, 3], the module has [2, 2]; 1.weight: got [4, 2], the module has [1, 2]]',
    );
  });

  it('a failed load changes nothing', () => {
    const m = new Sequential(new Linear(2, 2, { generator: new Generator(1) }), new Linear(2, 1));
    const before = arr(m.at(0).stateDict()['weight']!);
    const state = new Sequential(new Linear(2, 2, { generator: new Generator(9) }), new Linear(2, 3)).stateDict();
    expect(() => m.loadStateDict(state)).toThrow('shape mismatches [1.weight: got [3, 2], the module has [1, 2]; 1.bias: got [3], the module has [1]]');
    expect(arr(m.at(0).stateDict()['weight']!)).toEqual(before);
  });

  it('strict: false loads what matches and reports the rest', () => {
    const src = new Linear(2, 2, { generator: new Generator(4) });
    const dst = new Sequential(new Linear(2, 2));
    const res = dst.loadStateDict({ '0.weight': src.weight.data, extra: zeros([1]) }, { strict: false });
    expect(res).toEqual({ missingKeys: ['0.bias'], unexpectedKeys: ['extra'] });
    expect(arr(dst.at(0).stateDict()['weight']!)).toEqual(arr(src.weight.data));
  });

  it('strict: false still refuses a shape mismatch', () => {
    expect(() => new Linear(2, 2).loadStateDict({ weight: zeros([3, 2]) }, { strict: false })).toThrow(
      "loadStateDict: state dict does not match the module: shape mismatches [weight: got [3, 2], the module has [2, 2]]; expected the module's keys with its shapes",
    );
  });

  it('a value that is not a Tensor is refused', () => {
    const state = { weight: [[1, 2], [3, 4]], bias: zeros([2]) } as unknown as Record<string, Tensor>;
    expect(() => new Linear(2, 2).loadStateDict(state)).toThrow('shape mismatches [weight: 1,2,3,4 is not a Tensor]');
  });
});

describe('train, eval, zeroGrad, toString', () => {
  it('train() and eval() recurse through every module', () => {
    const net = new Net(0);
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.namedModules().every(([, m]) => !m.training)).toBe(true);
    net.train();
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
    net.head.train(false);
    expect(net.training).toBe(true);
    expect(net.head.inner.training).toBe(false);
  });

  it('zeroGrad clears every parameter gradient', () => {
    const net = new Net(0);
    net.forward(randn([2, 2])).sum().backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it('toString prints the tree as PyTorch', () => {
    const s = new Sequential(new Linear(2, 3), new ReLU(), new Sequential(new Flatten(), new Linear(3, 1, { bias: false })));
    expect(s.toString()).toBe([
      'Sequential(',
      '  (0): Linear(in_features=2, out_features=3, bias=True)',
      '  (1): ReLU()',
      '  (2): Sequential(',
      '    (0): Flatten(start_dim=1, end_dim=-1)',
      '    (1): Linear(in_features=3, out_features=1, bias=False)',
      '  )',
      ')',
    ].join('\n'));
  });

  it('Sequential refuses non-modules and runs nothing when empty', () => {
    expect(() => new Sequential(new ReLU(), 3 as unknown as Module)).toThrow('Sequential: argument 1 (3) is not a Module; expected Module instances');
    expect(() => new Sequential().forward(zeros([1]))).toThrow('Sequential.forward: the Sequential has no layers; expected at least one');
  });

  it('Flatten and ReLU modules', () => {
    expect(new Flatten().forward(zeros([2, 3, 4])).shape).toEqual([2, 12]);
    expect(new Flatten({ startDim: 0, endDim: 1 }).forward(zeros([2, 3, 4])).shape).toEqual([6, 4]);
    expect(arr(new ReLU().forward(tensor([-1, 2])).data)).toEqual([0, 2]);
  });
});
