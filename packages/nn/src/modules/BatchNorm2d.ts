import { fail, formatShape } from '@tapegrad/tensor';
import { BatchNormBase, type BatchNormModuleOptions } from './BatchNormBase.js';

/**
 * (N, C, H, W) -> (N, C, H, W): batch normalisation per channel over N, H and W.
 * Training normalises with the batch mean and biased variance and updates the running mean and
 * unbiased variance (r = (1 - momentum) r + momentum * batch); eval uses the running statistics.
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormModuleOptions = {}) {
    super('BatchNorm2d', numFeatures, opts);
  }

  protected checkRank(shape: readonly number[]): void {
    if (shape.length !== 4) fail('BatchNorm2d', `input shape ${formatShape(shape)} has rank ${shape.length}; expected (N, C, H, W)`);
  }
}
