// Host buffers handed out again. When backward() ends, the gradients it computed and kept nowhere
// (not a .grad) are dead; residency.ts's discardArray gives their buffers here, and the host
// backends' alloc / empty take them for the next step's tensors of the same size, instead of fresh
// memory (a fresh buffer costs a page fault per 4 KiB on its first write: more than the write).
//
// A given-back buffer keeps its ArrayBuffer: moving its memory to a new one (ArrayBuffer transfer,
// structuredClone on Node 20) would make V8 count every recycled byte as a fresh external allocation,
// and collect its young generation every ~32 MB of them (nin-bn: ~6 collections a step, 17 % of its
// time). What detaching did, marks do instead: while a buffer waits here, any array over it reads as
// released (`pooledWhy`), and residency.ts marks the array that was given back retired for good, so
// code that kept it (a custom op's backward stashing its incoming gradient) gets a one-line error,
// never the next tensor's values. A buffer is taken back only from the array the pool last made
// over it (or, never pooled yet, from any array spanning it), once: a stale second give-back of a
// buffer another tensor now holds is refused.
//
// The pool holds what the last two backward passes gave back: buffers not taken again by the end of
// the pass after next are dropped (for the garbage collector), so it never grows past two steps'
// worth. (A backward gives back its gradients and the activations freed after it; the next forward
// takes the activations' worth, and the gradients' worth waits for the next backward.)

/** Bytes the pool may hold at most. */
const MAX_BYTES = 1 << 30;

/** TAPEGRAD_RECYCLE=0 (where there is a process environment) turns recycling off, for comparison. */
const enabled = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['TAPEGRAD_RECYCLE'] !== '0';

/** Free buffers by byte length, with the pass that gave them. */
const free = new Map<number, { buffer: ArrayBuffer; pass: number }[]>();
let held = 0;
let pass = 0;

/** Buffers waiting in the pool (or dropped from it, never taken again), with why their old arrays are dead. */
const pooled = new WeakMap<ArrayBuffer, string>();
/** The array the pool last made over a buffer it handed out: only it may give the buffer back. */
const handedTo = new WeakMap<ArrayBuffer, Float32Array>();

const GIVEN_BACK = 'this array\'s memory was given back for reuse by the next tensors of its size';

/** Starts a pass of giving back: the buffers of the pass before the last, not taken again since, are dropped. */
export function recyclePass(): void {
  pass++;
  for (const [bytes, list] of free) {
    const keep = list.filter((e) => e.pass >= pass - 1);
    held -= (list.length - keep.length) * bytes;
    if (keep.length === 0) free.delete(bytes);
    else free.set(bytes, keep);
  }
}

/**
 * Takes `a`'s buffer for reuse when `a` spans all of it (a plain ArrayBuffer, not shared) and may give
 * it back (see above): true if taken. `why` is what a later use of an array over it says while it waits.
 */
export function recycle(a: Float32Array, why: string = GIVEN_BACK): boolean {
  if (!enabled) return false;
  const buffer = a.buffer;
  if (!(buffer instanceof ArrayBuffer) || a.byteOffset !== 0 || a.byteLength !== buffer.byteLength || a.byteLength === 0) return false;
  if (held + a.byteLength > MAX_BYTES || pooled.has(buffer)) return false;
  const last = handedTo.get(buffer);
  if (last !== undefined && last !== a) return false;
  let list = free.get(buffer.byteLength);
  if (list === undefined) free.set(buffer.byteLength, (list = []));
  list.push({ buffer, pass });
  pooled.set(buffer, why);
  held += buffer.byteLength;
  return true;
}

/** Why an array over `buffer` is dead, while the buffer is in the pool or was dropped from it; else undefined. */
export function pooledWhy(buffer: ArrayBufferLike): string | undefined {
  return buffer instanceof ArrayBuffer ? pooled.get(buffer) : undefined;
}

/** A recycled buffer of exactly `length` floats (contents unspecified), or null when none is free. */
export function takeRecycled(length: number): Float32Array | null {
  const list = free.get(length * 4);
  const e = list?.pop();
  if (e === undefined) return null;
  held -= e.buffer.byteLength;
  pooled.delete(e.buffer);
  const a = new Float32Array(e.buffer);
  handedTo.set(e.buffer, a);
  return a;
}

/** Bytes the pool holds (for tests). */
export function recycledBytes(): number {
  return held;
}
