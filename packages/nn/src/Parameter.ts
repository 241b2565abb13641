import { Tensor } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';

/** A Variable that a Module owns as a learnable weight: requires grad by default. */
export class Parameter extends Variable {
  constructor(t: Tensor, requiresGrad = true) {
    super(t, { requiresGrad });
  }
}

/** A Module's non-learnable state that belongs in its state dict (running statistics, counters). */
export class Buffer {
  constructor(public value: Tensor) {}
}
