import { fail, formatShape } from '@tapegrad/tensor';
import { BatchNormBase, type BatchNormModuleOptions } from './BatchNormBase.js';

/**
 * (N, C) or (N, C, L) -> same shape: batch normalisation per channel over N (and L).
 * Same statistics rules as BatchNorm2d.
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormModuleOptions = {}) {
    super('BatchNorm1d', numFeatures, opts);
  }

  protected checkRank(shape: readonly number[]): void {
    if (shape.length !== 2 && shape.length !== 3) fail('BatchNorm1d', `input shape ${formatShape(shape)} has rank ${shape.length}; expected (N, C) or (N, C, L)`);
  }
}
