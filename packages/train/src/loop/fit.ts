import { appendFileSync, existsSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { defaultGenerator, expectPositiveInt, fail, type Generator } from '@tapegrad/tensor';
import type { Module } from '@tapegrad/nn';
import { DataLoader } from '../data/DataLoader.js';
import { atomicWrite } from '../data/atomicWrite.js';
import type { OptimizerStateDict, StateValue } from '../optim/Optimizer.js';
import { clipGradNorm_ } from '../optim/clipGrad.js';
import type { Scheduler } from '../schedule/LRScheduler.js';
import { ReduceLROnPlateau } from '../schedule/ReduceLROnPlateau.js';
import { saveCheckpoint, loadCheckpoint, type Checkpoint } from '../checkpoint/checkpoint.js';
import { restoreCheckpoint } from '../checkpoint/restore.js';
import { evaluate, countCorrect, crossEntropyLoss, type EvalResult, type LossFn } from './metrics.js';
import { Progress, type ProgressMode } from './progress.js';
import { curvesSvg, type EpochResult } from './curves.js';
import { makeDirectory } from './makeDirectory.js';
import { NonFiniteLossError } from './NonFiniteLossError.js';

/** What `fit` needs of an optimiser (SGD, Adam, AdamW, RMSprop). */
export interface FitOptimizer {
  readonly paramGroups: { lr: number }[];
  step(): void;
  zeroGrad(): void;
  stateDict(): OptimizerStateDict;
  loadStateDict(s: OptimizerStateDict): void;
}

export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping. */
  patience: number;
  /** @default 'valLoss' with a validation loader, else 'loss' */
  monitor?: 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy';
  /** Smallest change that counts as an improvement. @default 0 */
  minDelta?: number;
}

export interface EpochContext {
  model: Module;
  history: readonly EpochResult[];
  /** The last validation result (with per-class accuracy and the confusion matrix). */
  val: EvalResult | undefined;
  /** Ends training after this epoch. */
  stop(): void;
}

export interface FitCallbacks {
  onEpochEnd?(result: EpochResult, ctx: EpochContext): void;
  onBatchEnd?(info: { epoch: number; batch: number; batches: number; loss: number }): void;
}

export interface FitOptions {
  train: DataLoader;
  /** Evaluated after every epoch. */
  val?: DataLoader;
  optimizer: FitOptimizer;
  scheduler?: Scheduler;
  /** When the schedule steps. ReduceLROnPlateau steps with the validation loss (else the training loss). @default 'epoch' */
  schedulerStep?: 'batch' | 'epoch';
  /** Total epochs (a resumed run continues up to this number). */
  epochs: number;
  /** @default mean cross-entropy */
  lossFn?: LossFn;
  /** Clip the gradients' total 2-norm to this before each step. */
  clipGradNorm?: number;
  callbacks?: FitCallbacks;
  earlyStopping?: EarlyStoppingOptions;
  /** Directory for metrics.jsonl, curves.svg and checkpoint.safetensors (written after every epoch). */
  outDir?: string;
  /** End after this epoch, as if interrupted (the schedule still spans `epochs`; resume continues). */
  stopAfter?: number;
  /** Continue from `outDir`'s checkpoint (true) or from this checkpoint. @default false */
  resume?: boolean | Checkpoint;
  /** @default 'auto' (a live bar on a TTY, else one line per epoch) */
  progress?: ProgressMode;
  /** Where epoch lines go. @default console.log */
  log?: (line: string) => void;
  /** Generators whose state checkpoints carry. @default { global, loader } (loader when the training loader has its own) */
  generators?: Record<string, Generator>;
  /** Extra data stored in every checkpoint's meta (model name, settings). */
  meta?: { [key: string]: StateValue };
  /**
   * What a NaN or infinite loss does (a training batch's, or the validation loss): 'throw' stops
   * the run with a `NonFiniteLossError` naming the epoch and step, before a training batch's step
   * changes the model and before the epoch is recorded or saved (the checkpoint of the last
   * finished epoch stays); 'continue' trains on.
   * @default 'throw'
   */
  onNonFiniteLoss?: 'throw' | 'continue';
}

export interface FitResult {
  history: EpochResult[];
  /** The last epoch's validation result. */
  val: EvalResult | undefined;
  stoppedEarly: boolean;
}

interface StopState { best: number | null; bad: number }

function checkOptions(model: Module, o: FitOptions): void {
  if (!model || typeof model.forward !== 'function') fail('fit', `model ${String(model)} is not a Module`);
  if (!(o?.train instanceof DataLoader)) fail('fit', `train ${String(o?.train)} is not a DataLoader; expected new DataLoader(dataset, { batchSize, shuffle })`);
  if (o.val !== undefined && !(o.val instanceof DataLoader)) fail('fit', `val ${String(o.val)} is not a DataLoader`);
  if (!o.optimizer || typeof o.optimizer.step !== 'function') fail('fit', `optimizer ${String(o.optimizer)} is not an optimiser; expected SGD, Adam, AdamW or RMSprop`);
  expectPositiveInt('fit', 'epochs', o.epochs);
  const s = o.schedulerStep ?? 'epoch';
  if (s !== 'batch' && s !== 'epoch') fail('fit', `schedulerStep '${String(s)}' is not supported; expected 'batch' or 'epoch'`);
  if (o.earlyStopping) {
    expectPositiveInt('fit', 'earlyStopping.patience', o.earlyStopping.patience);
    const m = o.earlyStopping.monitor;
    if (m !== undefined && !['loss', 'accuracy', 'valLoss', 'valAccuracy'].includes(m)) fail('fit', `earlyStopping.monitor '${String(m)}' is not supported; expected 'loss', 'accuracy', 'valLoss' or 'valAccuracy'`);
    if ((m === 'valLoss' || m === 'valAccuracy') && !o.val) fail('fit', `earlyStopping.monitor '${m}' needs a val loader`);
  }
  if (o.stopAfter !== undefined) expectPositiveInt('fit', 'stopAfter', o.stopAfter);
  const nf = o.onNonFiniteLoss ?? 'throw';
  if (nf !== 'throw' && nf !== 'continue') fail('fit', `onNonFiniteLoss '${String(nf)}' is not supported; expected 'throw' or 'continue'`);
  for (const [name, loader] of [['train', o.train], ['val', o.val]] as const) {
    if (loader && loader.length === 0) fail('fit', `${name} loader yields 0 batches (${loader.dataset.length} samples, batchSize ${loader.batchSize}${loader.dropLast ? ', dropLast' : ''}); expected at least one batch`);
  }
  if (o.resume && !o.outDir && typeof o.resume !== 'object') fail('fit', 'resume: true needs outDir (the checkpoint is read from there)');
}

function summaryLine(r: EpochResult, epochs: number): string {
  const val = r.valLoss === undefined ? '' : `  val_loss ${r.valLoss.toFixed(4)}  val_acc ${(100 * r.valAccuracy!).toFixed(2)}%`;
  return `epoch ${r.epoch}/${epochs}  loss ${r.loss.toFixed(4)}  acc ${(100 * r.accuracy).toFixed(2)}%${val}  lr ${r.lr.toPrecision(4)}  ${r.seconds.toFixed(1)}s  ${r.imagesPerSecond.toFixed(0)} img/s`;
}

function parseHistory(v: StateValue | undefined): EpochResult[] {
  return Array.isArray(v) ? (v as unknown as EpochResult[]).map((r) => ({ ...r })) : [];
}

/** One pass over the training loader: forward, loss, (check it is finite), backward, (clip), step, per-batch schedule. */
function trainEpoch(model: Module, opts: FitOptions, epoch: number, progress: Progress, saved: Saved): { loss: number; accuracy: number; seconds: number; seen: number } {
  const { train, optimizer, scheduler } = opts;
  const lossFn = opts.lossFn ?? crossEntropyLoss;
  const perBatch = opts.schedulerStep === 'batch';
  const batches = train.length;
  model.train();
  progress.startEpoch(epoch, opts.epochs, batches);
  const t0 = performance.now();
  let lossSum = 0, correct = 0, seen = 0, b = 0;
  for (const { x, y } of train) {
    const logits = model.forward(x);
    const loss = lossFn(logits, y);
    const l = loss.item();
    if (!Number.isFinite(l) && opts.onNonFiniteLoss !== 'continue') throw new NonFiniteLossError('loss', l, epoch, b + 1, batches, onDisk(saved));
    optimizer.zeroGrad();
    loss.backward();
    if (opts.clipGradNorm !== undefined) clipGradNorm_(model.parameters(), opts.clipGradNorm);
    optimizer.step();
    const B = y.shape[0]!;
    if (perBatch && scheduler) scheduler.step(scheduler instanceof ReduceLROnPlateau ? l : undefined);
    lossSum += l * B;
    correct += countCorrect(logits.data, y);
    seen += B;
    b++;
    progress.batch(b, { loss: lossSum / seen, accuracy: correct / seen, imagesPerSecond: seen / ((performance.now() - t0) / 1000) });
    opts.callbacks?.onBatchEnd?.({ epoch, batch: b, batches, loss: l });
  }
  return { loss: lossSum / seen, accuracy: correct / seen, seconds: (performance.now() - t0) / 1000, seen };
}

/** The checkpoint in outDir ('' without one): where, and after which epoch (null: none written or read in this run). */
interface Saved { path: string; epoch: number | null }

/** What a NonFiniteLossError reports of the checkpoint on disk. */
function onDisk(saved: Saved): { path: string; epoch: number | null; exists: boolean } {
  return { ...saved, exists: saved.path !== '' && existsSync(saved.path) };
}

/** `trainEpoch`, with the progress bar closed (and the cursor shown again) if the epoch throws. */
function trainEpochSafely(model: Module, opts: FitOptions, epoch: number, progress: Progress, quiet: { on: boolean }, saved: Saved): ReturnType<typeof trainEpoch> {
  try {
    return trainEpoch(model, opts, epoch, progress, saved);
  } catch (e) {
    quiet.on = true;
    try { progress.endEpoch(''); } catch { /* the error below says more */ }
    quiet.on = false;
    throw e;
  }
}

function monitorOf(es: EarlyStoppingOptions, hasVal: boolean): NonNullable<EarlyStoppingOptions['monitor']> {
  return es.monitor ?? (hasVal ? 'valLoss' : 'loss');
}

/** The early-stopping state after one epoch: the best monitored value and the epochs since it improved. */
function updateEarlyStopping(stop: StopState, r: EpochResult, es: EarlyStoppingOptions, hasVal: boolean): StopState {
  const m = monitorOf(es, hasVal);
  const v = r[m]!;
  const maximize = m === 'accuracy' || m === 'valAccuracy';
  const delta = es.minDelta ?? 0;
  const better = stop.best === null || (maximize ? v > stop.best + delta : v < stop.best - delta);
  return better ? { best: v, bad: 0 } : { best: stop.best, bad: stop.bad + 1 };
}

/**
 * Trains `model` for `epochs` epochs: per batch forward, loss, backward, (clip), optimiser step
 * (and the schedule when `schedulerStep` is 'batch'); per epoch the validation metrics, the
 * schedule (when 'epoch'), callbacks and early stopping, and with `outDir` a line in
 * metrics.jsonl, curves.svg and an atomic checkpoint. `resume` restores model, optimiser,
 * schedule, generators and history, and continues exactly where the checkpoint left off. A NaN or
 * infinite training or validation loss throws a `NonFiniteLossError` (unless `onNonFiniteLoss: 'continue'`).
 */
export function fit(model: Module, opts: FitOptions): FitResult {
  checkOptions(model, opts);
  const { train, val, optimizer, scheduler, epochs, outDir } = opts;
  const lossFn = opts.lossFn ?? crossEntropyLoss;
  const perBatch = (opts.schedulerStep ?? 'epoch') === 'batch';
  const log = opts.log ?? ((line: string) => console.log(line));
  const generators = opts.generators ?? { global: defaultGenerator, ...(train.generator !== defaultGenerator ? { loader: train.generator } : {}) };
  const quiet = { on: false };
  const progress = new Progress(opts.progress ?? 'auto', (line) => { if (!quiet.on) log(line); });
  const ckptPath = outDir ? join(outDir, 'checkpoint.safetensors') : '';
  const metricsPath = outDir ? join(outDir, 'metrics.jsonl') : '';
  if (outDir) {
    try {
      makeDirectory(outDir);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const at = err.path !== undefined && resolvePath(err.path) !== resolvePath(outDir) ? ` at ${err.path}` : '';
      fail('fit', `outDir ${outDir} cannot be created (${err.code ?? String(e)}${at}); expected a writable directory`);
    }
  }
  let history: EpochResult[] = [];
  let stop: StopState = { best: null, bad: 0 };
  const saved: Saved = { path: ckptPath, epoch: null };
  if (opts.resume) {
    if (typeof opts.resume !== 'object' && !existsSync(ckptPath)) fail('fit', `resume: no checkpoint at ${ckptPath}; expected a previous run's output directory`);
    const ckpt = typeof opts.resume === 'object' ? opts.resume : loadCheckpoint(ckptPath);
    restoreCheckpoint(ckpt, { model, optimizer, ...(scheduler ? { scheduler } : {}), generators }, typeof opts.resume === 'object' ? 'checkpoint' : ckptPath);
    history = parseHistory(ckpt.meta?.['history']).slice(0, ckpt.epoch);
    // A checkpoint handed over as an object with outDir is that directory's (the CLI re-planning a run).
    if (typeof opts.resume !== 'object' || outDir) saved.epoch = ckpt.epoch;
    const es = ckpt.meta?.['earlyStopping'] as unknown as StopState | undefined;
    if (es) stop = { best: es.best, bad: es.bad };
  }
  if (outDir) {
    // (re)start metrics.jsonl from the checkpoint's history; this also proves the directory writable up front
    try {
      atomicWrite(metricsPath, [Buffer.from(history.map((r) => `${JSON.stringify(r)}\n`).join(''))]);
    } catch (e) {
      fail('fit', `outDir ${outDir} is not writable (${(e as NodeJS.ErrnoException).code ?? String(e)}); expected a writable directory`);
    }
  }
  let lastVal: EvalResult | undefined;
  let stoppedEarly = false;
  const last = Math.min(epochs, opts.stopAfter ?? epochs);
  for (let epoch = history.length + 1; epoch <= last && !stoppedEarly; epoch++) {
    const { loss, accuracy, seconds, seen } = trainEpochSafely(model, opts, epoch, progress, quiet, saved);
    const lr = optimizer.paramGroups[0]!.lr;
    lastVal = val ? evaluate(model, val, { lossFn }) : undefined;
    if (lastVal && !Number.isFinite(lastVal.loss) && opts.onNonFiniteLoss !== 'continue') {
      throw new NonFiniteLossError('valLoss', lastVal.loss, epoch, null, train.length, onDisk(saved));
    }
    const result: EpochResult = {
      epoch, loss, accuracy, lr, seconds, imagesPerSecond: seen / seconds,
      ...(lastVal ? { valLoss: lastVal.loss, valAccuracy: lastVal.accuracy } : {}),
    };
    if (!perBatch && scheduler) scheduler.step(scheduler instanceof ReduceLROnPlateau ? (lastVal?.loss ?? result.loss) : undefined);
    history.push(result);
    progress.endEpoch(summaryLine(result, epochs));
    if (opts.earlyStopping) {
      stop = updateEarlyStopping(stop, result, opts.earlyStopping, val !== undefined);
      if (stop.bad >= opts.earlyStopping.patience) {
        stoppedEarly = true;
        log(`early stopping: ${monitorOf(opts.earlyStopping, val !== undefined)} has not improved for ${stop.bad} epochs (best ${stop.best})`);
      }
    }
    opts.callbacks?.onEpochEnd?.(result, { model, history, val: lastVal, stop: () => { stoppedEarly = true; } });
    if (outDir) {
      appendFileSync(metricsPath, `${JSON.stringify(result)}\n`);
      saveCheckpoint(ckptPath, {
        model: model.stateDict(), optimizer: optimizer.stateDict(), ...(scheduler ? { scheduler: scheduler.stateDict() } : {}), epoch,
        rng: Object.fromEntries(Object.entries(generators).map(([k, g]) => [k, g.getState()])),
        meta: { ...opts.meta, history: history as unknown as StateValue, earlyStopping: stop as unknown as StateValue },
      });
      saved.epoch = epoch;
      atomicWrite(join(outDir, 'curves.svg'), [Buffer.from(curvesSvg(history, epochs))]);
    }
  }
  return { history, val: lastVal, stoppedEarly };
}
