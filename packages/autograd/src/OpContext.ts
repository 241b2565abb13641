import { discardArray, type Tensor } from '@tapegrad/tensor';

/**
 * What an op's forward hands its backward. `save` keeps only what backward reads; the engine drops it
 * after backward (unless the graph is retained), so saved activations do not outlive the step.
 */
export class OpContext<S = Record<string, unknown>> {
  private stash: S | undefined;
  private released = false;
  /** Tensors only this op holds (see `freeOnRelease`). */
  private owned: [Tensor, string][] | null = null;
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

  /** @internal Drops what forward saved (and frees what `freeOnRelease` named). */
  release(): void {
    this.stash = undefined;
    this.released = true;
    if (this.owned === null) return;
    for (const [t, why] of this.owned) discardArray(t.storage, why);
    this.owned = null;
  }

  get isReleased(): boolean {
    return this.released;
  }
}
