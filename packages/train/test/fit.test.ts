import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, manualSeed, randn, tensor, Tensor } from '@tapegrad/tensor';
import { Sequential, Linear, ReLU, Dropout } from '@tapegrad/nn';
import {
  fit, evaluate, DataLoader, TensorDataset, SGD, Adam, StepLR, LinearLR, CosineAnnealingLR, SequentialLR, ReduceLROnPlateau,
  loadCheckpoint, countCorrect, curvesSvg, type EpochResult,
} from '../src/index.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tapegrad-fit-'));

/** 3 classes of 2-d points, 60 samples. */
function data(seed: number): TensorDataset {
  const g = new Generator(seed);
  const x = randn([60, 2], { generator: g }).toArray();
  const y = new Float32Array(60);
  for (let i = 0; i < 60; i++) {
    y[i] = i % 3;
    x[2 * i] = x[2 * i]! * 0.3 + [0, 2, -2][i % 3]!;
    x[2 * i + 1] = x[2 * i + 1]! * 0.3 + [2, -1, -1][i % 3]!;
  }
  return new TensorDataset(tensor(x, [60, 2]), tensor(y), { numClasses: 3 });
}

function setup(seed: number): { model: Sequential; opt: SGD; sched: SequentialLR; train: DataLoader; val: DataLoader } {
  const g = new Generator(seed);
  const model = new Sequential(new Linear(2, 16, { generator: g }), new ReLU(), new Dropout(0.3), new Linear(16, 3, { generator: g }));
  const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const sched = new SequentialLR(opt, { schedulers: [new LinearLR(opt, { startFactor: 0.2, totalIters: 3 }), new CosineAnnealingLR(opt, { tMax: 20 })], milestones: [4] });
  const train = new DataLoader(data(1), { batchSize: 8, shuffle: true, generator: new Generator(seed + 100) });
  const val = new DataLoader(data(2), { batchSize: 16 });
  return { model, opt, sched, train, val };
}

const quiet = { progress: 'none' as const, log: (): void => {} };
/** A history without what varies from run to run: timing and memory. */
const strip = (h: EpochResult[]): Omit<EpochResult, 'seconds' | 'imagesPerSecond' | 'rssMiB' | 'peakRssMiB'>[] =>
  h.map(({ seconds: _s, imagesPerSecond: _i, rssMiB: _r, peakRssMiB: _p, ...r }) => r);

describe('fit', () => {
  it('learns a 3-class problem and writes metrics.jsonl, curves.svg and a checkpoint per epoch', () => {
    manualSeed(0);
    const s = setup(0);
    const dir = tmp();
    const r = fit(s.model, { train: s.train, val: s.val, optimizer: s.opt, scheduler: s.sched, schedulerStep: 'batch', epochs: 3, outDir: dir, ...quiet, meta: { modelName: 'mlp' } });
    expect(r.history.length).toBe(3);
    expect(r.val!.accuracy).toBeGreaterThan(0.9);
    expect(r.history[2]!.loss).toBeLessThan(r.history[0]!.loss);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as EpochResult);
    expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3]);
    expect(lines[2]!.valAccuracy).toBe(r.val!.accuracy);
    // on Node each epoch records the process's resident memory and its peak so far (MiB)
    const rss = process.memoryUsage.rss() / 2 ** 20;
    for (const l of lines) {
      expect(l.rssMiB).toBeGreaterThan(rss / 4);
      expect(l.rssMiB).toBeLessThan(rss * 4);
      expect(l.peakRssMiB).toBeGreaterThanOrEqual(l.rssMiB!);
    }
    const svg = readFileSync(join(dir, 'curves.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)!.length).toBe(4);
    const ck = loadCheckpoint(join(dir, 'checkpoint.safetensors'));
    expect(ck.epoch).toBe(3);
    expect(ck.meta!['modelName']).toBe('mlp');
    expect(Object.keys(ck.rng!)).toEqual(['global', 'loader']);
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.safetensors', 'curves.svg', 'metrics.jsonl']);
    // 8 batches per epoch stepped the schedule 24 times: past the warm-up, on the cosine
    expect(s.opt.paramGroups[0]!.lr).toBeCloseTo(0.05 * (1 + Math.cos((Math.PI * (24 - 4)) / 20)), 12);
  });

  it('resume after 2 of 4 epochs ends bit-identical to an uninterrupted run', () => {
    manualSeed(7);
    const a = setup(3);
    const ra = fit(a.model, { train: a.train, val: a.val, optimizer: a.opt, scheduler: a.sched, schedulerStep: 'batch', epochs: 4, ...quiet });
    manualSeed(7);
    const dir = tmp();
    const b = setup(3);
    fit(b.model, { train: b.train, val: b.val, optimizer: b.opt, scheduler: b.sched, schedulerStep: 'batch', epochs: 2, outDir: dir, ...quiet });
    manualSeed(999); // a fresh process: other seeds everywhere, all restored from the checkpoint
    const c = setup(42);
    const rc = fit(c.model, { train: c.train, val: c.val, optimizer: c.opt, scheduler: c.sched, schedulerStep: 'batch', epochs: 4, outDir: dir, resume: true, ...quiet });
    const sa = a.model.stateDict(), sc = c.model.stateDict();
    for (const k of Object.keys(sa)) expect(sc[k]!.toArray()).toEqual(sa[k]!.toArray());
    expect(strip(rc.history)).toEqual(strip(ra.history));
    expect(c.opt.paramGroups[0]!.lr).toBe(a.opt.paramGroups[0]!.lr);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as EpochResult).epoch)).toEqual([1, 2, 3, 4]);
  });

  it('resume refuses a missing checkpoint and a checkpoint of another model', () => {
    const s = setup(0);
    const dir = tmp();
    expect(() => fit(s.model, { train: s.train, optimizer: s.opt, epochs: 1, outDir: dir, resume: true, ...quiet }))
      .toThrow(`fit: resume: no checkpoint at ${join(dir, 'checkpoint.safetensors')}; expected a previous run's output directory`);
    fit(s.model, { train: s.train, optimizer: s.opt, epochs: 1, outDir: dir, ...quiet });
    const other = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 3));
    expect(() => fit(other, { train: s.train, optimizer: new SGD(other.parameters(), { lr: 0.1 }), epochs: 2, outDir: dir, resume: true, ...quiet }))
      .toThrow('does not fit the model: key 0.weight has shape [16, 2] but the model expects [8, 2]');
  });

  it('early stopping on valLoss stops after patience epochs without improvement', () => {
    const s = setup(0);
    const opt = new SGD(s.model.parameters(), { lr: 0 });
    const lines: string[] = [];
    const r = fit(s.model, { train: s.train, val: s.val, optimizer: opt, epochs: 10, earlyStopping: { patience: 2, monitor: 'valLoss' }, progress: 'none', log: (l) => lines.push(l) });
    expect(r.stoppedEarly).toBe(true);
    expect(r.history.length).toBe(3);
    expect(lines.at(-1)).toMatch(/^early stopping: valLoss has not improved for 2 epochs/);
  });

  it('onEpochEnd can stop training and sees the validation confusion matrix', () => {
    const s = setup(0);
    const seen: number[] = [];
    const r = fit(s.model, {
      train: s.train, val: s.val, optimizer: s.opt, epochs: 5, ...quiet,
      callbacks: { onEpochEnd: (res, ctx) => { seen.push(res.epoch); expect(ctx.val!.confusion.length).toBe(3); if (res.epoch === 2) ctx.stop(); } },
    });
    expect(seen).toEqual([1, 2]);
    expect(r.history.length).toBe(2);
  });

  it("'lines' progress prints one line per epoch", () => {
    const s = setup(0);
    const lines: string[] = [];
    fit(s.model, { train: s.train, val: s.val, optimizer: s.opt, epochs: 2, progress: 'lines', log: (l) => lines.push(l) });
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^epoch 1\/2 {2}loss \d+\.\d{4} {2}acc \d+\.\d\d% {2}val_loss \d+\.\d{4} {2}val_acc \d+\.\d\d% {2}lr 0\.02000 {2}\d+\.\ds {2}\d+ img\/s$/);
  });

  it('ReduceLROnPlateau steps per epoch with the validation loss; StepLR per epoch', () => {
    const s = setup(0);
    const opt = new Adam(s.model.parameters(), { lr: 0 });
    const plateau = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5 });
    fit(s.model, { train: s.train, val: s.val, optimizer: opt, scheduler: plateau, epochs: 3, ...quiet });
    expect(plateau.lastEpoch).toBe(3);
    const t = setup(0);
    const sgd = new SGD(t.model.parameters(), { lr: 0.1 });
    fit(t.model, { train: t.train, optimizer: sgd, scheduler: new StepLR(sgd, { stepSize: 1, gamma: 0.5 }), epochs: 3, ...quiet });
    expect(sgd.paramGroups[0]!.lr).toBeCloseTo(0.0125, 12);
  });

  it('refuses bad options', () => {
    const s = setup(0);
    expect(() => fit(s.model, { train: s.train, optimizer: s.opt, epochs: 0 })).toThrow('fit: epochs 0 must be a positive integer; expected an integer >= 1');
    expect(() => fit(s.model, { train: s.train, optimizer: s.opt, epochs: 1, schedulerStep: 'step' as 'batch' })).toThrow("fit: schedulerStep 'step' is not supported; expected 'batch' or 'epoch'");
    expect(() => fit(s.model, { train: [] as unknown as DataLoader, optimizer: s.opt, epochs: 1 })).toThrow('fit: train  is not a DataLoader');
    expect(() => fit(s.model, { train: s.train, optimizer: s.opt, epochs: 1, earlyStopping: { patience: 1, monitor: 'valLoss' } })).toThrow("fit: earlyStopping.monitor 'valLoss' needs a val loader");
  });
});

describe('evaluate', () => {
  it('loss, accuracy, per-class accuracy and confusion matrix of a fixed classifier', () => {
    // logits = x itself: the predicted class is the argmax of each row
    const x = tensor([[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]);
    const y = tensor([0, 1, 2, 2, 1]);
    const model = new Sequential(new ReLU());
    const r = evaluate(model, new DataLoader(new TensorDataset(x, y, { numClasses: 3 }), { batchSize: 2 }));
    expect(r.count).toBe(5);
    expect(r.accuracy).toBeCloseTo(3 / 5, 12);
    expect(r.confusion).toEqual([[1, 0, 0], [1, 1, 0], [0, 1, 1]]);
    expect(r.perClassAccuracy).toEqual([1, 0.5, 0.5]);
    // cross-entropy of a one-hot logit row: correct -log(e/(e+2)), wrong -log(1/(e+2))
    const right = -Math.log(Math.E / (Math.E + 2)), wrong = -Math.log(1 / (Math.E + 2));
    expect(r.loss).toBeCloseTo((3 * right + 2 * wrong) / 5, 5);
    expect(model.training).toBe(true);
  });

  it('countCorrect refuses mismatched shapes', () => {
    expect(() => countCorrect(new Tensor(new Float32Array(6), [2, 3]), tensor([1, 2, 3]))).toThrow('countCorrect: logits [2, 3] and targets [3] do not fit; expected (B, C) and (B)');
  });

  it('curvesSvg draws train and validation series', () => {
    const h: EpochResult[] = [1, 2, 3].map((e) => ({ epoch: e, loss: 1 / e, accuracy: 0.5 + e / 10, valLoss: 1.1 / e, valAccuracy: 0.4 + e / 10, lr: 0.1, seconds: 1, imagesPerSecond: 10 }));
    const svg = curvesSvg(h, 5);
    expect(svg.match(/<polyline/g)!.length).toBe(4);
    expect(svg.match(/<circle/g)!.length).toBe(12);
  });
});
