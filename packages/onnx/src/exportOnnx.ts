import { formatShape } from '@tapegrad/tensor';
import type { Module } from '@tapegrad/nn';
import type { ExportOnnxOptions } from './OnnxExportContext.js';
import { OnnxGraph, OPSETS } from './graph/OnnxGraph.js';
import { ExportSession } from './ExportSession.js';

function resolveOptions(opts: ExportOnnxOptions): { inputShape: number[]; opset: number; dynamicBatch: boolean } {
  const shape: unknown = opts?.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`exportOnnx: inputShape ${Array.isArray(shape) ? formatShape(shape as number[]) : String(shape)} is not a shape; expected positive integers, batch dim first, e.g. [1, 1, 28, 28]`);
  }
  const opset = opts.opset ?? 17;
  if (!OPSETS.includes(opset)) throw new Error(`exportOnnx: opset ${String(opset)} is not supported; expected an integer from ${OPSETS[0]} to ${OPSETS[OPSETS.length - 1]}`);
  const dynamicBatch = opts.dynamicBatch ?? false;
  if (typeof dynamicBatch !== 'boolean') throw new Error(`exportOnnx: dynamicBatch ${String(dynamicBatch)} is not a boolean; expected true or false`);
  return { inputShape: shape as number[], opset, dynamicBatch };
}

/**
 * (model, input shape) -> the serialized ONNX ModelProto of the model in eval mode: graph input
 * `input` of `inputShape` (dim 0 symbolic `N` with `dynamicBatch`), output `output`, parameters and
 * running statistics as initializers named by their state-dict keys. Each module exports through
 * its `toOnnx(ctx, input)` method when it has one, else through the table of library layers;
 * a layer ONNX cannot express exactly throws an Error naming its path and why. The model's
 * training flags are restored afterwards.
 */
export function exportOnnx(model: Module, opts: ExportOnnxOptions): Uint8Array {
  const { inputShape, opset, dynamicBatch } = resolveOptions(opts);
  const graph = new OnnxGraph();
  graph.uniqueName('input');
  graph.uniqueName('output');
  const session = new ExportSession(graph, opset, dynamicBatch);
  session.shapes.set('input', inputShape);
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  model.eval();
  try {
    const out = session.run(model, '', 'input');
    graph.nameOutput(out);
    return graph.encode({ opset, inputShape, outputShape: session.shapes.get(out)!, dynamicBatch, graphName: model.constructor.name });
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}
