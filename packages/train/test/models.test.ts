import { describe, it, expect } from 'vitest';
import { Generator, zeros } from '@tapegrad/tensor';
import { noGrad } from '@tapegrad/autograd';
import { Conv2d, Dropout } from '@tapegrad/nn';
import { loadFixture } from '../../../test-utils/fixtures.js';
import { createModel, summarize, type ModelName } from '../src/index.js';

interface ModelCase { name: ModelName; keys: [string, number[]][]; parameters: number; output_shape: number[]; layers: string[] }
const fixture = loadFixture<ModelCase>(new URL('./fixtures/models.json', import.meta.url));

describe('createModel matches the PyTorch Sequential of docs/benchmark.md / docs/recipe.md', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: state-dict keys and shapes, layer order, parameter count, output shape`, () => {
      const m = createModel(c.name, { generator: new Generator(0) });
      expect(Object.entries(m.stateDict()).map(([k, t]) => [k, t.shape])).toEqual(c.keys);
      expect(m.layers.map((l) => l.constructor.name)).toEqual(c.layers.map((n) => (n === 'GAP' ? 'GlobalAvgPool2d' : n)));
      expect(m.numParameters()).toBe(c.parameters);
      m.eval();
      expect(noGrad(() => m.forward(zeros([2, 1, 28, 28]))).shape).toEqual(c.output_shape);
    });
  }
});

describe('models', () => {
  it('multiply-adds per image: nin about 18.3 M, squeezenet about 9.8 M (docs/benchmark.md)', () => {
    const nin = summarize(createModel('nin'), [1, 28, 28]);
    expect(nin.multiplyAdds / 1e6).toBeCloseTo(18.35, 1);
    expect(nin.layers[0]).toMatchObject({ key: '0', outputShape: [1, 32, 28, 28], parameters: 832, multiplyAdds: 32 * 28 * 28 * 25 });
    expect(nin.layers[6]!.outputShape).toEqual([1, 32, 14, 14]);
    expect(nin.layers[14]!.outputShape).toEqual([1, 64, 7, 7]);
    const sq = summarize(createModel('squeezenet'), [1, 28, 28]);
    expect(sq.multiplyAdds / 1e6).toBeCloseTo(9.8, 1);
    // Fire(64, 16, 64, 64) at 14x14: squeeze 16*64, expand1 64*16, expand3 64*16*9 per pixel
    expect(sq.layers[3]!.multiplyAdds).toBe(196 * (16 * 64 + 64 * 16 + 64 * 16 * 9));
  });

  it('nin-bn uses docs/recipe.md init: conv weights N(0, 2 / fan_in), biases 0, BatchNorm gamma 1 beta 0', () => {
    const m = createModel('nin-bn', { generator: new Generator(3) });
    const convs = m.layers.filter((l): l is Conv2d => l instanceof Conv2d);
    expect(convs.length).toBe(9);
    for (const c of convs) {
      const w = c.weight.data.toArray();
      const fanIn = c.weight.shape[1]! * c.weight.shape[2]! * c.weight.shape[3]!;
      let s = 0, s2 = 0;
      for (const v of w) { s += v; s2 += v * v; }
      const mean = s / w.length, std = Math.sqrt(s2 / w.length - mean * mean);
      const want = Math.sqrt(2 / fanIn);
      // sampling error of the std is about want / sqrt(2 n); 5 of those is a generous bound
      expect(Math.abs(std - want)).toBeLessThan(5 * want / Math.sqrt(2 * w.length) + 1e-9);
      expect(Math.abs(mean)).toBeLessThan(5 * want / Math.sqrt(w.length));
      expect(Array.from(c.bias!.data.toArray()).every((v) => v === 0)).toBe(true);
    }
    const sd = m.stateDict();
    expect(Array.from(sd['1.weight']!.toArray()).every((v) => v === 1)).toBe(true);
    expect(Array.from(sd['1.bias']!.toArray()).every((v) => v === 0)).toBe(true);
  });

  it('dropout sets every Dropout layer of each model (default 0.5, as PyTorch\'s NiN); outside [0, 1) it is refused', () => {
    for (const name of ['nin', 'nin-fc', 'squeezenet', 'nin-bn'] as const) {
      const ps = (m: ReturnType<typeof createModel>): number[] => m.layers.filter((l): l is Dropout => l instanceof Dropout).map((l) => l.p);
      const dflt = ps(createModel(name));
      expect(dflt.length, name).toBeGreaterThan(0);
      expect(dflt.every((p) => p === 0.5), name).toBe(true);
      expect(ps(createModel(name, { dropout: 0 })).every((p) => p === 0), name).toBe(true);
      expect(ps(createModel(name, { dropout: 0.2 })).every((p) => p === 0.2), name).toBe(true);
    }
    for (const bad of [1, -0.1, Number.NaN]) {
      expect(() => createModel('nin-bn', { dropout: bad })).toThrow(`createModel: dropout ${bad} is not a probability below 1; expected a number in [0, 1)`);
    }
  });

  it('the same generator seed gives the same weights', () => {
    const a = createModel('squeezenet', { generator: new Generator(5) }).stateDict();
    const b = createModel('squeezenet', { generator: new Generator(5) }).stateDict();
    for (const k of Object.keys(a)) expect(b[k]!.toArray()).toEqual(a[k]!.toArray());
  });

  it('an unknown name is refused', () => {
    expect(() => createModel('resnet' as ModelName)).toThrow("createModel: model 'resnet' is unknown; expected one of nin, nin-fc, squeezenet, nin-bn");
  });
});
