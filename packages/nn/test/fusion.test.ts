// The fusion plan: one place decides which layers run as one op, from the roles the modules declare.
import { describe, it, expect } from 'vitest';
import { Generator, randn } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { BatchNorm2d, Conv2d, Dropout, FusedSequence, ReLU, Sequential, planFusion, type Module } from '../src/index.js';

const g = new Generator(3);

function shape(plan: ReturnType<typeof planFusion>): string[] {
  return plan.map((s) => `${s.module.constructor.name}${s.epilogue === 'none' ? '' : `+${s.epilogue}`}`);
}

describe('planFusion', () => {
  it('pairs each host with the ReLU right after it, and nothing else', () => {
    const layers: Module[] = [new Conv2d(1, 2, 3, { generator: g }), new ReLU(), new ReLU(), new BatchNorm2d(2), new ReLU(),
      new Conv2d(2, 2, 1, { generator: g }), new Dropout(0.5), new ReLU(), new Conv2d(2, 2, 1, { generator: g })];
    expect(shape(planFusion(layers))).toEqual(['Conv2d+relu', 'ReLU', 'BatchNorm2d+relu', 'Conv2d', 'Dropout', 'ReLU', 'Conv2d']);
  });

  it('a module whose forward is replaced on the instance or by a subclass declares no role', () => {
    const conv = new Conv2d(1, 1, 1, { generator: g });
    class Leaky extends ReLU {
      override forward(x: Variable): Variable { return x.mul(0.5); }
    }
    expect(shape(planFusion([conv, new Leaky()]))).toEqual(['Conv2d', 'Leaky']);
    const relu = new ReLU();
    relu.forward = (x) => (x as Variable).mul(2);
    expect(shape(planFusion([conv, relu]))).toEqual(['Conv2d', 'ReLU']);
  });
});

describe('FusedSequence', () => {
  it('makes its plan again when a layer is replaced, and gives what the layers give one by one', () => {
    const conv = new Conv2d(2, 3, 3, { generator: g, padding: 1 });
    const layers: Module[] = [conv, new ReLU()];
    const seq = new FusedSequence();
    const x = new Variable(randn([2, 2, 5, 5], { generator: g }));
    const fused = seq.run(layers, x);
    expect(fused.gradFn?.name).toBe('conv2dRelu');
    const plain = layers[1]!.forward(conv.forward(x));
    expect(Array.from(fused.data.toArray())).toEqual(Array.from(plain.data.toArray()));
    layers[1] = new Dropout(0);
    expect(seq.run(layers, x).gradFn?.name).not.toBe('conv2dRelu');
  });

  it('Sequential follows a ReLU replaced after its first forward', () => {
    const model = new Sequential(new Conv2d(1, 1, 1, { generator: g }), new ReLU());
    const x = new Variable(randn([1, 1, 2, 2], { generator: g }));
    expect(model.forward(x).gradFn?.name).toBe('conv2dRelu');
    model.at(1).forward = (v) => (v as Variable).mul(3);
    expect(model.forward(x).gradFn?.name).toBe('mul');
  });
});
