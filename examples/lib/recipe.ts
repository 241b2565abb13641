// docs/recipe.md's optimiser and schedule: SGD, Nesterov momentum 0.9, weight decay 5e-4, lr 0.1 with
// one epoch of linear warm-up, then cosine decay to 0, stepped every batch.
import { type Module, SGD, warmupCosine, type Scheduler } from 'tapegrad';

export function recipe(model: Module, stepsPerEpoch: number, epochs: number): { optimizer: SGD; scheduler: Scheduler } {
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  return { optimizer, scheduler: warmupCosine(optimizer, stepsPerEpoch, stepsPerEpoch * epochs) };
}
