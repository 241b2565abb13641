import type { Tensor } from '@tapegrad/tensor';
import type { Variable } from './Variable.js';

let nextSeq = 0;

/** What the tape needs of an op's context (an OpContext). */
export interface NodeContext {
  release(): void;
  readonly isReleased: boolean;
  freeOnRelease(t: Tensor, why?: string): void;
  sharedWith(others: readonly NodeContext[]): void;
}

/**
 * One entry of the tape: the op that produced a Variable. `seq` grows with every recorded op, so
 * descending `seq` over the nodes reachable from an output is a reverse topological order.
 */
export class Node {
  readonly seq = nextSeq++;
  constructor(
    readonly name: string,
    /** The op's tensor inputs that were Variables (null for constants). */
    readonly inputs: readonly (Variable | null)[],
    readonly ctx: NodeContext,
    readonly backwardFn: (gradOutput: Tensor) => readonly (Tensor | null)[],
    /** Shape of the op's differentiable output, to check incoming gradients. */
    readonly outputShape: readonly number[],
  ) {}

  /** A Variable whose `.grad` should be kept although it is not a leaf (`retainGrad()`). */
  retained: Variable | null = null;
}
