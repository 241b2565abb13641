// The messages between the page (main thread) and the training worker. Types only.

/** docs/recipe.md's run: nin-bn, SGD with Nesterov momentum, batch 64, warm-up + cosine, `epochs` epochs. */
export interface RunSettings {
  epochs: number;
  seed: number;
}

export type ToWorker =
  /** `subset`: test mode (`?subset=N`), train on the first N training images only; null: all of them. */
  | { type: 'init'; digitsUrl: string; threads: number | null; subset: number | null; backend: 'webgpu' | null }
  | { type: 'train'; settings: RunSettings }
  | { type: 'pause' }
  | { type: 'resume' }
  /** A 28 x 28 digit, values in [0, 1] (1 = ink), not yet normalised. */
  | { type: 'predict'; id: number; pixels: Float32Array }
  | { type: 'load'; name: string; bytes: ArrayBuffer }
  | { type: 'save' };

export interface BackendReport {
  name: string;
  threads: number;
  /** navigator.hardwareConcurrency. */
  cores: number;
  crossOriginIsolated: boolean;
  /** Why the backend runs on one thread, or null when it runs on more. */
  reason: string | null;
}

export interface StepReport {
  epoch: number;
  epochs: number;
  /** 1-based within the epoch. */
  step: number;
  stepsPerEpoch: number;
  /** 1-based over the run. */
  globalStep: number;
  totalSteps: number;
  /** This batch's loss and accuracy. */
  loss: number;
  accuracy: number;
  /** The learning rate this step used. */
  lr: number;
  /** Training images per second so far this epoch (time paused not counted). */
  imagesPerSecond: number;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** Seconds of training in the epoch (evaluation and pauses not counted). */
  seconds: number;
  imagesPerSecond: number;
}

export type WorkerState = 'loading' | 'idle' | 'training' | 'paused' | 'evaluating' | 'done';

/** The prediction for one digit and the class activation map of the predicted class. */
export interface Prediction {
  id: number;
  probs: Float32Array;
  predicted: number;
  /** size x size map of the predicted class (raw values, after the head's ReLU). */
  map: Float32Array;
  size: number;
  /** upSize x upSize, the map upsampled bilinearly to the input's size. */
  upsampled: Float32Array;
  upSize: number;
}

export type FromWorker =
  | { type: 'ready'; backend: BackendReport; trainSize: number; testSize: number; batchSize: number }
  | { type: 'state'; state: WorkerState; trained: boolean }
  | { type: 'step'; report: StepReport }
  | { type: 'epoch'; report: EpochReport }
  | { type: 'prediction'; prediction: Prediction }
  | { type: 'weights'; bytes: ArrayBuffer }
  | { type: 'loaded'; name: string; kind: 'checkpoint' | 'safetensors'; modelName: string | null; epoch: number | null; testAccuracy: number }
  | { type: 'error'; during: string; message: string };
