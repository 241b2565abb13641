// The synchronous bridge's wire: the training thread posts each kernel call to the GPU worker (its
// typed arrays by structured clone) and sleeps on `control` with Atomics.wait; the worker runs the
// kernel, writes the outputs one after the other into the shared `out` floats (or a message into
// the shared `text` bytes) and wakes it. Only shared memory and Atomics, so the same wire works
// between Node's worker_threads and between browser Workers (cross-origin-isolated pages).

/** control[STATE]: what the worker left for the training thread. */
export const STATE = 0;
export const PENDING = 0, DONE = 1, FAILED = 2;
/** control[TEXT_BYTES]: the length of the UTF-8 message in `text` (ready info or an error). */
export const TEXT_BYTES = 1;
export const CONTROL_INTS = 4;
export const TEXT_CAPACITY = 1 << 16;

/** The first message: the shared memory and which adapters to accept. */
export interface InitMessage {
  readonly kind: 'init';
  readonly control: Int32Array;
  readonly text: Uint8Array;
  readonly out: Float32Array;
  readonly adapter: 'any' | 'hardware' | 'software';
}

/** One kernel call; `out` replaces the output floats when the call needs more room. */
export interface CallMessage {
  readonly kind: 'call';
  readonly method: string;
  readonly args: readonly unknown[];
  readonly out?: Float32Array;
}

export type BridgeMessage = InitMessage | CallMessage;

/** What the worker reports once its device is up (JSON in `text`). */
export interface ReadyInfo {
  readonly adapter: string;
  readonly kernels: readonly string[];
}

/** Writes `s` as UTF-8 into `text` (cut to its capacity); returns the byte count. */
export function writeText(text: Uint8Array, s: string): number {
  const bytes = new TextEncoder().encode(s);
  const n = Math.min(bytes.length, text.length);
  text.set(bytes.subarray(0, n));
  return n;
}

/** Reads `n` UTF-8 bytes of `text` (copied first: TextDecoder refuses shared memory in browsers). */
export function readText(text: Uint8Array, n: number): string {
  return new TextDecoder().decode(text.slice(0, n));
}
