import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, randn, tensor } from '@tapegrad/tensor';
import type { Variable } from '@tapegrad/autograd';
import { Sequential, Linear, ReLU, type Module } from '@tapegrad/nn';
import {
  fit, makeDirectory, NonFiniteLossError, DataLoader, TensorDataset, SGD, loadCheckpoint, crossEntropyLoss,
  type EpochResult, type LossFn,
} from '../src/index.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tapegrad-runs-'));
const quiet = { progress: 'none' as const, log: (): void => {} };

/** 60 points of 3 classes; 8 batches of 8 (the last one 4). */
function setup(seed: number): { model: Sequential; opt: SGD; train: DataLoader; val: DataLoader } {
  const g = new Generator(seed);
  const x = randn([60, 2], { generator: g });
  const y = tensor(Array.from({ length: 60 }, (_, i) => i % 3));
  const ds = new TensorDataset(x, y, { numClasses: 3 });
  const model = new Sequential(new Linear(2, 8, { generator: g }), new ReLU(), new Linear(8, 3, { generator: g }));
  return { model, opt: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), train: new DataLoader(ds, { batchSize: 8 }), val: new DataLoader(ds, { batchSize: 32 }) };
}

/** Cross-entropy, but `bad` (NaN or Infinity) for the training batch `step` of epoch `epoch`. */
function poisoned(model: Module, epoch: number, step: number, bad: number): LossFn {
  let calls = 0;
  return (logits: Variable, y) => {
    const loss = crossEntropyLoss(logits, y);
    if (!model.training) return loss;
    calls++;
    return calls === (epoch - 1) * 8 + step ? loss.mul(bad) : loss;
  };
}

const snapshot = (m: Module): Record<string, Float32Array> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.toArray()]));

describe('fit stops a diverged run', () => {
  it('a NaN loss at epoch 2, step 3 throws naming both, before the step; the epoch-1 checkpoint stays', () => {
    const s = setup(0);
    const dir = tmp();
    let before: Record<string, Float32Array> = {};
    const lossFn = poisoned(s.model, 2, 3, NaN);
    const run = (): unknown => fit(s.model, {
      train: s.train, val: s.val, optimizer: s.opt, epochs: 3, outDir: dir, lossFn, ...quiet,
      callbacks: { onBatchEnd: ({ epoch, batch }) => { if (epoch === 2 && batch === 2) before = snapshot(s.model); } },
    });
    const path = join(dir, 'checkpoint.safetensors');
    expect(run).toThrow(new NonFiniteLossError('loss', NaN, 2, 3, 8, { path, epoch: 1, exists: true }).message);
    expect(new NonFiniteLossError('loss', NaN, 2, 3, 8, { path, epoch: 1, exists: true }).message)
      .toBe(`fit: loss NaN at epoch 2, step 3 of 8 is not finite; expected a finite loss (the run diverged; a lower learning rate usually helps; ${path} still holds epoch 1)`);
    expect(snapshot(s.model)).toEqual(before); // the NaN batch never stepped
    for (const v of Object.values(before)) expect(v.every(Number.isFinite)).toBe(true);
    expect(loadCheckpoint(path).epoch).toBe(1);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as EpochResult).epoch)).toEqual([1]);
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.safetensors', 'curves.svg', 'metrics.jsonl']);
  });

  it('the error carries kind, loss, epoch, step and the checkpoint; an infinite loss in epoch 1 without outDir', () => {
    const s = setup(1);
    let caught: unknown;
    try {
      fit(s.model, { train: s.train, optimizer: s.opt, epochs: 2, lossFn: poisoned(s.model, 1, 5, Infinity), ...quiet });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NonFiniteLossError);
    const e = caught as NonFiniteLossError;
    expect([e.kind, e.loss, e.epoch, e.step, e.steps, e.checkpoint.path]).toEqual(['loss', Infinity, 1, 5, 8, '']);
    expect(e.message).toBe('fit: loss Infinity at epoch 1, step 5 of 8 is not finite; expected a finite loss (the run diverged; a lower learning rate usually helps)');
  });

  it('a run that diverges before its first checkpoint says none was written', () => {
    const s = setup(2);
    const dir = tmp();
    expect(() => fit(s.model, { train: s.train, optimizer: s.opt, epochs: 2, outDir: dir, lossFn: poisoned(s.model, 1, 1, NaN), ...quiet }))
      .toThrow('fit: loss NaN at epoch 1, step 1 of 8 is not finite; expected a finite loss (the run diverged; a lower learning rate usually helps; no checkpoint was written)');
    expect(existsSync(join(dir, 'checkpoint.safetensors'))).toBe(false);
  });

  it('a NaN validation loss stops the run before the epoch is recorded or saved', () => {
    const s = setup(3);
    const dir = tmp();
    let epochs = 0;
    const lossFn: LossFn = (logits, y) => (s.model.training || epochs < 1 ? crossEntropyLoss(logits, y) : crossEntropyLoss(logits, y).mul(NaN));
    const path = join(dir, 'checkpoint.safetensors');
    expect(() => fit(s.model, { train: s.train, val: s.val, optimizer: s.opt, epochs: 3, outDir: dir, lossFn, ...quiet, callbacks: { onEpochEnd: () => { epochs++; } } }))
      .toThrow(`fit: validation loss NaN after epoch 2 is not finite; expected a finite loss (the run diverged; a lower learning rate usually helps; ${path} still holds epoch 1)`);
    expect(loadCheckpoint(path).epoch).toBe(1);
  });

  it("a huge learning rate: the loss overflows and fit throws (no NaN model is saved)", () => {
    const s = setup(4);
    const dir = tmp();
    const opt = new SGD(s.model.parameters(), { lr: 1e30 });
    expect(() => fit(s.model, { train: s.train, optimizer: opt, epochs: 3, outDir: dir, ...quiet })).toThrow(/^fit: loss (NaN|Infinity) at epoch 1, step \d of 8 is not finite; expected a finite loss/);
    expect(existsSync(join(dir, 'checkpoint.safetensors'))).toBe(false);
  });

  it("onNonFiniteLoss: 'continue' trains on and records the NaN epochs", () => {
    const s = setup(4);
    const opt = new SGD(s.model.parameters(), { lr: 1e30 });
    const r = fit(s.model, { train: s.train, optimizer: opt, epochs: 2, onNonFiniteLoss: 'continue', ...quiet });
    expect(r.history.map((h) => Number.isFinite(h.loss))).toEqual([false, false]);
    expect(() => fit(s.model, { train: s.train, optimizer: opt, epochs: 1, onNonFiniteLoss: 'ignore' as 'continue' }))
      .toThrow("fit: onNonFiniteLoss 'ignore' is not supported; expected 'throw' or 'continue'");
  });

  it('an empty training or validation loader is refused before anything runs', () => {
    const s = setup(5);
    const empty = new TensorDataset(randn([0, 2]), tensor([]), { numClasses: 3 });
    expect(() => fit(s.model, { train: new DataLoader(empty, { batchSize: 4 }), optimizer: s.opt, epochs: 1, ...quiet }))
      .toThrow('fit: train loader yields 0 batches (0 samples, batchSize 4); expected at least one batch');
    expect(() => fit(s.model, { train: s.train, val: new DataLoader(empty, { batchSize: 4 }), optimizer: s.opt, epochs: 1, ...quiet }))
      .toThrow('fit: val loader yields 0 batches (0 samples, batchSize 4); expected at least one batch');
    const few = new TensorDataset(randn([3, 2]), tensor([0, 1, 2]), { numClasses: 3 });
    expect(() => fit(s.model, { train: new DataLoader(few, { batchSize: 4, dropLast: true }), optimizer: s.opt, epochs: 1, ...quiet }))
      .toThrow('fit: train loader yields 0 batches (3 samples, batchSize 4, dropLast); expected at least one batch');
  });
});

describe('makeDirectory', () => {
  it('creates missing parents, accepts an existing directory, refuses a file on the way', () => {
    const dir = tmp();
    makeDirectory(join(dir, 'a', 'b', 'c'));
    makeDirectory(join(dir, 'a', 'b', 'c'));
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['c']);
    writeFileSync(join(dir, 'f'), 'x');
    expect(() => makeDirectory(join(dir, 'f', 'g'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => makeDirectory(join(dir, 'f'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  it.runIf(process.platform === 'linux' && existsSync('/proc/self'))('fails under /proc instead of looping forever (fit names the directory it could not make)', () => {
    expect(() => makeDirectory('/proc/tapegrad-test/run')).toThrow(expect.objectContaining({ path: '/proc/tapegrad-test' }));
    const s = setup(6);
    expect(() => fit(s.model, { train: s.train, optimizer: s.opt, epochs: 1, outDir: '/proc/tapegrad-test/run', ...quiet }))
      .toThrow(/^fit: outDir \/proc\/tapegrad-test\/run cannot be created \((ENOENT|EACCES|EPERM) at \/proc\/tapegrad-test\); expected a writable directory$/);
  });
});
