import { Generator, fail } from '@tapegrad/tensor';
import type { Module } from '@tapegrad/nn';
import type { OptimizerStateDict, StateDict } from '../optim/Optimizer.js';
import type { Scheduler } from '../schedule/LRScheduler.js';
import { checkModelState, type Checkpoint } from './checkpoint.js';

/** What `restoreCheckpoint` loads into. */
export interface RestoreTargets {
  model: Module;
  optimizer?: { stateDict(): OptimizerStateDict; loadStateDict(s: OptimizerStateDict): void };
  scheduler?: Scheduler;
  /** Generators to restore, by the names they were saved under. */
  generators?: Record<string, Generator>;
}

/**
 * Loads a checkpoint into a model, optimiser, schedule and generators, all or nothing: every part
 * is checked first (the model key by key, naming the first mismatch), and if loading a later
 * part fails the earlier ones are put back, so nothing is ever half-loaded.
 */
export function restoreCheckpoint(ckpt: Checkpoint, targets: RestoreTargets, source = 'checkpoint'): void {
  const { model, optimizer, scheduler, generators = {} } = targets;
  checkModelState(model.stateDict(), ckpt.model, source);
  if (optimizer && !ckpt.optimizer) fail('restoreCheckpoint', `${source} holds no optimiser state; expected a checkpoint saved with one`);
  if (scheduler && !ckpt.scheduler) fail('restoreCheckpoint', `${source} holds no schedule state; expected a checkpoint saved with one`);
  for (const [name] of Object.entries(generators)) {
    const st = ckpt.rng?.[name];
    if (!st) fail('restoreCheckpoint', `${source} holds no state for generator ${name}; expected one of [${Object.keys(ckpt.rng ?? {}).join(', ')}]`);
    new Generator(0).setState(st); // validates
  }
  const optBefore = optimizer?.stateDict();
  const schedBefore: StateDict | undefined = scheduler?.stateDict();
  try {
    if (optimizer) optimizer.loadStateDict(ckpt.optimizer!);
    if (scheduler) scheduler.loadStateDict(ckpt.scheduler!);
  } catch (e) {
    if (optimizer && optBefore) optimizer.loadStateDict(optBefore);
    if (scheduler && schedBefore) scheduler.loadStateDict(schedBefore);
    throw e;
  }
  model.loadStateDict(ckpt.model);
  for (const [name, g] of Object.entries(generators)) g.setState(ckpt.rng![name]!);
}
