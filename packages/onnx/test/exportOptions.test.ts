// exportOnnx's options and the file's frame: opset and IR version, the input and output names and
// shapes, dynamicBatch (a file exported for batch 1 runs on batch 3), and the training flags.
import { describe, it, expect } from 'vitest';
import { Generator, randn } from '@tapegrad/tensor';
import { Sequential, ReLU, Dropout, Upsample, Flatten, Linear } from '@tapegrad/nn';
import { createModel } from '@tapegrad/train';
import { exportOnnx } from '../src/index.js';
import { MODEL_CASES, poolingZoo } from './modelCases.js';
import { LAYER_CASES, layerInput } from './layerCases.js';
import { compareWithOrt } from './onnxRuntime.js';
import { decodeModel } from './decodeModel.js';

describe('exportOnnx options', () => {
  it('writes opset 17 (IR 8) by default, input "input" and output "output" with the given shapes', () => {
    const m = decodeModel(exportOnnx(createModel('nin', { generator: new Generator(1) }), { inputShape: [1, 1, 28, 28] }));
    expect(Number(m.irVersion)).toBe(8);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(m.producerName).toBe('tapegrad');
    const g = m.graph!;
    expect(g.input.map((v) => v.name)).toEqual(['input']);
    expect(g.output.map((v) => v.name)).toEqual(['output']);
    const shapeOf = (v: (typeof g.input)[number]): (number | string)[] => {
      const t = v.type!.value;
      if (t.case !== 'tensorType') throw new Error('not a tensor type');
      return t.value.shape!.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : String(d.value.value)));
    };
    expect(shapeOf(g.input[0]!)).toEqual([1, 1, 28, 28]);
    expect(shapeOf(g.output[0]!)).toEqual([1, 10]);
    expect(g.initializer.map((t) => t.name).slice(0, 2)).toEqual(['0.weight', '0.bias']);
  });

  it('dynamicBatch: dim 0 is N, and a file exported for batch 1 runs on batch 3', async () => {
    const bytes = exportOnnx(createModel('squeezenet', { generator: new Generator(1) }), { inputShape: [1, 1, 28, 28], dynamicBatch: true });
    const t = decodeModel(bytes).graph!.input[0]!.type!.value;
    expect(t.case === 'tensorType' && t.value.shape!.dim[0]!.value).toEqual({ case: 'dimParam', value: 'N' });
    for (const c of MODEL_CASES) {
      const x = c.input(), batch3 = randn([3, ...x.shape.slice(1)], { generator: new Generator(7) });
      const r = await compareWithOrt(c.build(), batch3, { inputShape: [1, ...x.shape.slice(1)], dynamicBatch: true });
      expect(r.ortShape, c.name).toEqual(r.tapegradShape);
      expect(r.diff, c.name).toBeLessThan(1e-4);
    }
  });

  it('dynamicBatch: every layer case exported for batch 1 runs on its own batch size', async () => {
    for (const [i, c] of LAYER_CASES.entries()) {
      const x = layerInput(c, i);
      const r = await compareWithOrt(c.build(), x, { inputShape: [1, ...x.shape.slice(1)], dynamicBatch: true });
      expect(r.ortShape, c.name).toEqual(r.tapegradShape);
      expect(r.diff, c.name).toBeLessThan(1e-4);
    }
  });

  it('dynamicBatch: reshapes, Flatten over the batch dim and Upsample to a size keep dim 0 symbolic', async () => {
    const model = new Sequential(new Upsample({ size: [6, 4] }), new Flatten({ startDim: 0, endDim: 1 }), new Flatten({ startDim: 1 }), new Linear(24, 3));
    const x = randn([3, 2, 3, 2], { generator: new Generator(8) });
    const r = await compareWithOrt(model, x, { inputShape: [1, 2, 3, 2], dynamicBatch: true });
    expect(r.ortShape).toEqual([6, 3]);
    expect(r.diff).toBeLessThan(1e-4);
  });

  for (const opset of [13, 21]) {
    it(`opset ${opset}: every layer case, the pooling zoo and nin-bn run in onnxruntime`, async () => {
      for (const c of MODEL_CASES.filter((k) => k.name === 'pooling-zoo' || k.name === 'nin-bn')) {
        const r = await compareWithOrt(c.build(), c.input(), { opset });
        expect(r.diff, c.name).toBeLessThan(1e-4);
        expect(Number(decodeModel(r.bytes).opsetImport[0]!.version)).toBe(opset);
      }
      for (const [i, c] of LAYER_CASES.entries()) {
        const r = await compareWithOrt(c.build(), layerInput(c, i), { opset });
        expect(r.diff, c.name).toBeLessThan(1e-4);
      }
    });
  }

  it('leaves every module in the training mode it had', () => {
    const model = new Sequential(new ReLU(), new Dropout(0.5), poolingZoo());
    model.at(1).eval();
    exportOnnx(model, { inputShape: [1, 6, 40, 38] });
    expect(model.namedModules().map(([, m]) => m.training)).toEqual(model.namedModules().map(([, m]) => m !== model.at(1)));
  });

  it('gives the output its own Identity node when the model returns its input', async () => {
    const r = await compareWithOrt(new Dropout(0.5), randn([2, 3], { generator: new Generator(9) }));
    expect(decodeModel(r.bytes).graph!.node.map((n) => n.opType)).toEqual(['Identity']);
    expect(r.diff).toBe(0);
  });

  it.each([
    [{ inputShape: [] }, 'exportOnnx: inputShape [] is not a shape; expected positive integers, batch dim first, e.g. [1, 1, 28, 28]'],
    [{ inputShape: [1, 0, 3] }, 'exportOnnx: inputShape [1, 0, 3] is not a shape; expected positive integers, batch dim first, e.g. [1, 1, 28, 28]'],
    [{ inputShape: [1, 4], opset: 12 }, 'exportOnnx: opset 12 is not supported; expected an integer from 13 to 21'],
    [{ inputShape: [1, 4], dynamicBatch: 'yes' as unknown as boolean }, 'exportOnnx: dynamicBatch yes is not a boolean; expected true or false'],
  ])('refuses options %j', (opts, message) => {
    expect(() => exportOnnx(new ReLU(), opts)).toThrow(message);
  });
});
