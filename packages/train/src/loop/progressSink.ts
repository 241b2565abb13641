import type { EpochResult } from './curves.js';

/** What a `fit` call is about to train. */
export interface RunStart {
  /** Planned epochs (the length of the run and its schedule). */
  epochs: number;
  /** The first epoch this call trains (after a resumed checkpoint's, else 1). */
  firstEpoch: number;
  /** The last epoch this call trains (`stopAfter` may end it before `epochs`). */
  lastEpoch: number;
  /** Training batches per epoch. */
  batches: number;
}

/** An epoch about to start. */
export interface EpochStart {
  epoch: number;
  epochs: number;
  batches: number;
}

/** Where an epoch's training pass stands after a batch. */
export interface BatchProgress {
  epoch: number;
  epochs: number;
  /** Batches done in this epoch (1-based) and per epoch. */
  batch: number;
  batches: number;
  /** This batch's loss. */
  loss: number;
  /** Mean loss and accuracy over the epoch's samples so far. */
  meanLoss: number;
  accuracy: number;
  imagesPerSecond: number;
  /** Estimated seconds left in this epoch's training pass (from its pace so far). */
  epochEta: number;
  /** Estimated seconds left in this `fit` call, up to its last epoch (validation included, from the epochs so far). */
  runEta: number;
}

/** How a `fit` call ended. */
export interface RunEnd {
  history: readonly EpochResult[];
  stoppedEarly: boolean;
  /** The error that ended the run (a NonFiniteLossError, say); absent when it finished. */
  error?: unknown;
}

/**
 * Where `fit` reports progress and metrics. Every method is optional. The terminal display
 * (`Progress`: a live bar or one line per epoch) is one sink; `messageSink(post)` hands plain
 * objects to `postMessage` for a page to draw; a test or a notebook can collect them.
 */
export interface ProgressSink {
  runStart?(info: RunStart): void;
  epochStart?(info: EpochStart): void;
  batchEnd?(info: BatchProgress): void;
  /** After an epoch and its validation: the result and fit's one-line summary of it. */
  epochEnd?(result: EpochResult, summary: string): void;
  /** A line worth showing (early stopping). */
  message?(line: string): void;
  /** The run ended, normally or by an error (then `fit` rethrows it): release what the sink holds. */
  runEnd?(info: RunEnd): void;
}
