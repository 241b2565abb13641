// Runs an exported model in onnxruntime-node (CPU) and compares it with tapegrad's eval forward.
import * as ort from 'onnxruntime-node';
import { Tensor } from '@tapegrad/tensor';
import { noGrad } from '@tapegrad/autograd';
import type { Module } from '@tapegrad/nn';
import { exportOnnx, type ExportOnnxOptions } from '../src/index.js';

/** The ONNX Runtime version the comparisons ran on. */
export const ORT_VERSION = ort.env.versions.common;

/** Output of `bytes` (graph input `input`, output `output`) for `x` in onnxruntime-node. */
export async function runOnnx(bytes: Uint8Array, x: Tensor): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  try {
    const result = await session.run({ input: new ort.Tensor('float32', x.toArray(), x.shape.slice()) });
    const out = result['output']!;
    return { data: out.data as Float32Array, dims: out.dims.slice() };
  } finally {
    await session.release();
  }
}

/** The largest |a - b|; NaN where exactly one side is NaN counts as Infinity, NaN on both sides as equal. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    m = Math.max(m, Math.abs(x - y));
  }
  return m;
}

export interface Comparison {
  /** max |onnxruntime - tapegrad| over the output. */
  diff: number;
  /** max |tapegrad output|, to read the difference against. */
  scale: number;
  ortShape: number[];
  tapegradShape: number[];
  bytes: Uint8Array;
}

/**
 * Exports `model` for `x`'s shape (or `opts.inputShape`), runs it in onnxruntime on `x`, and
 * compares with the model's eval forward on `x`; the model's mode is left as it was.
 */
export async function compareWithOrt(model: Module, x: Tensor, opts: Partial<ExportOnnxOptions> = {}): Promise<Comparison> {
  const bytes = exportOnnx(model, { inputShape: x.shape, ...opts });
  const training = model.training;
  model.eval();
  const expected = noGrad(() => model.forward(x));
  model.train(training);
  const got = await runOnnx(bytes, x);
  const values = expected.toArray();
  const scale = values.reduce((m, v) => (Number.isNaN(v) ? m : Math.max(m, Math.abs(v))), 0);
  return { diff: maxAbsDiff(got.data, values), scale, ortShape: got.dims, tapegradShape: expected.shape.slice(), bytes };
}
