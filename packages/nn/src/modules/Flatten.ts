import { flatten, type Variable, type Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';

export interface FlattenOptions {
  /** @default 1 */
  startDim?: number;
  /** @default -1 */
  endDim?: number;
}

/** (N, *rest) -> (N, prod(rest)) with the defaults (startDim 1, endDim -1). */
export class Flatten extends Module {
  static {
    declareForgetful(this);
  }

  readonly startDim: number;
  readonly endDim: number;

  constructor(opts: FlattenOptions = {}) {
    super();
    this.startDim = opts.startDim ?? 1;
    this.endDim = opts.endDim ?? -1;
  }

  forward(x: Input): Variable {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
