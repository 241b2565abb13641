import { discardArray, type Tensor } from '@tapegrad/tensor';
import type { NodeContext } from './Node.js';

/** Tensors to free once `count` more op contexts are released. */
interface PendingFree {
  count: number;
  readonly items: readonly [Tensor, string][];
}

function freeAll(items: readonly [Tensor, string][]): void {
  for (const [t, why] of items) discardArray(t.storage, why);
}

/**
 * What an op's forward hands its backward. `save` keeps only what backward reads; the engine drops it
 * after backward (unless the graph is retained), so saved activations do not outlive the step.
 */
export class OpContext<S = Record<string, unknown>> implements NodeContext {
  private stash: S | undefined;
  private released = false;
  /** Tensors only this op holds (see `freeOnRelease`). */
  private owned: [Tensor, string][] | null = null;
  /** Other ops whose saved state holds this op's output too (see `sharedWith`). */
  private holders: readonly NodeContext[] | null = null;
  /** Frees of other ops' tensors that wait for this op's release, among others. */
  private waiting: PendingFree[] | null = null;
  /** For each tensor input, in order: whether its gradient is needed. */
  readonly needsInputGrad: readonly boolean[];
  readonly name: string;

  constructor(name: string, needsInputGrad: readonly boolean[]) {
    this.name = name;
    this.needsInputGrad = needsInputGrad;
  }

  save(obj: S): void {
    this.stash = obj;
  }

  get saved(): S {
    if (this.released) {
      throw new Error(`${this.name}: backward: the graph through this op was freed by an earlier backward(); pass { retainGraph: true } to the first backward() to run backward through it again`);
    }
    if (this.stash === undefined) throw new Error(`${this.name}: backward read ctx.saved, but forward never called ctx.save()`);
    return this.stash;
  }

  /**
   * @internal `t` (made by forward, and held by nothing outside this op, or by nothing but the ops
   * that read it after: `freeActivation`) is freed without being read when the saved state is
   * released: after backward, or at once when nothing is recorded. A resident backend then never
   * copies it back to the host; reading it afterwards is an error that says `why`.
   */
  freeOnRelease(t: Tensor, why = `${this.name}: this tensor was internal to the op and freed once its backward no longer needed it`): void {
    (this.owned ??= []).push([t, why]);
  }

  /**
   * @internal The saved state of `others` holds this op's output too: they wrote into it in place
   * before this op returned it (convolutions writing a concatenation's parts), so their backward
   * runs after this op's. What this op frees on release then waits until they are released as well.
   */
  sharedWith(others: readonly NodeContext[]): void {
    this.holders = others;
  }

  /** @internal Drops what forward saved (and frees what `freeOnRelease` named, once no holder needs it). */
  release(): void {
    this.stash = undefined;
    this.released = true;
    if (this.waiting !== null) {
      for (const p of this.waiting) if (--p.count === 0) freeAll(p.items);
      this.waiting = null;
    }
    if (this.owned === null) return;
    const later = this.holders?.filter((c): c is OpContext<unknown> => c instanceof OpContext && !c.released) ?? [];
    if (later.length === 0) freeAll(this.owned);
    else {
      const p: PendingFree = { count: later.length, items: this.owned };
      for (const c of later) (c.waiting ??= []).push(p);
    }
    this.owned = null;
  }

  get isReleased(): boolean {
    return this.released;
  }
}
