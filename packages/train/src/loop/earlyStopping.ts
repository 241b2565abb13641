import type { EarlyStoppingOptions } from './fitOptions.js';
import type { EpochResult } from './curves.js';

/** The best monitored value so far and the epochs since it improved. */
export interface StopState { best: number | null; bad: number }

export function monitorOf(es: EarlyStoppingOptions, hasVal: boolean): NonNullable<EarlyStoppingOptions['monitor']> {
  return es.monitor ?? (hasVal ? 'valLoss' : 'loss');
}

/** The early-stopping state after one epoch. */
export function updateEarlyStopping(stop: StopState, r: EpochResult, es: EarlyStoppingOptions, hasVal: boolean): StopState {
  const m = monitorOf(es, hasVal);
  const v = r[m]!;
  const maximize = m === 'accuracy' || m === 'valAccuracy';
  const delta = es.minDelta ?? 0;
  const better = stop.best === null || (maximize ? v > stop.best + delta : v < stop.best - delta);
  return better ? { best: v, bad: 0 } : { best: stop.best, bad: stop.bad + 1 };
}
