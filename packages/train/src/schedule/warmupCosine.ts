import type { ScheduledOptimizer, Scheduler } from './LRScheduler.js';
import { LinearLR } from './LinearLR.js';
import { CosineAnnealingLR } from './CosineAnnealingLR.js';
import { SequentialLR } from './SequentialLR.js';

/**
 * docs/recipe.md's per-step schedule over `totalSteps`: linear warm-up for `warmupSteps` (lr_t = lr (t+1)/W),
 * then cosine decay to 0 over the rest; plain cosine when the warm-up is one step or less.
 */
export function warmupCosine(opt: ScheduledOptimizer, warmupSteps: number, totalSteps: number): Scheduler {
  const warm = Math.min(warmupSteps, totalSteps - 1);
  if (warm <= 1) return new CosineAnnealingLR(opt, { tMax: totalSteps });
  return new SequentialLR(opt, {
    schedulers: [new LinearLR(opt, { startFactor: 1 / warm, endFactor: 1, totalIters: warm - 1 }), new CosineAnnealingLR(opt, { tMax: totalSteps - warm })],
    milestones: [warm],
  });
}
