// One training run with the main job's recipe (docs/recipe.md, `tapegrad train`'s defaults): nin-bn
// initialised from the global generator seeded with `seed`, the training set reshuffled every epoch
// by a generator seeded with seed + 1, batch 64 (the partial last batch kept), SGD with Nesterov
// momentum 0.9 and weight decay 5e-4, lr 0.1 with one epoch of linear warm-up then cosine decay,
// stepped every batch; the test set evaluated after every epoch. The loop is fit's, written out so
// that it can report every step, pause and yield to the worker's messages between steps.
import {
  DataLoader, F, Generator, SGD, countCorrect, createModel, manualSeed, noGrad, warmupCosine, type Sequential,
} from 'tapegrad';
import type { EpochReport, RunSettings, StepReport } from './protocol.js';
import type { MnistSplit } from './digitsData.js';
import type { RunGate } from './runGate.js';

export const BATCH_SIZE = 64;
const TEST_BATCH = 256;

/** A fresh nin-bn as `tapegrad train --seed N` makes it (manualSeed(N), then createModel). */
export function recipeModel(seed: number): Sequential {
  manualSeed(seed);
  return createModel('nin-bn');
}

export interface RunSink {
  step(r: StepReport): void;
  epoch(r: EpochReport): void;
  /** The run starts or stops evaluating, or is paused or resumed. */
  phase(p: 'training' | 'evaluating' | 'paused'): void;
}

/** Test loss and accuracy in eval mode, one batch per task; null when the run is cancelled meanwhile. */
export async function evaluateInSteps(model: Sequential, loader: DataLoader, gate: RunGate | null, onPause?: (paused: boolean) => void): Promise<{ loss: number; accuracy: number } | null> {
  let lossSum = 0, correct = 0, count = 0;
  for (const { x, y } of loader) {
    if (gate !== null && !(await gate.pass(onPause))) return null;
    const wasTraining = model.training;
    model.eval();
    try {
      noGrad(() => {
        const logits = model.forward(x);
        lossSum += F.crossEntropy(logits, y, { reduction: 'sum' }).item();
        correct += countCorrect(logits.data, y);
        count += y.shape[0]!;
      });
    } finally {
      model.train(wasTraining);
    }
  }
  return { loss: lossSum / count, accuracy: correct / count };
}

export function testLoader(data: MnistSplit): DataLoader {
  return new DataLoader(data.test, { batchSize: TEST_BATCH });
}

/** Trains `model` (from `recipeModel(settings.seed)`) for the run; resolves true when it finished, false when cancelled. */
export async function recipeRun(model: Sequential, data: MnistSplit, s: RunSettings, gate: RunGate, sink: RunSink): Promise<boolean> {
  const train = new DataLoader(data.train, { batchSize: BATCH_SIZE, shuffle: true, generator: new Generator(s.seed + 1) });
  const test = testLoader(data);
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const scheduler = warmupCosine(optimizer, train.length, train.length * s.epochs);
  const onPause = (paused: boolean): void => sink.phase(paused ? 'paused' : 'training');
  const onEvalPause = (paused: boolean): void => sink.phase(paused ? 'paused' : 'evaluating');
  let globalStep = 0;
  for (let epoch = 1; epoch <= s.epochs; epoch++) {
    model.train();
    let lossSum = 0, correct = 0, seen = 0, step = 0, busyMs = 0;
    for (const { x, y } of train) {
      if (!(await gate.pass(onPause))) return false;
      const t0 = performance.now();
      const lr = optimizer.paramGroups[0]!.lr;
      const logits = model.forward(x);
      const loss = F.crossEntropy(logits, y);
      const l = loss.item();
      if (!Number.isFinite(l)) throw new Error(`the loss is ${l} at epoch ${epoch}, step ${step + 1}; the run stops`);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      scheduler.step();
      busyMs += performance.now() - t0;
      const B = y.shape[0]!, c = countCorrect(logits.data, y);
      lossSum += l * B;
      correct += c;
      seen += B;
      step++;
      globalStep++;
      sink.step({
        epoch, epochs: s.epochs, step, stepsPerEpoch: train.length, globalStep, totalSteps: train.length * s.epochs,
        loss: l, accuracy: c / B, lr, imagesPerSecond: seen / (busyMs / 1000),
      });
    }
    sink.phase('evaluating');
    const val = await evaluateInSteps(model, test, gate, onEvalPause);
    if (val === null) return false;
    sink.epoch({
      epoch, epochs: s.epochs, trainLoss: lossSum / seen, trainAccuracy: correct / seen, testLoss: val.loss, testAccuracy: val.accuracy,
      seconds: busyMs / 1000, imagesPerSecond: seen / (busyMs / 1000),
    });
    if (epoch < s.epochs) sink.phase('training');
  }
  return true;
}
