import { dirname } from 'node:path';
import { existsSync } from 'node:fs';
import type { Tensor } from '@tapegrad/tensor';
import { exportOnnx } from '@tapegrad/onnx';
import { atomicWrite, createModel, isCheckpoint, load, loadCheckpoint, makeDirectory, MODEL_NAMES, type ModelName } from '@tapegrad/train';
import { parseFlags, helpText, positiveInt, oneOf, UsageError, type Spec } from './args.js';
import type { CliIO } from './io.js';

export const EXPORT_SPEC: Spec = {
  checkpoint: { type: 'string', value: 'FILE', help: 'a tapegrad train checkpoint, or any safetensors state dict (required)' },
  model: { type: 'string', value: 'NAME', help: `architecture of the weights: ${MODEL_NAMES.join(' | ')}`, default: 'the one recorded in the checkpoint' },
  onnx: { type: 'string', value: 'OUT', help: 'the ONNX file to write (required)' },
  opset: { type: 'string', value: 'N', help: 'ONNX opset, 13 to 21', default: '17' },
  help: { type: 'boolean', help: 'show this help' },
};

/** The weights of FILE and the model name a tapegrad checkpoint records (plain safetensors files record none). */
function readWeights(path: string): { state: Record<string, Tensor>; recorded: ModelName | undefined } {
  if (!isCheckpoint(path)) return { state: load(path), recorded: undefined };
  const ckpt = loadCheckpoint(path);
  const name = ckpt.meta?.['modelName'];
  return { state: ckpt.model, recorded: typeof name === 'string' && (MODEL_NAMES as readonly string[]).includes(name) ? name as ModelName : undefined };
}

/**
 * `tapegrad export`: a model's weights to an ONNX file (eval mode, input `input` of shape
 * [N, 1, 28, 28] with a symbolic batch, output `output` of shape [N, 10]).
 */
export function runExport(argv: readonly string[], io: CliIO): void {
  const v = parseFlags('export', argv, EXPORT_SPEC);
  if (v['help']) {
    io.out(helpText('export', 'Writes a trained model as an ONNX file (run it with onnxruntime: docs/interop.md).', EXPORT_SPEC));
    return;
  }
  const path = v['checkpoint'], out = v['onnx'];
  if (typeof path !== 'string') throw new UsageError('tapegrad export: --checkpoint FILE is required; see tapegrad export --help');
  if (typeof out !== 'string') throw new UsageError('tapegrad export: --onnx OUT is required; see tapegrad export --help');
  if (!existsSync(path)) throw new UsageError(`tapegrad export: --checkpoint ${path} does not exist`);
  const opset = positiveInt('export', 'opset', v['opset'], 17);
  const { state, recorded } = readWeights(path);
  if (v['model'] === undefined && recorded === undefined) {
    throw new UsageError(`tapegrad export: ${path} records no model name; expected --model NAME (${MODEL_NAMES.join(', ')})`);
  }
  const name = oneOf('export', 'model', v['model'], MODEL_NAMES, recorded ?? 'nin-bn');
  const model = createModel(name);
  model.loadStateDict(state);
  model.eval();
  const bytes = exportOnnx(model, { inputShape: [1, 1, 28, 28], opset, dynamicBatch: true });
  makeDirectory(dirname(out));
  atomicWrite(out, [bytes]);
  io.out(`wrote ${out} (${bytes.length} bytes, ${name}, opset ${opset}, input [N, 1, 28, 28], output [N, 10])`);
}
