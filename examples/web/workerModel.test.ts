// The worker's tapegrad side, in Node on the CPU backend: weights files as `save` and `tapegrad train`
// write them, the class activation maps, and the training run against fit with the same recipe.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DataLoader, Generator, SGD, Subset, createModel, embeddedMnist, fit, manualSeed, rand, save, saveCheckpoint, warmupCosine, type Tensor,
} from 'tapegrad';
import { weightsFromBytes, weightsToBytes } from './src/weightsFile.js';
import { classActivationMaps, gapTrunk } from './src/classMaps.js';
import { mapMeans } from './src/camMath.js';
import { recipeModel, recipeRun } from './src/recipeRun.js';
import { RunGate } from './src/runGate.js';
import type { EpochReport, StepReport } from './src/protocol.js';
import type { MnistSplit } from './src/digitsData.js';

function withDir<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-web-'));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectSameState(a: Record<string, Tensor>, b: Record<string, Tensor>): void {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const k of Object.keys(a)) {
    expect(a[k]!.shape, k).toEqual(b[k]!.shape);
    expect(Buffer.from(a[k]!.toArray().buffer).equals(Buffer.from(b[k]!.toArray().buffer)), k).toBe(true);
  }
}

describe('weights files', () => {
  const model = createModel('nin-bn', { generator: new Generator(3) });
  const state = model.stateDict();

  it('the download is byte for byte what save(model.stateDict(), path) writes, and reads back', () => {
    withDir((dir) => {
      save(state, join(dir, 'w.safetensors'));
      const bytes = weightsToBytes(state);
      expect(Buffer.from(bytes).equals(readFileSync(join(dir, 'w.safetensors')))).toBe(true);
      const w = weightsFromBytes(bytes, 'w.safetensors');
      expect([w.kind, w.modelName, w.epoch]).toEqual(['safetensors', null, null]);
      expectSameState(w.state, state);
    });
  });

  it('a tapegrad train checkpoint gives its model tensors, epoch and model name; damage is refused', () => {
    withDir((dir) => {
      const path = join(dir, 'checkpoint.safetensors');
      const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      model.forward(rand([2, 1, 28, 28])).sum().backward();
      opt.step();
      saveCheckpoint(path, { model: model.stateDict(), optimizer: opt.stateDict(), epoch: 4, meta: { modelName: 'nin-bn' } });
      const bytes = new Uint8Array(readFileSync(path));
      const w = weightsFromBytes(bytes, 'checkpoint.safetensors');
      expect([w.kind, w.modelName, w.epoch]).toEqual(['checkpoint', 'nin-bn', 4]);
      expectSameState(w.state, model.stateDict());
      const header = bytes.slice();
      header[60] ^= 1;
      expect(() => weightsFromBytes(header, 'x')).toThrow(/corrupt|checksum/);
      const data = bytes.slice();
      data[data.length - 3] ^= 1;
      expect(() => weightsFromBytes(data, 'x')).toThrow(/payload_crc32/);
      createModel('nin-bn').loadStateDict(w.state);
    });
  });
});

describe('class activation maps', () => {
  it('the logits are the maps means and match the model in eval mode; the training mode is kept', () => {
    const model = createModel('nin-bn', { generator: new Generator(5) });
    model.train();
    const x = rand([1, 1, 28, 28], { generator: new Generator(6) });
    const cam = classActivationMaps(model, gapTrunk(model), x);
    expect(model.training).toBe(true);
    expect([cam.classes, cam.size, cam.maps.length, cam.upSize, cam.upsampled.length]).toEqual([10, 7, 490, 28, 7840]);
    model.eval();
    const want = model.forward(x).data.toArray();
    for (let c = 0; c < 10; c++) {
      expect(cam.logits[c]).toBeCloseTo(want[c]!, 5);
      expect(mapMeans(cam.maps, 10)[c]).toBeCloseTo(want[c]!, 5);
    }
  });

  it('gapTrunk refuses a model without a GAP head', () => {
    expect(() => gapTrunk(createModel('nin-fc'))).toThrow(/expected GlobalAvgPool2d/);
  });
});

describe('the training run', () => {
  const { train, test } = embeddedMnist();
  const data: MnistSplit = { train: new Subset(train, [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 7990]), test: new Subset(test, [0, 500, 1000, 1500]) };

  it('steps, evaluates and ends with the weights fit gives with tapegrad train\'s recipe and seed', async () => {
    const steps: StepReport[] = [], epochs: EpochReport[] = [];
    const model = recipeModel(2);
    const done = await recipeRun(model, data, { epochs: 2, seed: 2 }, new RunGate(), {
      step: (r) => steps.push(r), epoch: (r) => epochs.push(r), phase: () => undefined,
    });
    expect(done).toBe(true);
    expect(steps.map((s) => [s.epoch, s.step, s.globalStep, s.totalSteps])).toEqual([[1, 1, 1, 2], [2, 1, 2, 2]]);
    expect(steps[0]!.lr).toBeCloseTo(0.1, 6); // warm-up of one epoch (one step): lr 0.1 (0 + 1) / 1
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs[1]!.testAccuracy * 4).toBe(Math.round(epochs[1]!.testAccuracy * 4));

    // the same run with fit, set up as packages/tapegrad/src/cli/train.ts does
    manualSeed(2);
    const loaderGen = new Generator(3);
    const ref = createModel('nin-bn');
    const trainLoader = new DataLoader(data.train, { batchSize: 64, shuffle: true, generator: loaderGen });
    const optimizer = new SGD(ref.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
    const scheduler = warmupCosine(optimizer, trainLoader.length, 2 * trainLoader.length);
    const r = fit(ref, { train: trainLoader, val: new DataLoader(data.test, { batchSize: 256 }), optimizer, scheduler, schedulerStep: 'batch', epochs: 2, progress: 'none' });
    expectSameState(model.stateDict(), ref.stateDict());
    expect(epochs[1]!.testAccuracy).toBe(r.val!.accuracy);
    expect(epochs[0]!.trainLoss).toBeCloseTo(r.history[0]!.loss, 6);
  });

  it('pauses between steps and stops when cancelled', async () => {
    const gate = new RunGate();
    const phases: string[] = [];
    let steps = 0;
    gate.pause();
    const run = recipeRun(recipeModel(0), data, { epochs: 3, seed: 0 }, gate, {
      step: () => { steps++; }, epoch: () => undefined, phase: (p) => phases.push(p),
    });
    await new Promise((r) => setTimeout(r, 50));
    expect([steps, phases]).toEqual([0, ['paused']]);
    gate.cancel();
    expect(await run).toBe(false);
    expect(steps).toBe(0);
  });
});
