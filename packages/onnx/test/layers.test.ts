// Every exportable layer kind and option variant, exported alone at opset 17 and run in
// onnxruntime-node: output shape and values (within 1e-4) as tapegrad's eval forward.
import { describe, it, expect, afterAll } from 'vitest';
import { LAYER_CASES, layerInput } from './layerCases.js';
import { compareWithOrt } from './onnxRuntime.js';

describe('exported layers in onnxruntime-node', () => {
  let worst = { name: '', diff: 0 };
  LAYER_CASES.forEach((c, i) => {
    it(c.name, async () => {
      const r = await compareWithOrt(c.build(), layerInput(c, i));
      expect(r.ortShape).toEqual(r.tapegradShape);
      expect(r.diff).toBeLessThan(1e-4);
      if (r.diff > worst.diff) worst = { name: c.name, diff: r.diff };
    });
  });
  afterAll(() => console.log(`${LAYER_CASES.length} layer cases: largest |onnxruntime - tapegrad| ${worst.diff.toExponential(2)} (${worst.name})`));
});
