/**
 * What an op's forward hands its backward. `save` keeps only what backward reads; the engine drops it
 * after backward (unless the graph is retained), so saved activations do not outlive the step.
 */
export class OpContext<S = Record<string, unknown>> {
  private stash: S | undefined;
  private released = false;
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

  /** @internal Drops what forward saved. */
  release(): void {
    this.stash = undefined;
    this.released = true;
  }

  get isReleased(): boolean {
    return this.released;
  }
}
