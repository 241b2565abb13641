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

/**
 * One kernel call; `out` replaces the output floats when the call needs more room. `resident`: its
 * arrays may be ResidentRefs and its outputs stay on the GPU (no answer; a failure is reported at
 * the next read); otherwise the outputs come back in `out` and the worker answers.
 */
export interface CallMessage {
  readonly kind: 'call';
  readonly method: string;
  readonly args: readonly unknown[];
  readonly out?: Float32Array;
  readonly resident?: boolean;
}

/** Copies resident buffers `ids` (`lengths` floats each) one after the other into the output floats, then answers. */
export interface ReadMessage {
  readonly kind: 'read';
  readonly ids: readonly number[];
  readonly lengths: readonly number[];
  readonly out?: Float32Array;
}

/** Destroys resident buffers (no answer). */
export interface FreeMessage {
  readonly kind: 'free';
  readonly ids: readonly number[];
}

/** Answers with the worker's resident buffers as JSON: { buffers, bytes } (and any earlier failure). */
export interface StatsMessage {
  readonly kind: 'stats';
}

/**
 * The last message: the worker destroys its resident buffers and its device, answers, and stops
 * listening, so that no call into the WebGPU implementation is under way when the thread ends.
 */
export interface CloseMessage {
  readonly kind: 'close';
}

export type BridgeMessage = InitMessage | CallMessage | ReadMessage | FreeMessage | StatsMessage | CloseMessage;

/**
 * An array of a resident call: resident buffer `id` of `full` floats (made from `init`, or zeros,
 * when the worker does not hold it yet), of which the call uses `length` floats from `offset`.
 */
export interface ResidentRef {
  readonly $ref: number;
  readonly offset: number;
  readonly length: number;
  readonly full: number;
  readonly init?: Float32Array;
}

export function isResidentRef(v: unknown): v is ResidentRef {
  return typeof v === 'object' && v !== null && typeof (v as { $ref?: unknown }).$ref === 'number';
}

/** The worker's resident buffers. */
export interface ResidentStats {
  readonly buffers: number;
  readonly bytes: number;
}

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
