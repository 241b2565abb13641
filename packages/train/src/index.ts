// @tapegrad/train: data, loaders, optimisers, schedules, the training loop, checkpoints, models (the CLI is in the tapegrad package).
// Browser-safe: what reads or writes files by path, or draws the terminal bar, reaches Node's modules
// through `#platform` (src/platform) when called, and in a browser throws naming the bytes-based way.
export {
  TensorDataset, Subset, getSample, evenSubset, DataLoader, normalize, randomTranslate, padCrop, randomHorizontalFlip,
  randomCrop, parseAugment, formatAugment, augmentTransforms, AUGMENT_ITEMS, embeddedMnist, defaultCacheDir, MNIST_MEAN,
  MNIST_STD, loadIdx, decodeIdx, MnistIdx, mnistIdx, findIdxFile, IDX_DATASET_FILES, MNIST_CLASSES, FASHION_MNIST_CLASSES, IDX_DATASETS,
  IDX_DATASET_NAMES, FASHION_MNIST_MEAN, FASHION_MNIST_STD, locateIdxDataset, idxDatasetFolders, DatasetFilesMissingError,
  SYSTEM_DATASETS_DIR, idxDataset, fashionMnist, loadDataset, DATASET_NAMES, atomicWrite,
} from './data/index.js';
export type {
  Dataset, TensorDatasetOptions, Batch, DataLoaderOptions, Transform, RandomTranslateOptions, PadCropOptions,
  RandomHorizontalFlipOptions, RandomCropOptions, AugmentItem, AugmentOptions, EmbeddedMnistOptions, IdxArray, IdxType,
  MnistIdxOptions, IdxDatasetInfo, IdxDatasetName, LocateIdxDatasetOptions, SearchedFolder, IdxDatasetOptions, DatasetName,
  NamedDataset,
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
  saveCheckpoint, loadCheckpoint, encodeCheckpoint, decodeCheckpoint, checkModelState, CHECKPOINT_FORMAT, CHECKPOINT_VERSION,
  restoreCheckpoint, crc32,
} from './checkpoint/index.js';
export type { Checkpoint, RestoreTargets } from './checkpoint/index.js';
export {
  fit, NonFiniteLossError, makeDirectory, evaluate, countCorrect, crossEntropyLoss, Progress, messageSink, formatDuration,
  curvesSvg, linePanel, svgDocument, niceTicks,
} from './loop/index.js';
export type {
  FitOptions, FitResult, FitOptimizer, FitCallbacks, EpochContext, EarlyStoppingOptions, EvalResult,
  EvaluateOptions, LossFn, ProgressMode, ProgressSink, ProgressMessage, RunStart, EpochStart, BatchProgress, RunEnd,
  EpochResult, ChartSeries, PanelSpec, Ticks,
} from './loop/index.js';
export { createModel, MODEL_NAMES, Fire, summarize } from './models/index.js';
export type { ModelName, CreateModelOptions, LayerSummary } from './models/index.js';
export {
  loadSafetensors, saveSafetensors, save, load, isCheckpoint, decodeSafetensors, readSafetensorsLayout, encodeSafetensors, safetensorsBytes, DTYPE_SIZE,
} from './safetensors/index.js';
export type { DecodedSafetensors, SafetensorsEntry, Dtype } from './safetensors/index.js';
