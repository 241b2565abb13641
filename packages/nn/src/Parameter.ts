import { Tensor, keepArray } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';

/** A Variable that a Module owns as a learnable weight: requires grad by default. */
export class Parameter extends Variable {
  constructor(t: Tensor, requiresGrad = true) {
    super(t, { requiresGrad });
  }
}

/** A Module's non-learnable state that belongs in its state dict (running statistics, counters). */
export class Buffer {
  #value: Tensor;

  constructor(value: Tensor) {
    this.#value = value;
    keepArray(value.storage);
  }

  get value(): Tensor {
    return this.#value;
  }

  /** Replaces the value; a resident backend keeps it across steps (brought back to the host, never released). */
  set value(t: Tensor) {
    this.#value = t;
    keepArray(t.storage);
  }
}
