import { fail, formatShape, shapesEqual, type GeneratorState, type Tensor } from '@tapegrad/tensor';
import type { OptimizerStateDict, StateDict, StateValue } from '../optim/Optimizer.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './header.js';

export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION };

/** Everything needed to continue a run (docs/checkpoints.md describes the file). */
export interface Checkpoint {
  /** The model's state dict (parameters and buffers by PyTorch key). */
  model: Record<string, Tensor>;
  optimizer?: OptimizerStateDict;
  scheduler?: StateDict;
  /** Epochs completed. */
  epoch: number;
  /** Named generator states (`global`, `loader`, ...). */
  rng?: Record<string, GeneratorState>;
  /** Anything else: model name, run settings, metrics so far. JSON data with Tensors allowed. */
  meta?: { [key: string]: StateValue };
}

/**
 * Compares a checkpoint's model state with a model's, key by key in order, and throws naming the
 * first key that differs (missing, unexpected or of another shape).
 */
export function checkModelState(expected: Record<string, Tensor>, got: Record<string, Tensor>, source: string): void {
  const want = Object.entries(expected), have = Object.keys(got);
  for (let i = 0; i < Math.max(want.length, have.length); i++) {
    const w = want[i], h = have[i];
    if (w && h !== w[0]) {
      const where = h === undefined ? 'has no more keys' : `has key ${h}`;
      fail('loadCheckpoint', `${source} does not fit the model: at position ${i} the model has key ${w[0]} but the checkpoint ${where}; expected a checkpoint of the same architecture`);
    }
    if (!w) fail('loadCheckpoint', `${source} does not fit the model: it has an extra key ${h} (position ${i}); expected a checkpoint of the same architecture`);
    const t = got[h!]!;
    if (!shapesEqual(t.shape, w[1].shape)) {
      fail('loadCheckpoint', `${source} does not fit the model: key ${w[0]} has shape ${formatShape(t.shape)} but the model expects ${formatShape(w[1].shape)}; expected a checkpoint of the same architecture`);
    }
  }
}
