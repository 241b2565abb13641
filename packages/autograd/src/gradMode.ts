import { stepBoundary, tapeRecording } from '@tapegrad/tensor';

let enabled = true;
/** Whether an op was recorded on the tape since the last step boundary (a backward pass may still need its saved tensors). */
let recorded = false;

/** Notes that an op was recorded (its saved tensors may be needed by a later backward). */
export function noteRecorded(): void {
  recorded = true;
}

/**
 * A step boundary (end of `backward()`, of an optimiser step, or of an outermost `noGrad` with
 * nothing recorded since the last boundary): a resident backend frees what its rule says.
 */
export function endStep(): void {
  recorded = false;
  stepBoundary();
}

/** True while operations are being recorded. */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Whether the resident backends are told to hold less: inside a `noGrad` entered with nothing on the
 * tape (an inference pass, whose arrays die once the next kernels read them). A backward pass runs
 * inside noGrad too, but the forward's arrays it reads are still on the tape: no.
 */
let lean = false;

function setLean(on: boolean): void {
  if (on === lean) return;
  lean = on;
  tapeRecording(!on);
}

/** Runs `fn` without recording: results do not require grad. */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled, prevLean = lean;
  enabled = false;
  if (prev) setLean(!recorded);
  try {
    return fn();
  } finally {
    enabled = prev;
    setLean(prevLean);
    // the end of an inference step (nothing on the tape for a backward to need)
    if (prev && !recorded) stepBoundary();
  }
}

/** Runs `fn` with recording on (inside a `noGrad`, for example). */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled, prevLean = lean;
  enabled = true;
  setLean(false);
  try {
    return fn();
  } finally {
    enabled = prev;
    setLean(prevLean);
  }
}
