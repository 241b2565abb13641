import { existsSync } from 'node:fs';
import { loadCheckpoint, restoreCheckpoint, createModel, MODEL_NAMES, DataLoader, evaluate, type ModelName } from '@tapegrad/train';
import { parseFlags, helpText, positiveInt, oneOf, UsageError, type Spec } from './args.js';
import { loadData } from './data.js';
import { selectBackend, type BackendName } from './backend.js';
import type { CliIO } from './io.js';

export const EVAL_SPEC: Spec = {
  checkpoint: { type: 'string', value: 'FILE', help: 'checkpoint written by tapegrad train (required)' },
  model: { type: 'string', value: 'NAME', help: `model of the checkpoint: ${MODEL_NAMES.join(' | ')}`, default: 'the one recorded in the checkpoint' },
  data: { type: 'string', value: 'embedded|DIR', help: "'embedded' or a directory of MNIST IDX files", default: "the checkpoint's, else embedded" },
  subset: { type: 'string', value: 'N', help: 'evaluate only N test images (spread over the set)', default: "the checkpoint's, else all" },
  'batch-size': { type: 'string', value: 'N', help: 'evaluation batch size', default: '256' },
  backend: { type: 'string', value: 'cpu|wasm', help: 'kernels', default: 'wasm where it loads, else cpu; TAPEGRAD_BACKEND overrides' },
  threads: { type: 'string', value: 'N', help: 'threads of the wasm backend', default: 'the number of cores, or TAPEGRAD_THREADS' },
  help: { type: 'boolean', help: 'show this help' },
};

/** `tapegrad eval`: test loss, accuracy, per-class accuracy and the confusion matrix of a checkpoint. */
export function runEval(argv: readonly string[], io: CliIO): number {
  const v = parseFlags('eval', argv, EVAL_SPEC);
  if (v['help']) {
    io.out(helpText('eval', 'Evaluates a checkpoint on the test set: loss, accuracy, per-class accuracy, confusion matrix.', EVAL_SPEC));
    return NaN;
  }
  const path = v['checkpoint'];
  if (typeof path !== 'string') throw new UsageError('tapegrad eval: --checkpoint FILE is required; see tapegrad eval --help');
  if (!existsSync(path)) throw new UsageError(`tapegrad eval: --checkpoint ${path} does not exist`);
  const ckpt = loadCheckpoint(path);
  const meta = ckpt.meta ?? {};
  const saved = meta['settings'] as { data?: unknown; subset?: unknown } | undefined;
  const recorded = typeof meta['modelName'] === 'string' ? (meta['modelName'] as ModelName) : undefined;
  const name = oneOf('eval', 'model', v['model'], MODEL_NAMES, recorded ?? 'nin-bn');
  const data = typeof v['data'] === 'string' ? v['data'] : typeof saved?.data === 'string' ? saved.data : 'embedded';
  const savedSubset = typeof saved?.subset === 'number' ? saved.subset : undefined;
  const subset = v['subset'] === undefined ? savedSubset : positiveInt('eval', 'subset', v['subset'], 1);
  const batchSize = positiveInt('eval', 'batch-size', v['batch-size'], 256);
  const backendName = v['backend'] === undefined ? undefined : oneOf('eval', 'backend', v['backend'], ['cpu', 'wasm'] as const, 'wasm') as BackendName;
  selectBackend(backendName, v['threads'] === undefined ? undefined : positiveInt('eval', 'threads', v['threads'], 1));
  const model = createModel(name);
  restoreCheckpoint(ckpt, { model }, path);
  const { test } = loadData('eval', data, subset);
  const r = evaluate(model, new DataLoader(test, { batchSize }));
  io.out(`${path}: ${name} after epoch ${ckpt.epoch}, ${r.count} test images`);
  io.out(`loss ${r.loss.toFixed(4)}  accuracy ${(100 * r.accuracy).toFixed(2)}%`);
  io.out(`per-class accuracy: ${r.perClassAccuracy.map((a, c) => `${c}: ${Number.isNaN(a) ? '-' : (100 * a).toFixed(1)}%`).join('  ')}`);
  io.out('confusion matrix (rows: true class, columns: predicted):');
  const w = Math.max(4, ...r.confusion.flat().map((n) => String(n).length + 1));
  io.out(`    ${r.confusion.map((_, c) => String(c).padStart(w)).join('')}`);
  r.confusion.forEach((row, c) => io.out(`${String(c).padStart(3)} ${row.map((n) => String(n).padStart(w)).join('')}`));
  return r.accuracy;
}
