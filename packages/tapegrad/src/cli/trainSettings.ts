// The settings of a `tapegrad train` run: its flags, their defaults (docs/recipe.md's recipe), and
// how --resume reads them back from the run's checkpoint and refuses a flag that would change one.
import { join, resolve } from 'node:path';
import { loadCheckpoint, parseAugment, formatAugment, MODEL_NAMES, type Checkpoint, type DatasetName, type ModelName } from '@tapegrad/train';
import {
  positiveInt, nonNegativeInt, positiveNumber, nonNegativeNumber, oneOf, UsageError, type Spec,
} from './args.js';
import { chooseData, savedDataChoice, DATASET_HELP, DATA_HELP } from './data.js';

export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
const SCHEDULES = ['warmup-cosine', 'cosine', 'step', 'none'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

const DEFAULT_LR: Record<OptimizerName, number> = { sgd: 0.1, adam: 1e-3, adamw: 3e-3, rmsprop: 1e-3 };
const DEFAULT_WD: Record<OptimizerName, number> = { sgd: 5e-4, adam: 0, adamw: 1e-2, rmsprop: 0 };

/** The files a run writes to its --out directory. */
export const RUN_FILES = ['checkpoint.safetensors', 'metrics.jsonl', 'curves.svg'] as const;

export const TRAIN_SPEC: Spec = {
  model: { type: 'string', value: 'NAME', help: `model: ${MODEL_NAMES.join(' | ')}`, default: 'nin-bn' },
  epochs: { type: 'string', value: 'N', help: 'epochs to train (--epochs 1 --out runs/smoke: a quick smoke run)', default: '15' },
  'batch-size': { type: 'string', value: 'N', help: 'training batch size', default: '64' },
  lr: { type: 'string', value: 'X', help: 'peak learning rate', default: 'sgd 0.1, adam 0.001, adamw 0.003, rmsprop 0.001' },
  optimizer: { type: 'string', value: 'NAME', help: `optimiser: ${OPTIMIZERS.join(' | ')} (sgd: Nesterov momentum)`, default: 'sgd' },
  momentum: { type: 'string', value: 'X', help: 'momentum of sgd and rmsprop', default: '0.9' },
  'weight-decay': { type: 'string', value: 'X', help: 'weight decay', default: 'sgd 5e-4, adamw 0.01, adam and rmsprop 0' },
  schedule: { type: 'string', value: 'NAME', help: 'per-batch LR schedule: warmup-cosine (linear warm-up, then cosine to 0) | cosine | step (x0.1 at 50% and 75%) | none', default: 'warmup-cosine' },
  'warmup-epochs': { type: 'string', value: 'N', help: 'epochs of linear warm-up for warmup-cosine', default: '1' },
  'augment-shift': { type: 'string', value: 'K', help: 'random translation of training images by up to K pixels', default: '0' },
  augment: { type: 'string', value: 'LIST', help: 'training augmentations, in order: flip (random horizontal flip), cropN (random crop with N pixels of padding), e.g. flip,crop4', default: 'none' },
  dropout: { type: 'string', value: 'P', help: "probability of the model's Dropout layers, in [0, 1)", default: '0.5' },
  seed: { type: 'string', value: 'N', help: 'seed of initialisation, shuffling, dropout and augmentation', default: '0' },
  out: { type: 'string', value: 'DIR', help: 'output directory: checkpoint.safetensors, metrics.jsonl, curves.svg', default: 'runs/<model>' },
  'stop-after': { type: 'string', value: 'N', help: 'stop after epoch N as if interrupted (the schedule still spans --epochs; --resume continues)' },
  resume: { type: 'boolean', help: 'continue the run in --out from its checkpoint, with its saved settings (a flag that would change one is refused; a new --epochs re-plans the schedule)' },
  force: { type: 'boolean', help: 'replace the run already in --out (without --force or --resume, train refuses to overwrite one)' },
  dataset: { type: 'string', value: 'NAME', help: DATASET_HELP, default: 'embedded' },
  data: { type: 'string', value: 'DIR', help: DATA_HELP },
  subset: { type: 'string', value: 'N', help: 'use only N training and N test images (spread over the set), for quick checks' },
  backend: { type: 'string', value: 'cpu|wasm|webgpu', help: 'kernels: WebAssembly SIMD on worker threads, the plain JavaScript reference, or the GPU (needs @tapegrad/backend-webgpu installed)', default: 'wasm where it loads, else cpu; TAPEGRAD_BACKEND overrides' },
  threads: { type: 'string', value: 'N', help: 'threads of the wasm backend', default: 'the number of cores, or TAPEGRAD_THREADS' },
  progress: { type: 'string', value: 'MODE', help: 'auto (a live bar on a terminal, else one line per epoch) | bar | lines | none', default: 'auto' },
  help: { type: 'boolean', help: 'show this help' },
};

export const SUMMARY = `Trains a model on MNIST or Fashion-MNIST (--dataset) and reports the test accuracy after every epoch. The defaults are
the main job's recipe (docs/recipe.md in the repository): nin-bn, SGD with Nesterov momentum 0.9 and weight decay 5e-4, batch 64, lr 0.1
with one epoch of linear warm-up then cosine decay stepped every batch, 15 epochs. Ctrl-C stops the run after the current
step (twice: at once) and prints how to --resume it; the exit code is then 130.`;

/** The settings of a run, as stored in its checkpoint (so --resume and eval can rebuild it). */
export interface TrainSettings {
  model: ModelName; epochs: number; batchSize: number; lr: number; optimizer: OptimizerName; momentum: number;
  weightDecay: number; schedule: ScheduleName; warmupEpochs: number; augmentShift: number; seed: number;
  /** The dataset, and where its files are: 'embedded', a folder (--data DIR), or null (found: docs/datasets.md). */
  dataset: DatasetName; data: string | null; subset: number | null;
  /** Training augmentations, canonical (`flip,crop4`, `none`). */
  augment: string;
  /** Probability of the model's Dropout layers. */
  dropout: number;
}

/** The flag that sets each setting. */
const FLAG_OF: Record<keyof TrainSettings, string> = {
  model: 'model', epochs: 'epochs', batchSize: 'batch-size', lr: 'lr', optimizer: 'optimizer', momentum: 'momentum',
  weightDecay: 'weight-decay', schedule: 'schedule', warmupEpochs: 'warmup-epochs', augmentShift: 'augment-shift',
  seed: 'seed', dataset: 'dataset', data: 'data', subset: 'subset', augment: 'augment',
  dropout: 'dropout',
};

export type Flags = Record<string, string | boolean | undefined>;

export function settingsFrom(v: Flags, base: TrainSettings | null): TrainSettings {
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
    ...chooseData(c, v['dataset'], v['data'], base),
    subset: v['subset'] !== undefined ? positiveInt(c, 'subset', v['subset'], 1) : base?.subset ?? null,
    augment: v['augment'] !== undefined ? augmentFlag(v['augment']) : base?.augment ?? 'none',
    dropout: probabilityBelowOne(c, 'dropout', v['dropout'], base?.dropout ?? 0.5),
  };
}

/** A flag in [0, 1), or a one-line UsageError naming it and its value. */
function probabilityBelowOne(command: string, flag: string, v: string | boolean | undefined, fallback: number): number {
  const x = nonNegativeNumber(command, flag, v, fallback);
  if (x >= 1) throw new UsageError(`tapegrad ${command}: --${flag} ${String(v)} is not below 1; expected a probability in [0, 1)`);
  return x;
}

/** --augment LIST in canonical form, or a one-line UsageError naming the item and the valid ones. */
function augmentFlag(v: string | boolean): string {
  if (typeof v !== 'string') throw new UsageError('tapegrad train: --augment needs a value; expected --augment LIST, e.g. flip,crop4');
  try {
    return formatAugment(parseAugment(v));
  } catch (e) {
    throw new UsageError(`tapegrad train: --augment ${(e as Error).message.replace(/^parseAugment: /, '')}`);
  }
}

/** A run saved in an --out directory: its checkpoint and the settings recorded in it. */
export interface SavedRun { ckpt: Checkpoint; settings: TrainSettings }

export function loadRun(dir: string): SavedRun {
  const path = join(dir, 'checkpoint.safetensors');
  const ckpt = loadCheckpoint(path);
  const s = (ckpt.meta ?? {})['settings'] as unknown as TrainSettings | undefined;
  if (!s || typeof s !== 'object' || !MODEL_NAMES.includes(s.model)) throw new Error(`tapegrad train: checkpoint ${path} has no run settings; expected one written by tapegrad train`);
  // runs saved before --dataset, --augment and --dropout recorded them: MNIST (embedded or a folder), no augmentation, dropout 0.5
  const choice = savedDataChoice(s) ?? { dataset: 'embedded', data: 'embedded' };
  const dropout = typeof s.dropout === 'number' ? s.dropout : 0.5;
  return { ckpt, settings: { ...s, ...choice, augment: typeof s.augment === 'string' ? s.augment : 'none', dropout } };
}

function sameSetting(key: keyof TrainSettings, a: TrainSettings[keyof TrainSettings], b: TrainSettings[keyof TrainSettings]): boolean {
  if (key === 'data' && typeof a === 'string' && typeof b === 'string') return (a === 'embedded' ? a : resolve(a)) === (b === 'embedded' ? b : resolve(b));
  if (key === 'augment' && typeof a === 'string' && typeof b === 'string') return formatAugment(parseAugment(a)) === formatAugment(parseAugment(b));
  return a === b;
}

/**
 * --resume: the saved run's settings. A flag that would change one is refused (the checkpoint's
 * optimiser and schedule states carry the saved values, so the flag could not take effect), except
 * --epochs, which re-plans the schedule (see `replan`) and must cover the epochs already done.
 */
export function resumedSettings(v: Flags, run: SavedRun, out: string, stopAfter: number | undefined): TrainSettings {
  const s = settingsFrom(v, run.settings);
  for (const key of Object.keys(FLAG_OF) as (keyof TrainSettings)[]) {
    const flag = FLAG_OF[key];
    if (key === 'epochs' || v[flag] === undefined || sameSetting(key, s[key], run.settings[key])) continue;
    const saved = run.settings[key] === null ? `no --${flag}` : String(run.settings[key]);
    throw new UsageError(`tapegrad train: --${flag} ${String(v[flag])} differs from the run in ${out} (${saved}); --resume continues the saved run as it was: drop --${flag}, or start a new run with --out`);
  }
  const done = run.ckpt.epoch;
  if (s.epochs < done) throw new UsageError(`tapegrad train: --epochs ${s.epochs} is fewer than the ${epochsText(done)} the run in ${out} has done; expected --epochs ${done} or more`);
  if (stopAfter !== undefined && stopAfter <= done) throw new UsageError(`tapegrad train: --stop-after ${stopAfter} is not after epoch ${done}, where the run in ${out} stopped; expected more than ${done}`);
  return s;
}

/** `n epochs`, `1 epoch`. */
export const epochsText = (n: number): string => `${n} epoch${n === 1 ? '' : 's'}`;
