import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { channelwisePool, type ChannelwiseMode } from '../../functional/pooling/channelwisePool.js';

/** (N, C, H, W) -> (N, C, 1, 1): one summary per channel plane ('max', 'avg', 'l2' or `{ p }`). */
export class ChannelwisePool extends Module {
  static {
    declareForgetful(this);
  }

  readonly mode: ChannelwiseMode;

  constructor(mode: ChannelwiseMode) {
    super();
    this.mode = mode;
  }

  forward(x: Input): Variable {
    return channelwisePool(x, this.mode);
  }

  override extraRepr(): string {
    return `mode=${typeof this.mode === 'string' ? this.mode : `p=${this.mode.p}`}`;
  }
}
