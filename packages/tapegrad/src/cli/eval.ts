import { existsSync } from 'node:fs';
import { loadCheckpoint, restoreCheckpoint, createModel, MODEL_NAMES, DataLoader, evaluate, type ModelName, type EvalResult } from '@tapegrad/train';
import { parseFlags, helpText, positiveInt, oneOf, UsageError, type Spec } from './args.js';
import { loadData, chooseData, savedDataChoice, dataLabel, DATASET_HELP, DATA_HELP } from './data.js';
import { selectBackend, type BackendName } from './backend.js';
import type { CliIO } from './io.js';

export const EVAL_SPEC: Spec = {
  checkpoint: { type: 'string', value: 'FILE', help: 'checkpoint written by tapegrad train (required)' },
  model: { type: 'string', value: 'NAME', help: `model of the checkpoint: ${MODEL_NAMES.join(' | ')}`, default: 'the one recorded in the checkpoint' },
  dataset: { type: 'string', value: 'NAME', help: DATASET_HELP, default: "the checkpoint's, else embedded" },
  data: { type: 'string', value: 'DIR', help: DATA_HELP, default: "the checkpoint's" },
  subset: { type: 'string', value: 'N', help: 'evaluate only N test images (spread over the set)', default: "the checkpoint's, else all" },
  'batch-size': { type: 'string', value: 'N', help: 'evaluation batch size', default: '256' },
  backend: { type: 'string', value: 'cpu|wasm|webgpu', help: 'kernels', default: 'wasm where it loads, else cpu; TAPEGRAD_BACKEND overrides' },
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
  const saved = meta['settings'] as { dataset?: unknown; data?: unknown; subset?: unknown } | undefined;
  const recorded = typeof meta['modelName'] === 'string' ? (meta['modelName'] as ModelName) : undefined;
  const name = oneOf('eval', 'model', v['model'], MODEL_NAMES, recorded ?? 'nin-bn');
  const choice = chooseData('eval', v['dataset'], v['data'], savedDataChoice(saved));
  const savedSubset = typeof saved?.subset === 'number' ? saved.subset : undefined;
  const subset = v['subset'] === undefined ? savedSubset : positiveInt('eval', 'subset', v['subset'], 1);
  const batchSize = positiveInt('eval', 'batch-size', v['batch-size'], 256);
  const backendName = v['backend'] === undefined ? undefined : oneOf('eval', 'backend', v['backend'], ['cpu', 'wasm', 'webgpu'] as const, 'wasm') as BackendName;
  selectBackend(backendName, v['threads'] === undefined ? undefined : positiveInt('eval', 'threads', v['threads'], 1));
  const model = createModel(name);
  restoreCheckpoint(ckpt, { model }, path);
  const data = loadData('eval', choice, subset);
  const r = evaluate(model, new DataLoader(data.test, { batchSize }));
  io.out(`${path}: ${name} after epoch ${ckpt.epoch}, ${r.count} test images of ${dataLabel(data)}`);
  io.out(`loss ${r.loss.toFixed(4)}  accuracy ${(100 * r.accuracy).toFixed(2)}%`);
  const names = data.test.classNames ?? r.confusion.map((_, c) => String(c));
  for (const line of classTables(r, names)) io.out(line);
  return r.accuracy;
}

/**
 * The per-class accuracy table and the confusion matrix, each row labelled `<index> <name>` (just
 * the index when the name is the index, as MNIST's digits are); the matrix's columns by index.
 */
export function classTables(r: Pick<EvalResult, 'perClassAccuracy' | 'confusion'>, names: readonly string[]): string[] {
  const label = (c: number): string => (names[c] === undefined || names[c] === String(c) ? String(c) : `${c} ${names[c]}`);
  const lw = Math.max(5, ...r.confusion.map((_, c) => label(c).length));
  const lines = [`${'class'.padEnd(lw)}  accuracy  images`];
  r.perClassAccuracy.forEach((a, c) => {
    const images = r.confusion[c]!.reduce((t, n) => t + n, 0);
    lines.push(`${label(c).padEnd(lw)}  ${(Number.isNaN(a) ? '-' : `${(100 * a).toFixed(1)}%`).padStart(8)}  ${String(images).padStart(6)}`);
  });
  lines.push('confusion matrix (rows: true class, columns: predicted):');
  const w = Math.max(4, ...r.confusion.flat().map((n) => String(n).length + 1));
  lines.push(`${''.padEnd(lw)} ${r.confusion.map((_, c) => String(c).padStart(w)).join('')}`);
  r.confusion.forEach((row, c) => lines.push(`${label(c).padEnd(lw)} ${row.map((n) => String(n).padStart(w)).join('')}`));
  return lines;
}
