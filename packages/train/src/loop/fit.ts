import { defaultGenerator, fail, kernels, ownerOf, residencyActive, type Tensor } from '@tapegrad/tensor';
import type { Module } from '@tapegrad/nn';
import type { StateValue } from '../optim/Optimizer.js';
import { clipGradNorm_ } from '../optim/clipGrad.js';
import { ReduceLROnPlateau } from '../schedule/ReduceLROnPlateau.js';
import { restoreCheckpoint } from '../checkpoint/restore.js';
import { evaluate, countCorrect, crossEntropyLoss, type EvalResult } from './metrics.js';
import { Progress } from './progress.js';
import type { ProgressSink } from './progressSink.js';
import type { EpochResult } from './curves.js';
import { NonFiniteLossError } from './NonFiniteLossError.js';
import { checkOptions, type FitOptions, type FitResult } from './fitOptions.js';
import { monitorOf, updateEarlyStopping, type StopState } from './earlyStopping.js';
import { RunDirectory } from './runDirectory.js';
import { RunClock } from './eta.js';
import { nodeHost } from '../platform/index.js';

const mib = (bytes: number): number => Math.round(bytes / 2 ** 20 * 10) / 10;

function summaryLine(r: EpochResult, epochs: number): string {
  const val = r.valLoss === undefined ? '' : `  val_loss ${r.valLoss.toFixed(4)}  val_acc ${(100 * r.valAccuracy!).toFixed(2)}%`;
  return `epoch ${r.epoch}/${epochs}  loss ${r.loss.toFixed(4)}  acc ${(100 * r.accuracy).toFixed(2)}%${val}  lr ${r.lr.toPrecision(4)}  ${r.seconds.toFixed(1)}s  ${r.imagesPerSecond.toFixed(0)} img/s`;
}

function parseHistory(v: StateValue | undefined): EpochResult[] {
  return Array.isArray(v) ? (v as unknown as EpochResult[]).map((r) => ({ ...r })) : [];
}

/** The output directory's checkpoint, if any: where, and after which epoch (null: none written or read in this run). */
interface Saved { dir: RunDirectory | null; epoch: number | null }

/** What a NonFiniteLossError reports of the checkpoint on disk. */
function onDisk(saved: Saved): { path: string; epoch: number | null; exists: boolean } {
  const dir = saved.dir;
  return { path: dir?.checkpointPath ?? '', epoch: saved.epoch, exists: dir !== null && dir.hasCheckpoint() };
}

/** A training batch whose loss and correct count are still on a resident backend (the GPU). */
interface InFlight { readonly loss: Tensor; readonly correct: Tensor; readonly size: number; readonly batch: number }

/** (B, C) logits, (B) targets -> () the number of argmax hits, as a tensor (on the backend). */
function correctCount(logits: Tensor, targets: Tensor): Tensor {
  const pred = kernels.argReduce('max', logits, 1).indices;
  return kernels.reduce('sum', kernels.binary('eq', pred, targets));
}

/**
 * One pass over the training loader: forward, loss, (check it is finite), backward, (clip), step, per-batch schedule.
 * On a resident backend (WebGPU) no step reads its loss: each batch's loss and correct count stay on
 * the GPU and are taken once they are back on the host (a step boundary brings them back without
 * waiting for the work just posted), so the progress and the finiteness check run a few batches
 * behind and the GPU is never drained; the end of the epoch reads what is left. A per-batch
 * ReduceLROnPlateau or an onBatchEnd callback needs each loss at once, and gets it.
 */
function trainEpoch(model: Module, opts: FitOptions, epoch: number, sink: ProgressSink, clock: RunClock, saved: Saved): { loss: number; accuracy: number; seconds: number; seen: number } {
  const { train, optimizer, scheduler, epochs } = opts;
  const lossFn = opts.lossFn ?? crossEntropyLoss;
  const perBatch = opts.schedulerStep === 'batch';
  const batches = train.length;
  const deferred = residencyActive() && !(perBatch && scheduler instanceof ReduceLROnPlateau) && opts.callbacks?.onBatchEnd === undefined;
  model.train();
  sink.epochStart?.({ epoch, epochs, batches });
  const t0 = performance.now();
  let lossSum = 0, correct = 0, seen = 0, b = 0;
  const report = (batch: number, l: number, hits: number, B: number): void => {
    lossSum += l * B;
    correct += hits;
    seen += B;
    if (sink.batchEnd) {
      const elapsed = (performance.now() - t0) / 1000;
      const eta = clock.eta(epoch, batch, batches, elapsed);
      sink.batchEnd({
        epoch, epochs, batch, batches, loss: l, meanLoss: lossSum / seen, accuracy: correct / seen,
        imagesPerSecond: seen / elapsed, epochEta: eta.epoch, runEta: eta.run,
      });
    }
  };
  const inFlight: InFlight[] = [];
  /** Takes the batches whose values are on the host (all of them with `all`, reading what is not). */
  const drain = (all: boolean): void => {
    while (inFlight.length > 0) {
      const f = inFlight[0]!;
      if (!all && (ownerOf(f.loss.storage.buffer) !== undefined || ownerOf(f.correct.storage.buffer) !== undefined)) return;
      inFlight.shift();
      const l = f.loss.item();
      if (!Number.isFinite(l) && opts.onNonFiniteLoss !== 'continue') throw new NonFiniteLossError('loss', l, epoch, f.batch, batches, onDisk(saved));
      report(f.batch, l, f.correct.item(), f.size);
    }
  };
  for (const { x, y } of train) {
    const logits = model.forward(x);
    const loss = lossFn(logits, y);
    const B = y.shape[0]!;
    b++;
    if (deferred) {
      optimizer.zeroGrad();
      loss.backward();
      if (opts.clipGradNorm !== undefined) clipGradNorm_(model.parameters(), opts.clipGradNorm);
      optimizer.step();
      if (perBatch && scheduler) scheduler.step();
      inFlight.push({ loss: loss.data, correct: correctCount(logits.data, y), size: B, batch: b });
      drain(false);
      continue;
    }
    const l = loss.item();
    if (!Number.isFinite(l) && opts.onNonFiniteLoss !== 'continue') throw new NonFiniteLossError('loss', l, epoch, b, batches, onDisk(saved));
    optimizer.zeroGrad();
    loss.backward();
    if (opts.clipGradNorm !== undefined) clipGradNorm_(model.parameters(), opts.clipGradNorm);
    optimizer.step();
    if (perBatch && scheduler) scheduler.step(scheduler instanceof ReduceLROnPlateau ? l : undefined);
    report(b, l, countCorrect(logits.data, y), B);
    opts.callbacks?.onBatchEnd?.({ epoch, batch: b, batches, loss: l });
  }
  drain(true);
  return { loss: lossSum / seen, accuracy: correct / seen, seconds: (performance.now() - t0) / 1000, seen };
}

/**
 * Trains `model` for `epochs` epochs: per batch forward, loss, backward, (clip), optimiser step
 * (and the schedule when `schedulerStep` is 'batch'); per epoch the validation metrics, the
 * schedule (when 'epoch'), callbacks and early stopping, and with `outDir` (Node) a line in
 * metrics.jsonl, curves.svg and an atomic checkpoint. Progress and metrics go to `progress` (the
 * terminal display by default, or a `ProgressSink`). `resume` restores model, optimiser,
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
  const progress = opts.progress ?? 'auto';
  const sink: ProgressSink = typeof progress === 'string' ? new Progress(progress, log) : progress;
  const dir = outDir ? new RunDirectory(outDir) : null;
  let history: EpochResult[] = [];
  let stop: StopState = { best: null, bad: 0 };
  const saved: Saved = { dir, epoch: null };
  if (opts.resume) {
    if (typeof opts.resume !== 'object' && !dir!.hasCheckpoint()) fail('fit', `resume: no checkpoint at ${dir!.checkpointPath}; expected a previous run's output directory`);
    const ckpt = typeof opts.resume === 'object' ? opts.resume : dir!.readCheckpoint();
    restoreCheckpoint(ckpt, { model, optimizer, ...(scheduler ? { scheduler } : {}), generators }, typeof opts.resume === 'object' ? 'checkpoint' : dir!.checkpointPath);
    history = parseHistory(ckpt.meta?.['history']).slice(0, ckpt.epoch);
    // A checkpoint handed over as an object with outDir is that directory's (the CLI re-planning a run).
    if (typeof opts.resume !== 'object' || outDir) saved.epoch = ckpt.epoch;
    const es = ckpt.meta?.['earlyStopping'] as unknown as StopState | undefined;
    if (es) stop = { best: es.best, bad: es.bad };
  }
  dir?.startMetrics(history);
  let lastVal: EvalResult | undefined;
  let stoppedEarly = false;
  const last = Math.min(epochs, opts.stopAfter ?? epochs);
  const clock = new RunClock(last);
  sink.runStart?.({ epochs, firstEpoch: history.length + 1, lastEpoch: last, batches: train.length });
  try {
    for (let epoch = history.length + 1; epoch <= last && !stoppedEarly; epoch++) {
      clock.startEpoch();
      const { loss, accuracy, seconds, seen } = trainEpoch(model, opts, epoch, sink, clock, saved);
      clock.endTraining();
      const memory = nodeHost()?.memory();
      const lr = optimizer.paramGroups[0]!.lr;
      lastVal = val ? evaluate(model, val, { lossFn }) : undefined;
      if (lastVal && !Number.isFinite(lastVal.loss) && opts.onNonFiniteLoss !== 'continue') {
        throw new NonFiniteLossError('valLoss', lastVal.loss, epoch, null, train.length, onDisk(saved));
      }
      const result: EpochResult = {
        epoch, loss, accuracy, lr, seconds, imagesPerSecond: seen / seconds,
        ...(memory ? { rssMiB: mib(memory.rss), peakRssMiB: mib(memory.peakRss) } : {}),
        ...(lastVal ? { valLoss: lastVal.loss, valAccuracy: lastVal.accuracy } : {}),
      };
      if (!perBatch && scheduler) scheduler.step(scheduler instanceof ReduceLROnPlateau ? (lastVal?.loss ?? result.loss) : undefined);
      history.push(result);
      sink.epochEnd?.(result, summaryLine(result, epochs));
      if (opts.earlyStopping) {
        stop = updateEarlyStopping(stop, result, opts.earlyStopping, val !== undefined);
        if (stop.bad >= opts.earlyStopping.patience) {
          stoppedEarly = true;
          sink.message?.(`early stopping: ${monitorOf(opts.earlyStopping, val !== undefined)} has not improved for ${stop.bad} epochs (best ${stop.best})`);
        }
      }
      opts.callbacks?.onEpochEnd?.(result, { model, history, val: lastVal, stop: () => { stoppedEarly = true; } });
      if (dir) {
        dir.saveEpoch(result, {
          model: model.stateDict(), optimizer: optimizer.stateDict(), ...(scheduler ? { scheduler: scheduler.stateDict() } : {}), epoch,
          rng: Object.fromEntries(Object.entries(generators).map(([k, g]) => [k, g.getState()])),
          meta: { ...opts.meta, history: history as unknown as StateValue, earlyStopping: stop as unknown as StateValue },
        }, history, epochs);
        saved.epoch = epoch;
      }
      clock.endEpoch();
    }
  } catch (e) {
    sink.runEnd?.({ history, stoppedEarly, error: e });
    throw e;
  }
  sink.runEnd?.({ history, stoppedEarly });
  return { history, val: lastVal, stoppedEarly };
}
