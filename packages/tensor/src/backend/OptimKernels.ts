/**
 * Optimiser updates, in place on a parameter's storage and its state buffers (all of `n`
 * elements), PyTorch 1.13's rules. The caller keeps the counters (first step, step number) and
 * zero-fills new state buffers; a kernel only reads and writes the arrays it is given.
 */

/** SGD: `g = ±grad + wd p`; with momentum `buf = g` at the first step, then `momentum buf + (1 - dampening) g`; `p -= lr (nesterov ? g + momentum buf : buf)`. */
export interface SgdUpdateOptions {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
}

/** Adam / AdamW (`decoupled`: `p *= 1 - lr wd` first instead of `g += wd p`). */
export interface AdamUpdateOptions {
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly maximize: boolean;
  readonly decoupled: boolean;
}

/** RMSprop (centred when gradAvg is given, with momentum when momentumBuffer is given). */
export interface RmspropUpdateOptions {
  readonly lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly maximize: boolean;
}

export interface OptimKernels {
  /** One SGD step; `momentumBuffer` null without momentum; `first`: its first step (the buffer takes g). */
  sgdUpdate(param: Float32Array, grad: Float32Array, momentumBuffer: Float32Array | null, n: number, opts: SgdUpdateOptions, first: boolean): void;
  /** One Adam step; `step` is the step number after this step's increment (1 on the first); `maxExpAvgSq` given for AMSGrad. */
  adamUpdate(param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, maxExpAvgSq: Float32Array | null,
    n: number, opts: AdamUpdateOptions, step: number): void;
  /** One RMSprop step. */
  rmspropUpdate(param: Float32Array, grad: Float32Array, squareAvg: Float32Array, gradAvg: Float32Array | null,
    momentumBuffer: Float32Array | null, n: number, opts: RmspropUpdateOptions): void;
}
