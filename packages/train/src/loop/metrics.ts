import { Tensor, fail, formatShape } from '@tapegrad/tensor';
import { noGrad, type Variable } from '@tapegrad/autograd';
import { F, type Module } from '@tapegrad/nn';
import type { DataLoader } from '../data/DataLoader.js';

/** `(logits (B, C), targets (B)) -> scalar loss`; the default is mean cross-entropy. */
export type LossFn = (logits: Variable, targets: Tensor) => Variable;

export const crossEntropyLoss: LossFn = (logits, targets) => F.crossEntropy(logits, targets);

/** Counts rows of `logits` (B, C) whose argmax equals the target; fills `confusion[target][pred]` when given. */
export function countCorrect(logits: Tensor, targets: Tensor, confusion?: number[][]): number {
  if (logits.ndim !== 2 || targets.ndim !== 1 || targets.shape[0] !== logits.shape[0]) {
    fail('countCorrect', `logits ${formatShape(logits.shape)} and targets ${formatShape(targets.shape)} do not fit; expected (B, C) and (B)`);
  }
  const [B, C] = logits.shape as [number, number];
  const v = logits.values(), t = targets.values();
  let correct = 0;
  for (let b = 0; b < B; b++) {
    let best = 0, bestV = v[b * C]!;
    for (let c = 1; c < C; c++) {
      const x = v[b * C + c]!;
      if (x > bestV || (Number.isNaN(x) && !Number.isNaN(bestV))) { best = c; bestV = x; }
    }
    const y = t[b]!;
    if (best === y) correct++;
    if (confusion && confusion[y]) confusion[y]![best]!++;
  }
  return correct;
}

export interface EvalResult {
  /** Mean loss per sample. */
  loss: number;
  /** Fraction of samples classified correctly. */
  accuracy: number;
  /** Per class: correct / samples of that class (NaN for a class with no samples). */
  perClassAccuracy: number[];
  /** `confusion[target][predicted]` counts. */
  confusion: number[][];
  /** Samples seen. */
  count: number;
}

export interface EvaluateOptions {
  /** @default the dataset's numClasses, else the logits' width */
  numClasses?: number;
  /** @default mean cross-entropy */
  lossFn?: LossFn;
}

/**
 * Runs `model` in eval mode without recording over every batch of `loader` and returns the mean
 * loss, accuracy, per-class accuracy and confusion matrix. The model's mode is restored after.
 */
export function evaluate(model: Module, loader: DataLoader, opts: EvaluateOptions = {}): EvalResult {
  const lossFn = opts.lossFn ?? crossEntropyLoss;
  const wasTraining = model.training;
  model.eval();
  let K = opts.numClasses ?? loader.dataset.numClasses ?? 0;
  let confusion: number[][] = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let lossSum = 0, correct = 0, count = 0;
  try {
    // one noGrad per batch: each batch ends an inference step (a resident backend frees what it held)
    for (const { x, y } of loader) {
      noGrad(() => {
        const logits = model.forward(x);
        if (K === 0) {
          K = logits.shape[1]!;
          confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
        }
        const B = y.shape[0]!;
        lossSum += lossFn(logits, y).item() * B;
        correct += countCorrect(logits.data, y, confusion);
        count += B;
      });
    }
  } finally {
    model.train(wasTraining);
  }
  const perClassAccuracy = confusion.map((row, c) => {
    const n = row.reduce((a, b) => a + b, 0);
    return n === 0 ? NaN : row[c]! / n;
  });
  return { loss: count ? lossSum / count : NaN, accuracy: count ? correct / count : NaN, perClassAccuracy, confusion, count };
}
