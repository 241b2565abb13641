import { discardArray } from '@tapegrad/tensor';
import { isGradEnabled } from './gradMode.js';
import type { Variable } from './Variable.js';

/**
 * @internal `v` is an activation that a container passed from one layer to the next, and nothing
 * but their ops holds it (both layers keep no reference once forward returns): its storage is freed
 * unread as soon as nothing can read it any more, so a resident backend never copies it back.
 * - Recorded (`v` has a grad node): when that node's saved state is released, after its backward;
 *   every op that read `v` was recorded after it, so their backwards have run by then.
 * - Nothing recorded at all (`noGrad`): at once (the reading ops saved nothing).
 * - Otherwise (no node, but the tape records: a reader may have saved it) it is left alone.
 * A later read is an error that says `why`.
 */
export function freeActivation(v: Variable, why: string): void {
  if (v.gradFn !== null) v.gradFn.ctx.freeOnRelease(v.data, why);
  else if (!isGradEnabled()) discardArray(v.data.storage, why);
}
