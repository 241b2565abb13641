import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { maxout } from '../../functional/pooling/maxout.js';
import { toTuple } from '../../functional/pooling/poolArgs.js';

/** (N, C, *) -> (N, C / groupSize, *): the maximum over groups of `groupSize` contiguous channels. */
export class Maxout extends Module {
  static {
    declareForgetful(this);
  }

  readonly groupSize: number;

  constructor(groupSize: number) {
    super();
    this.groupSize = toTuple('Maxout', 'groupSize', groupSize, 1, 1)[0]!;
  }

  forward(x: Input): Variable {
    return maxout(x, this.groupSize);
  }

  override extraRepr(): string {
    return `group_size=${this.groupSize}`;
  }
}
