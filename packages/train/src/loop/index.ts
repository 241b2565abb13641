export { fit } from './fit.js';
export type { FitOptions, FitResult, FitOptimizer, FitCallbacks, EpochContext, EarlyStoppingOptions } from './fit.js';
export { evaluate, countCorrect, crossEntropyLoss } from './metrics.js';
export type { EvalResult, EvaluateOptions, LossFn } from './metrics.js';
export { Progress } from './progress.js';
export type { ProgressMode, BatchStats } from './progress.js';
export { curvesSvg } from './curves.js';
export type { EpochResult } from './curves.js';
