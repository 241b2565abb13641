// Where a tensor's values are. Every tensor keeps a host Float32Array; a backend whose memory is
// elsewhere (the WebGPU bridge in resident mode) may hold the current values of some of those
// arrays between its kernels. Such an array is "resident": its host copy is stale until a read
// brings the values back. State is kept per ArrayBuffer, so subarrays share their array's state.
//
// Three ways in, one rule each:
// - `hostArray` (the host is about to read or write the array: `Tensor.data`, `values()`,
//   `toArray()`, `item()`): a resident array is brought back and stays on the host from then on.
// - `liveArray` (a kernel argument, passed where it lies): only checks that it was not released.
// - `stepBoundary` (end of `backward()`, of `optimizer.step()`, of an outermost `noGrad` with
//   nothing recorded): the owner brings back what its rule says (docs/architecture.md), so its
//   memory holds only the last few steps' arrays.
// An array whose values were lost (the GPU worker stopped or failed) is marked released: any use
// throws a one-line message instead of reading stale values.

import { pooledWhy, recycle } from './recycle.js';

/** A backend that holds the values of some host arrays. */
export interface ResidencyOwner {
  /** The backend object it installed with setBackend. */
  readonly backend: object;
  /** Copies the values held for `buffer` into its host array and stops holding them. */
  toHost(buffer: ArrayBufferLike): void;
  /** toHost without blocking this thread while the values travel. */
  toHostAsync(buffer: ArrayBufferLike): Promise<void>;
  /** Brings every array it holds back to the host (another backend becomes active). */
  toHostAll(): void;
  /** A training or inference step ended. */
  stepBoundary(): void;
  /**
   * Frees the values held for `buffer` without bringing them back (nothing can read them): true when
   * its host buffer may then serve other tensors (the caller gives it to the pool, or marks it
   * released), false when the owner marked it released itself (any later use throws `why`).
   */
  discard(buffer: ArrayBufferLike, why: string): boolean;
  /**
   * True when bringing values back waits on another device (the GPU: a read over the bus, answered
   * asynchronously), so `fit` reads each batch's loss a few steps behind; false when it is a copy
   * within this process (WebAssembly memory).
   */
  readonly slowReads: boolean;
  /**
   * Whether a backward may still read the arrays made now: false inside a `noGrad` entered with
   * nothing on the tape (an inference pass: an array made now is usually dead once the next kernels
   * read it, and an owner may hold fewer); true elsewhere, a backward pass (which runs inside noGrad)
   * included.
   */
  recording?(on: boolean): void;
}

const owners = new WeakMap<ArrayBufferLike, ResidencyOwner>();
const released = new WeakMap<ArrayBufferLike, string>();
/** Arrays whose buffers went to the pool (recycle.ts): the buffer serves other tensors now, these stay dead. */
const retired = new WeakMap<Float32Array, string>();
const fresh = new WeakSet<ArrayBufferLike>();
const registered = new Set<ResidencyOwner>();
/** False until an owner registers: the common case pays one branch per access. */
let active = false;
/** False until a buffer is released (by an owner, or recycled after backward). */
let checking = false;

/** Registers a resident backend (until `unregisterOwner`). */
export function registerOwner(owner: ResidencyOwner): void {
  registered.add(owner);
  active = true;
}

export function unregisterOwner(owner: ResidencyOwner): void {
  owner.toHostAll();
  registered.delete(owner);
}

/** `owner` now holds the current values of `buffer` (its host copy is stale). */
export function markResident(buffer: ArrayBufferLike, owner: ResidencyOwner): void {
  owners.set(buffer, owner);
  fresh.delete(buffer);
}

/** The host copy of `buffer` is current again (its owner brought it back or dropped it). */
export function markHost(buffer: ArrayBufferLike): void {
  owners.delete(buffer);
}

/** `buffer`'s values are gone; any later use throws `message`. */
export function markReleased(buffer: ArrayBufferLike, message: string): void {
  owners.delete(buffer);
  released.set(buffer, message);
  checking = true;
}

/** The owner holding `buffer`'s values, if any. */
export function ownerOf(buffer: ArrayBufferLike): ResidencyOwner | undefined {
  return active ? owners.get(buffer) : undefined;
}

/**
 * A buffer just allocated by a resident backend's `empty`, untouched by the host: its contents are
 * unspecified, so an owner need not send them anywhere. Any host access through `hostArray` ends it.
 */
export function markFresh(buffer: ArrayBufferLike): void {
  fresh.add(buffer);
}

export function isFresh(buffer: ArrayBufferLike): boolean {
  return fresh.has(buffer);
}

function throwIfReleased(a: Float32Array): void {
  if (!checking) return;
  const why = released.get(a.buffer) ?? retired.get(a) ?? pooledWhy(a.buffer);
  if (why !== undefined) throw new Error(why);
}

/** `a`, current on the host (brought back from its owner if resident), for the host to read or write. */
export function hostArray(a: Float32Array): Float32Array {
  throwIfReleased(a);
  if (!active) return a;
  const owner = owners.get(a.buffer);
  fresh.delete(a.buffer);
  if (owner !== undefined) {
    owners.delete(a.buffer);
    owner.toHost(a.buffer);
  }
  return a;
}

/**
 * Every array among a kernel's arguments current on the host (for a kernel that reads or writes
 * them there: the CPU kernels under a resident backend): Float32Arrays, StridedArrays' `data`,
 * EpilogueOutputs' `out`.
 */
export function hostArgs(args: readonly unknown[]): void {
  if (!active && !checking) return;
  for (const v of args) {
    if (v instanceof Float32Array) hostArray(v);
    else if (typeof v === 'object' && v !== null) {
      const o = v as { data?: unknown; out?: unknown };
      if (o.data instanceof Float32Array) hostArray(o.data);
      else if (o.out instanceof Float32Array) hostArray(o.out);
    }
  }
}

/** hostArray without blocking this thread while a resident backend's values travel back. */
export async function hostArrayAsync(a: Float32Array): Promise<Float32Array> {
  throwIfReleased(a);
  if (!active) return a;
  const owner = owners.get(a.buffer);
  if (owner !== undefined) await owner.toHostAsync(a.buffer);
  return hostArray(a);
}

/** `a` where it lies, for a kernel argument: throws if its values were released. */
export function liveArray(a: Float32Array): Float32Array {
  throwIfReleased(a);
  return a;
}

/** Every owner except `next` brings its arrays back to the host (called when the active backend changes). */
export function backendChanging(next: object): void {
  if (!active) return;
  for (const o of registered) if (o.backend !== next) o.toHostAll();
}

/** Whether a resident backend with slow reads (`ResidencyOwner.slowReads`: the GPU) has registered. */
export function residencyActive(): boolean {
  if (!active) return false;
  for (const o of registered) if (o.slowReads) return true;
  return false;
}

/**
 * `a`'s values are dead (an engine-internal gradient after backward): its owner frees them unread,
 * and its host buffer goes to the host backends' pool (recycle.ts) where it can. Once either
 * happened, a later use of `a` throws `why` (a second discard of `a` does nothing).
 */
export function discardArray(a: Float32Array, why: string): void {
  if (retired.has(a) || released.has(a.buffer)) return;
  const owner = active ? owners.get(a.buffer) : undefined;
  if (owner !== undefined && !owner.discard(a.buffer, why)) return;
  if (recycle(a, why)) {
    retired.set(a, why);
    checking = true;
  } else if (owner !== undefined) markReleased(a.buffer, why);
}

/**
 * Whether a backward may still read the arrays the kernels make now: false inside a `noGrad` entered
 * with nothing on the tape (an inference pass), true again when it ends; each owner is told.
 */
export function tapeRecording(on: boolean): void {
  if (!active) return;
  for (const o of registered) o.recording?.(on);
}

/** A step ended: each owner applies its rule (docs/architecture.md). */
export function stepBoundary(): void {
  if (!active) return;
  for (const o of registered) o.stepBoundary();
}
