// Host buffers handed out again. When backward() ends, the gradients it computed and kept nowhere
// (not a .grad) are dead; residency.ts's discardArray gives their buffers here, and the host
// backends' alloc / empty take them for the next step's tensors of the same size, instead of fresh
// memory (a fresh buffer costs a page fault per 4 KiB on its first write: more than the write).
//
// A recycled buffer is detached from its old arrays first (ArrayBuffer transfer moves the memory
// to a new ArrayBuffer without copying), so code that kept an old view sees an empty array, never
// the next tensor's values; and residency.ts marks the old buffer released, so a tensor over it
// throws a one-line message when used.
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

type Transferable = ArrayBuffer & { transfer?: () => ArrayBuffer };

/** The memory of `buffer` in a new ArrayBuffer (`buffer` detached), or null where it cannot move. */
function detach(buffer: ArrayBuffer): ArrayBuffer | null {
  try {
    const b = buffer as Transferable;
    // ES2024's transfer(); structuredClone's transfer list on older runtimes (Node 20); both move the memory
    return typeof b.transfer === 'function' ? b.transfer() : structuredClone(buffer, { transfer: [buffer] });
  } catch {
    return null; // not transferable (a Node Buffer pool's, a WebAssembly memory's)
  }
}

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
 * Takes `a`'s buffer for reuse when `a` spans all of it (a plain ArrayBuffer, not shared): true if
 * taken (`a` is then detached, length 0).
 */
export function recycle(a: Float32Array): boolean {
  if (!enabled) return false;
  const buffer = a.buffer;
  if (!(buffer instanceof ArrayBuffer) || a.byteOffset !== 0 || a.byteLength !== buffer.byteLength || a.byteLength === 0) return false;
  if (held + a.byteLength > MAX_BYTES) return false;
  const moved = detach(buffer);
  if (moved === null) return false;
  let list = free.get(moved.byteLength);
  if (list === undefined) free.set(moved.byteLength, (list = []));
  list.push({ buffer: moved, pass });
  held += moved.byteLength;
  return true;
}

/** A recycled buffer of exactly `length` floats (contents unspecified), or null when none is free. */
export function takeRecycled(length: number): Float32Array | null {
  const list = free.get(length * 4);
  const e = list?.pop();
  if (e === undefined) return null;
  held -= e.buffer.byteLength;
  return new Float32Array(e.buffer);
}

/** Bytes the pool holds (for tests). */
export function recycledBytes(): number {
  return held;
}
