// @tapegrad/train: data, loaders, optimisers, schedules, the training loop, checkpoints, models (the CLI is in the tapegrad package).
export {
  TensorDataset, Subset, getSample, evenSubset, DataLoader, normalize, randomTranslate, padCrop, embeddedMnist,
  defaultCacheDir, MNIST_MEAN, MNIST_STD, loadIdx, MnistIdx, mnistIdx, atomicWrite,
} from './data/index.js';
export type {
  Dataset, TensorDatasetOptions, Batch, DataLoaderOptions, Transform, RandomTranslateOptions, PadCropOptions,
  EmbeddedMnistOptions, IdxArray, IdxType, MnistIdxOptions,
} from './data/index.js';
export {
  Optimizer, expectNonNegative, SGD, Adam, AdamW, RMSprop, clipGradNorm_, clipGradValue_,
} from './optim/index.js';
export type {
  ParamGroup, ParamsInput, ParamState, OptimizerStateDict, StateDict, StateValue, SGDOptions, AdamOptions,
  AdamState, RMSpropOptions, ClipGradNormOptions,
} from './optim/index.js';
export {
  LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, LambdaLR, OneCycleLR,
  ReduceLROnPlateau, SequentialLR, warmupCosine,
} from './schedule/index.js';
export type {
  Scheduler, ScheduledOptimizer, StepLROptions, MultiStepLROptions, ExponentialLROptions,
  CosineAnnealingLROptions, LinearLROptions, LambdaLROptions, OneCycleLROptions, ReduceLROnPlateauOptions,
  SequentialLROptions,
} from './schedule/index.js';
export {
  saveCheckpoint, loadCheckpoint, checkModelState, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, restoreCheckpoint,
  crc32,
} from './checkpoint/index.js';
export type { Checkpoint, RestoreTargets } from './checkpoint/index.js';
export {
  fit, NonFiniteLossError, makeDirectory, evaluate, countCorrect, crossEntropyLoss, Progress, curvesSvg, linePanel, svgDocument, niceTicks,
} from './loop/index.js';
export type {
  FitOptions, FitResult, FitOptimizer, FitCallbacks, EpochContext, EarlyStoppingOptions, EvalResult,
  EvaluateOptions, LossFn, ProgressMode, BatchStats, EpochResult, ChartSeries, PanelSpec, Ticks,
} from './loop/index.js';
export { createModel, MODEL_NAMES, Fire, summarize } from './models/index.js';
export type { ModelName, CreateModelOptions, LayerSummary } from './models/index.js';
export {
  loadSafetensors, saveSafetensors, save, load, isCheckpoint, decodeSafetensors, readSafetensorsLayout, encodeSafetensors, DTYPE_SIZE,
} from './safetensors/index.js';
export type { DecodedSafetensors, SafetensorsEntry, Dtype } from './safetensors/index.js';
