// Waiting for the GPU worker's answers: the training thread sleeps on the shared state word
// (Atomics.wait, or Atomics.waitAsync where it must not block) until the worker has answered what
// was posted last, then takes the answer and sets the word back to PENDING.
import { DONE, PENDING, STATE, TEXT_BYTES, readText, type BridgeMessage } from './protocol.js';

/** A started GPU worker, as the platform made it. */
export interface GpuWorker {
  post(message: BridgeMessage): void;
  terminate(): void;
  /** Where the platform has one (Node), runs `f` when the process exits; returns how to undo that. */
  atExit?(f: () => void): () => void;
}

/** A GPU worker started and sent its shared memory, not yet answered. */
export interface Started {
  readonly control: Int32Array;
  readonly text: Uint8Array;
  out: Float32Array;
  readonly worker: GpuWorker;
  readonly timeoutMs: number;
  closed: boolean;
  /** Undoes the exit hook (install). */
  untie: () => void;
}

/** Ends the worker at once (it failed, or did not answer in time; close() ends it in order, shutDown). */
export function close(st: Started): void {
  if (st.closed) return;
  st.closed = true;
  st.untie();
  st.worker.terminate();
}

/** The worker's answer once control says it is there: its text on success; throws its error. */
export function take(st: Started): string {
  const state = Atomics.load(st.control, STATE);
  const message = readText(st.text, Atomics.load(st.control, TEXT_BYTES));
  Atomics.store(st.control, STATE, PENDING);
  if (state !== DONE) throw new Error(message);
  return message;
}

function timedOut(st: Started, what: string): Error {
  close(st);
  return new Error(`webgpu backend: ${what} took more than ${st.timeoutMs / 1000} s; the GPU worker was stopped`);
}

// The worker stores its answer, then notifies. Between the two this thread may see the store, take
// the answer and post the next message: the late notify then wakes the wait for that next answer
// while the state is still PENDING. So a wake-up only means "look again": the state decides.

/** Waits (blocking this thread) for the answer to what was just posted. */
export function answer(st: Started, what: string): string {
  const end = performance.now() + st.timeoutMs;
  while (Atomics.load(st.control, STATE) === PENDING) {
    const left = end - performance.now();
    if (left <= 0) throw timedOut(st, what);
    Atomics.wait(st.control, STATE, PENDING, left);
  }
  return take(st);
}

/**
 * Waits without blocking until the worker answers (the GPU worker may need this thread's event
 * loop, as in Chromium), or until `wanted()` says the answer is no longer this waiter's to take (a
 * blocking wait took it meanwhile).
 */
export async function waitAnswerAsync(st: Started, what: string, wanted: () => boolean = () => true): Promise<void> {
  // Atomics.waitAsync (ES2024; Node >= 16, Chromium >= 87), typed here for the ES2022 library
  const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: 'ok' | 'not-equal' | 'timed-out' | Promise<'ok' | 'timed-out'> } }).waitAsync;
  const end = performance.now() + st.timeoutMs;
  while (Atomics.load(st.control, STATE) === PENDING && wanted()) {
    const left = end - performance.now();
    if (left <= 0) throw timedOut(st, what);
    const r = waitAsync(st.control, STATE, PENDING, left);
    if (r.async) await r.value;
  }
}

/** Waits without blocking, then takes the answer. */
export async function answerAsync(st: Started, what: string): Promise<string> {
  await waitAnswerAsync(st, what);
  return take(st);
}
