import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { globalMaxPool2d } from '../../functional/pooling/globalMaxPool2d.js';
import { resolveKeepDim, type GlobalPool2dOptions } from '../../functional/pooling/globalAvgPool2d.js';
import { reprBool } from './reprSize.js';

/** (N, C, H, W) -> (N, C), or (N, C, 1, 1) with `keepDim`: the maximum of each plane. */
export class GlobalMaxPool2d extends Module {
  static {
    declareForgetful(this);
  }

  readonly keepDim: boolean;

  constructor(opts: GlobalPool2dOptions = {}) {
    super();
    this.keepDim = resolveKeepDim('GlobalMaxPool2d', opts.keepDim);
  }

  forward(x: Input): Variable {
    return globalMaxPool2d(x, { keepDim: this.keepDim });
  }

  override extraRepr(): string {
    return `keep_dim=${reprBool(this.keepDim)}`;
  }
}
