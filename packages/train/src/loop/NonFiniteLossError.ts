/**
 * Thrown by `fit` when a batch's training loss, or an epoch's validation loss, is NaN or infinite
 * (the run diverged: too high a learning rate, say). A training loss is checked before that
 * batch's optimiser step (on a resident backend such as WebGPU, a few steps later: its losses are
 * read without draining the GPU); either way the epoch is not recorded or saved, so the checkpoint
 * on disk stays the last finished epoch's.
 */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';

  constructor(
    /** Which loss: a training batch's, or the validation loss after an epoch. */
    readonly kind: 'loss' | 'valLoss',
    /** The loss: NaN, Infinity or -Infinity. */
    readonly loss: number,
    /** The epoch (1-based). */
    readonly epoch: number,
    /** The step within the epoch (1-based) of a training loss; null for the validation loss. */
    readonly step: number | null,
    /** Steps per epoch. */
    readonly steps: number,
    /**
     * The checkpoint in outDir ('' without one), the epoch it holds (null: none was written or
     * read in this run) and whether the file exists.
     */
    readonly checkpoint: { readonly path: string; readonly epoch: number | null; readonly exists: boolean },
  ) {
    const { path, epoch: kept, exists } = checkpoint;
    const where = step === null ? `validation loss ${loss} after epoch ${epoch}` : `loss ${loss} at epoch ${epoch}, step ${step} of ${steps}`;
    const disk = path === '' ? '' : kept !== null ? `; ${path} still holds epoch ${kept}` : exists ? `; ${path} is left as it was` : '; no checkpoint was written';
    super(`fit: ${where} is not finite; expected a finite loss (the run diverged; a lower learning rate usually helps${disk})`);
  }
}
