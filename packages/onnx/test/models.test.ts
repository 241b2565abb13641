// Each model of MODEL_CASES exported at opset 17 and run in onnxruntime-node: its output matches
// tapegrad's eval forward within 1e-4.
import { describe, it, expect } from 'vitest';
import { MODEL_CASES } from './modelCases.js';
import { compareWithOrt, ORT_VERSION } from './onnxRuntime.js';

describe(`exported models in onnxruntime-node ${ORT_VERSION}`, () => {
  for (const c of MODEL_CASES) {
    it(`${c.name}: onnxruntime output matches the eval forward within 1e-4`, async () => {
      const r = await compareWithOrt(c.build(), c.input());
      console.log(`${c.name}: max |onnxruntime - tapegrad| = ${r.diff.toExponential(2)} (max |output| ${r.scale.toPrecision(3)}), output ${JSON.stringify(r.ortShape)}, ${r.bytes.length} bytes`);
      expect(r.ortShape).toEqual(r.tapegradShape);
      expect(r.diff).toBeLessThan(1e-4);
    });
  }
});
