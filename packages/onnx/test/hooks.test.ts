// The toOnnx(ctx, input) hook: Fire (packages/train) and GeM (examples/gem.ts) export through it
// without importing this package, and a user module holding a ModuleList exports its entries.
import { describe, it, expect } from 'vitest';
import { Generator, randn } from '@tapegrad/tensor';
import { add, type Variable, type Input } from '@tapegrad/autograd';
import { Module, ModuleList, Conv2d, ReLU, FractionalMaxPool2d, BatchNorm2d, Sequential } from '@tapegrad/nn';
import { Fire } from '@tapegrad/train';
import { GeM } from '../../../examples/gem.js';
import { exportOnnx, type OnnxExportable, type OnnxExportContext } from '../src/index.js';
import { compareWithOrt } from './onnxRuntime.js';
import { opTypes } from './decodeModel.js';

/** (N, C, H, W) -> same: x + blocks(x), the blocks held in a ModuleList and exported by the hook. */
class Residual extends Module implements OnnxExportable {
  blocks: ModuleList;

  constructor(...blocks: Module[]) {
    super();
    this.blocks = new ModuleList(blocks);
  }

  forward(x: Input): Variable {
    let y = x;
    for (const b of this.blocks) y = b.forward(y);
    return add(x, y);
  }

  toOnnx(ctx: OnnxExportContext, x: string): string {
    let y = x;
    for (const b of this.blocks) y = ctx.module(b, y);
    expect(ctx.shape(y)).toEqual(ctx.shape(x));
    return ctx.node('Add', [x, y]);
  }
}

/** A hook that misbehaves in the ways the context reports. */
class BadHook extends Module {
  constructor(private readonly mode: 'stranger' | 'unknown-input' | 'bad-return' | 'float-attr') {
    super();
  }

  forward(x: Input): Variable {
    return x as Variable;
  }

  toOnnx(ctx: OnnxExportContext, x: string): string {
    if (this.mode === 'stranger') return ctx.module(new ReLU(), x);
    if (this.mode === 'unknown-input') return ctx.node('Relu', ['nowhere']);
    if (this.mode === 'float-attr') return ctx.node('LeakyRelu', [x], { alpha: 0.1 });
    return 'made-up';
  }
}

describe('the toOnnx hook', () => {
  it('Fire and GeM satisfy OnnxExportable structurally (train and examples import nothing from onnx)', () => {
    const hooks: OnnxExportable[] = [new Fire(4, 2, 3, 3), new GeM()];
    expect(hooks.every((h) => typeof h.toOnnx === 'function')).toBe(true);
  });

  it('Fire exports as Conv, Relu and Concat and matches its forward', async () => {
    const fire = new Fire(4, 3, 5, 6, { generator: new Generator(1) });
    const r = await compareWithOrt(fire, randn([2, 4, 6, 5], { generator: new Generator(2) }));
    expect(opTypes(r.bytes)).toEqual(['Conv', 'Relu', 'Conv', 'Relu', 'Conv', 'Relu', 'Concat']);
    expect(r.diff).toBeLessThan(1e-4);
  });

  it('GeM exports through its hook with its learned p', async () => {
    const gem = new GeM({ p: 3.7 });
    const r = await compareWithOrt(gem, randn([2, 3, 5, 4], { generator: new Generator(3) }));
    expect(r.ortShape).toEqual([2, 3]);
    expect(r.diff).toBeLessThan(1e-4);
  });

  it('a user module with a ModuleList exports its entries under their paths', async () => {
    const g = new Generator(4);
    const model = new Sequential(new Conv2d(2, 4, 3, { padding: 1, generator: g }), new Residual(new Conv2d(4, 4, 3, { padding: 1, generator: g }), new BatchNorm2d(4), new ReLU()));
    const r = await compareWithOrt(model, randn([2, 2, 6, 6], { generator: new Generator(5) }));
    expect(r.diff).toBeLessThan(1e-4);
    const bad = new Sequential(new ReLU(), new Residual(new ReLU(), new FractionalMaxPool2d(2, { outputSize: 3 })));
    expect(() => exportOnnx(bad, { inputShape: [1, 2, 6, 6] })).toThrow('exportOnnx: 1.blocks.1: FractionalMaxPool2d draws random pooling regions');
  });

  it.each([
    ['stranger', "exportOnnx: 0: ctx.module got a ReLU that is not a submodule of BadHook; expected one of its own children"],
    ['unknown-input', 'exportOnnx: 0: node Relu reads "nowhere", which is not a value of the graph; expected names returned by ctx methods (\'\' for an omitted optional input)'],
    ['bad-return', 'exportOnnx: 0: BadHook.toOnnx returned "made-up", which is not a value of the graph; expected a name returned by ctx.node or ctx.module'],
    ['float-attr', 'exportOnnx: 0: attribute alpha 0.1 of LeakyRelu is not an integer; expected an integer, or { float: 0.1 } for a float attribute'],
  ] as const)('a hook that goes wrong (%s) is named in the error', (mode, message) => {
    expect(() => exportOnnx(new Sequential(new BadHook(mode)), { inputShape: [1, 3] })).toThrow(message);
  });
});
