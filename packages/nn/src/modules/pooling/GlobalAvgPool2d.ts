import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { globalAvgPool2d, resolveKeepDim, type GlobalPool2dOptions } from '../../functional/pooling/globalAvgPool2d.js';
import { reprBool } from './reprSize.js';

/** (N, C, H, W) -> (N, C), or (N, C, 1, 1) with `keepDim`: the mean of each plane (the GAP head). */
export class GlobalAvgPool2d extends Module {
  static {
    declareForgetful(this);
  }

  readonly keepDim: boolean;

  constructor(opts: GlobalPool2dOptions = {}) {
    super();
    this.keepDim = resolveKeepDim('GlobalAvgPool2d', opts.keepDim);
  }

  forward(x: Input): Variable {
    return globalAvgPool2d(x, { keepDim: this.keepDim });
  }

  override extraRepr(): string {
    return `keep_dim=${reprBool(this.keepDim)}`;
  }
}
