import { existsSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Generator, manualSeed, defaultGenerator } from '@tapegrad/tensor';
import {
  DataLoader, randomTranslate, augmentTransforms, SGD, Adam, AdamW, RMSprop, CosineAnnealingLR, warmupCosine, MultiStepLR,
  createModel, fit, type Scheduler, type ScheduledOptimizer, type FitOptimizer, type StateValue, type Checkpoint, type Transform,
} from '@tapegrad/train';
import { parseFlags, helpText, positiveInt, oneOf, UsageError } from './args.js';
import { loadData, dataLabel } from './data.js';
import { childStopRequest, resumeAdvice, InterruptedError, type StopRequest } from './interrupt.js';
import { selectBackend, type BackendName } from './backend.js';
import {
  TRAIN_SPEC, SUMMARY, RUN_FILES, settingsFrom, loadRun, resumedSettings, epochsText, type TrainSettings, type SavedRun,
} from './trainSettings.js';
import type { CliIO } from './io.js';

export type { TrainSettings } from './trainSettings.js';

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

const fmtLr = (lr: number): string => String(Number(lr.toPrecision(4)));

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

/** The training batches' transforms: --augment-shift's translation, then --augment's list, padding with the background. */
function trainTransforms(s: TrainSettings, mean: number, std: number): Transform[] {
  const background = (0 - mean) / std;
  return [
    ...(s.augmentShift > 0 ? [randomTranslate(s.augmentShift, { fill: background })] : []),
    ...augmentTransforms(s.augment, { fill: background }),
  ];
}

/** The line a run stopped by Ctrl-C prints: where it stopped, the checkpoint on disk, how to continue. */
function interruptedLine(out: string, at: { epoch: number; batch: number; batches: number } | null, epochs: number): string {
  const where = at === null ? 'before training started' : `in epoch ${at.epoch} of ${epochs}, after step ${at.batch} of ${at.batches}`;
  return `tapegrad train: interrupted ${where}; ${resumeAdvice(out)}`;
}

/** The --out directory `argv` asks for (absolute), or null when the flags do not parse (the run itself reports why). */
export function trainOutDir(argv: readonly string[]): string | null {
  try {
    const v = parseFlags('train', argv, TRAIN_SPEC);
    return resolve(typeof v['out'] === 'string' ? v['out'] : join('runs', settingsFrom(v, null).model));
  } catch {
    return null;
  }
}

/** `tapegrad train`: returns the final test accuracy. */
export function runTrain(argv: readonly string[], io: CliIO): number {
  const v = parseFlags('train', argv, TRAIN_SPEC);
  if (v['help']) {
    io.out(helpText('train', SUMMARY, TRAIN_SPEC));
    return NaN;
  }
  const stop: StopRequest | null = childStopRequest();
  const resume = v['resume'] === true, force = v['force'] === true;
  if (resume && force) throw new UsageError('tapegrad train: --resume and --force exclude each other (--resume continues the run in --out, --force replaces it); pass one');
  const pre = settingsFrom(v, null);
  const out = resolve(typeof v['out'] === 'string' ? v['out'] : join('runs', pre.model));
  const backendName = v['backend'] === undefined ? undefined : oneOf('train', 'backend', v['backend'], ['cpu', 'wasm', 'webgpu'] as const, 'wasm') as BackendName;
  const threads = v['threads'] === undefined ? undefined : positiveInt('train', 'threads', v['threads'], 1);
  const stopAfter = v['stop-after'] === undefined ? undefined : positiveInt('train', 'stop-after', v['stop-after'], 1);
  const progress = oneOf('train', 'progress', v['progress'], ['auto', 'bar', 'lines', 'none'] as const, 'auto');
  let run: SavedRun | null = null;
  if (resume) {
    if (!existsSync(join(out, 'checkpoint.safetensors'))) throw new UsageError(`tapegrad train: --resume found no checkpoint at ${join(out, 'checkpoint.safetensors')}; expected the --out directory of an earlier run`);
    run = loadRun(out);
  }
  const s = run ? resumedSettings(v, run, out, stopAfter) : pre;

  const data = loadData('train', s, s.subset ?? undefined);
  const { train, test } = data;
  const replacing = run === null && claimOutDir(out, force);
  const backend = selectBackend(backendName, threads);
  manualSeed(s.seed);
  const loaderGen = new Generator(s.seed + 1);
  const model = createModel(s.model, { dropout: s.dropout });
  const trainLoader = new DataLoader(train, { batchSize: s.batchSize, shuffle: true, generator: loaderGen, transforms: trainTransforms(s, data.mean, data.std) });
  const testLoader = new DataLoader(test, { batchSize: 256 });
  const optimizer = makeOptimizer(s, model.parameters());
  const scheduler = makeSchedule(s, optimizer, trainLoader.length);
  const replanned = run !== null && s.epochs !== run.settings.epochs ? replan(run.ckpt, s, optimizer.paramGroups.length, trainLoader.length) : null;
  io.out(`tapegrad train: ${s.model} (${model.numParameters().toLocaleString('en-US')} parameters) on ${dataLabel(data)}: ${train.length} train / ${test.length} test images`);
  io.out(`  ${s.optimizer} lr ${s.lr} wd ${s.weightDecay}${s.optimizer === 'sgd' || s.optimizer === 'rmsprop' ? ` momentum ${s.momentum}` : ''}, schedule ${s.schedule}, batch ${s.batchSize}, ${epochsText(s.epochs)}, seed ${s.seed}, backend ${backend}${s.augment === 'none' ? '' : `, augment ${s.augment}`}${s.dropout === 0.5 ? '' : `, dropout ${s.dropout}`}`);
  for (const line of run ? resumeLines(s, run, out, replanned) : [`  output: ${out}${replacing ? ' (the earlier run there is replaced: --force)' : ''}`]) io.out(line);
  if (stop?.requested()) throw new InterruptedError(interruptedLine(out, null, s.epochs));
  const r = fit(model, {
    train: trainLoader, val: testLoader, optimizer, ...(scheduler ? { scheduler } : {}), schedulerStep: 'batch',
    epochs: s.epochs, outDir: out, resume: replanned ? replanned.ckpt : resume, ...(stopAfter !== undefined ? { stopAfter } : {}),
    progress: progress === 'auto' ? (io.isTTY ? 'bar' : 'lines') : progress,
    log: (line) => io.out(line), generators: { global: defaultGenerator, loader: loaderGen },
    meta: { modelName: s.model, settings: s as unknown as StateValue, dataset: data.name, classNames: [...data.classNames] },
    // a stop request ends the run after the step just taken; the checkpoint of the last finished epoch stays
    ...(stop ? { callbacks: { onBatchEnd: (b) => { if (stop.requested()) throw new InterruptedError(interruptedLine(out, b, s.epochs)); } } } : {}),
  });
  const last = r.history.at(-1);
  const acc = last?.valAccuracy ?? NaN;
  const total = r.history.reduce((t, h) => t + h.seconds, 0);
  io.out(`test accuracy: ${(100 * acc).toFixed(2)}% after epoch ${last?.epoch ?? 0} (${s.model}, ${total.toFixed(0)} s of training over all epochs)`);
  return acc;
}
