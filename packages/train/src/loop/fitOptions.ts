import { expectPositiveInt, fail, type Generator } from '@tapegrad/tensor';
import type { Module } from '@tapegrad/nn';
import { DataLoader } from '../data/DataLoader.js';
import type { OptimizerStateDict, StateValue } from '../optim/Optimizer.js';
import type { Scheduler } from '../schedule/LRScheduler.js';
import type { Checkpoint } from '../checkpoint/checkpoint.js';
import type { EvalResult, LossFn } from './metrics.js';
import type { ProgressMode } from './progress.js';
import type { ProgressSink } from './progressSink.js';
import type { EpochResult } from './curves.js';

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
  /**
   * Directory for metrics.jsonl, curves.svg and checkpoint.safetensors (written after every
   * epoch). Without it `fit` writes nothing. Needs Node; in a browser keep the results from
   * `callbacks` or a `ProgressSink` (and `encodeCheckpoint` for a checkpoint's bytes).
   */
  outDir?: string;
  /** End after this epoch, as if interrupted (the schedule still spans `epochs`; resume continues). */
  stopAfter?: number;
  /** Continue from `outDir`'s checkpoint (true) or from this checkpoint. @default false */
  resume?: boolean | Checkpoint;
  /**
   * Where progress and metrics go: a built-in display ('auto': a live bar with ETAs on a
   * terminal, else one line per epoch; 'bar', 'lines', 'none') or a `ProgressSink` of your own
   * (`messageSink(post)` for a Worker that reports to its page).
   * @default 'auto'
   */
  progress?: ProgressMode | ProgressSink;
  /** Where the built-in display's lines go. @default console.log */
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

const MODES: readonly string[] = ['auto', 'bar', 'lines', 'none'];

export function checkOptions(model: Module, o: FitOptions): void {
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
  const p = o.progress;
  if (p !== undefined && (typeof p === 'string' ? !MODES.includes(p) : typeof p !== 'object' || p === null)) {
    fail('fit', `progress ${JSON.stringify(p) ?? String(p)} is not supported; expected 'auto', 'bar', 'lines', 'none' or a ProgressSink`);
  }
  for (const [name, loader] of [['train', o.train], ['val', o.val]] as const) {
    if (loader && loader.length === 0) fail('fit', `${name} loader yields 0 batches (${loader.dataset.length} samples, batchSize ${loader.batchSize}${loader.dropLast ? ', dropLast' : ''}); expected at least one batch`);
  }
  if (o.resume && !o.outDir && typeof o.resume !== 'object') fail('fit', 'resume: true needs outDir (the checkpoint is read from there)');
}
