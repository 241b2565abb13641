import { discardArray, type Tensor } from '@tapegrad/tensor';
import { isGradEnabled } from './gradMode.js';
import type { Variable } from './Variable.js';

/**
 * @internal `t` is held by nothing but the op that made `v` and the ops that read `v` after it: its
 * storage is freed unread as soon as nothing can read it any more, so a resident backend never
 * copies it back.
 * - Recorded (`v` has a grad node): when that node's saved state is released, after its backward;
 *   every op that read `v` was recorded after it, so their backwards have run by then.
 * - Nothing recorded at all (`noGrad`): at once (the reading ops saved nothing).
 * - Otherwise (no node, but the tape records: a reader may have saved it) it is left alone.
 * A later read is an error that says `why`.
 */
export function freeAlong(v: Variable, t: Tensor, why: string): void {
  if (v.gradFn !== null) v.gradFn.ctx.freeOnRelease(t, why);
  else if (!isGradEnabled()) discardArray(t.storage, why);
}

/**
 * @internal `v` is an activation that a container passed from one layer to the next, and nothing
 * but their ops holds it (both layers keep no reference once forward returns): freed as `freeAlong`
 * says.
 */
export function freeActivation(v: Variable, why: string): void {
  freeAlong(v, v.data, why);
}
