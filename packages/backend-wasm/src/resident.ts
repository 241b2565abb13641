// The arrays the wasm backend keeps in its WebAssembly memory between kernel calls ("resident",
// packages/tensor/src/backend/residency.ts), so one kernel's output is the next one's input in
// place: no copy out of the memory after the first kernel, none into it before the second.
//
// The lifetime (docs/architecture.md, "The decision, per backend"):
// - a kernel output whose array the backend allocated unfilled (`empty`: the storage of a new
//   tensor) is written into a block of its own, kept for that host array (a whole-buffer block,
//   keyed by the ArrayBuffer, so views share it); any other output array is written on the host;
// - the host reads or writes through `Tensor.data` and the like (hostArray), and the CPU kernels
//   get their arrays through hostArgs: either way the values come back first, once, and stay there;
// - at every step boundary (end of backward(), of optimizer.step(), of an outermost noGrad with
//   nothing recorded) every kept array is due back to the host: the next step's forward convolutions
//   copy them back on this thread while the workers convolve (`drain`), and whatever is still due at
//   the boundary after is copied back there: the memory holds one step's arrays and the last few of
//   the step before;
// - the intermediate gradients of a backward pass, and the activations a container passed between
//   layers that keep nothing (packages/nn/src/fusion.ts), are freed unread (`discard`): the
//   gradients when backward ends, the activations once their producer's backward has run (or at
//   once in a noGrad pass); their host buffers are recycled for the next step's tensors;
// - a loop with no boundary (a forward pass after another with the tape on, never a backward)
//   holds at most `maxBytes` not due back, and an inference pass (noGrad with nothing on the tape)
//   32 MiB: past it the arrays used longest ago become due back (the next convolutions copy them),
//   and past twice the limit due arrays come back at once.
import { isFresh, markHost, markResident, type ResidencyOwner } from '@tapegrad/tensor';
import type { KeptArrays, WasmMemory } from './memory.js';

/** Bytes held at most in an inference pass (see `recording`). */
const INFERENCE_BYTES = 32 * 2 ** 20;
/** Bytes `drain` copies back between two looks at whether the workers still have work. */
const DRAIN_CHUNK = 2 ** 20;

interface Entry {
  readonly ptr: number;
  readonly bytes: number;
  /**
   * Held strongly, for one step at most: a WeakRef made during a synchronous loop would keep its
   * target alive until the loop ends (WeakRef targets survive the job that made them).
   */
  readonly buffer: ArrayBufferLike;
  /** The number of the kernel call that last used it. */
  lastCall: number;
  /** Whether it is due back to the host (on the `due` list). */
  due: boolean;
  /** Bytes `drain` has copied back so far, all while `lastCall` was `since`. */
  copied: number;
  since: number;
}

/** What the backend holds, for tests and `residentStats()`. */
export interface ResidentStats {
  /** Arrays whose values are in WebAssembly memory. */
  readonly arrays: number;
  /** Their bytes. */
  readonly bytes: number;
  /** The bytes of those due back to the host (kept at the last step boundary, or past the limit). */
  readonly dueBytes: number;
}

export class WasmResidency implements ResidencyOwner, KeptArrays {
  /** The backend object installed with setBackend (set once it exists). */
  backend: object = {};
  /** A read is a copy within this process. */
  readonly slowReads = false;
  private readonly byBuffer = new WeakMap<ArrayBufferLike, Entry>();
  private readonly entries = new Set<Entry>();
  /** Entries due back to the host (kept at the last step boundary, or past the limit), oldest first. */
  private due: Entry[] = [];
  /** Their bytes (those still kept). */
  private dueBytes = 0;
  /** Whether an array was first kept since the last step boundary. */
  private keptSince = false;
  private bytes = 0;
  /** The bytes held at most now: `maxBytes`, less in an inference pass. */
  private limit: number;
  /** Buffers this backend's `alloc` made (zero-filled: a scattering kernel's output). */
  readonly allocated = new WeakSet<ArrayBufferLike>();

  /**
   * @param maxBytes most bytes held while the tape records
   * @param poison fill a new block with NaN (the conformance mode: an element a kernel leaves unwritten shows)
   */
  constructor(private readonly mem: WasmMemory, private readonly maxBytes: number, private readonly poison: boolean) {
    this.limit = maxBytes;
  }

  /**
   * In an inference pass (noGrad with nothing on the tape) nothing is saved for a backward: its
   * arrays are mostly dead once the next kernels have read them, so the last INFERENCE_BYTES of them
   * are enough to chain the kernels. A backward pass keeps the whole limit: it reads the forward's.
   */
  recording(on: boolean): void {
    this.limit = on ? this.maxBytes : Math.min(this.maxBytes, INFERENCE_BYTES);
  }

  addressOf(a: Float32Array): number {
    const e = this.byBuffer.get(a.buffer);
    if (e === undefined) return -1;
    e.lastCall = this.mem.call;
    return e.ptr + a.byteOffset;
  }

  output(a: Float32Array, whole = false): number {
    const at = this.addressOf(a);
    if (at >= 0) return at;
    const buffer = a.buffer;
    // only arrays this backend allocated (a tensor's storage) start to be kept: unfilled ones
    // (`empty`), and zero-filled ones (`alloc`) that the call overwrites `whole`
    if (!isFresh(buffer) && !(whole && this.allocated.has(buffer) && a.byteOffset === 0 && a.byteLength === buffer.byteLength)) return -1;
    const bytes = buffer.byteLength;
    if (this.bytes + bytes > this.limit) this.shrink(bytes);
    const ptr = this.mem.heap.alloc(bytes);
    const heap = this.mem.f32;
    if (this.poison) heap.fill(NaN, ptr >> 2, (ptr + bytes) >> 2);
    const e: Entry = { ptr, bytes, buffer, lastCall: this.mem.call, due: false, copied: 0, since: 0 };
    this.byBuffer.set(buffer, e);
    this.entries.add(e);
    this.bytes += bytes;
    this.keptSince = true;
    markResident(buffer, this);
    return ptr + a.byteOffset;
  }

  toHost(buffer: ArrayBufferLike): void {
    const e = this.byBuffer.get(buffer);
    if (e === undefined) return;
    this.copyOut(e, 0, e.bytes);
    this.settle(e);
  }

  toHostAsync(buffer: ArrayBufferLike): Promise<void> {
    this.toHost(buffer);
    return Promise.resolve();
  }

  toHostAll(): void {
    for (const e of [...this.entries]) this.toHost(e.buffer);
    this.due = [];
  }

  /**
   * Every kept array is due back: those still due from the boundary before come back now (so the
   * memory holds one step's arrays and what the next step has not copied yet), the others are left
   * for `drain` to copy while the next step's workers compute. A boundary with nothing kept since
   * the one before (an optimiser step after backward) changes nothing.
   */
  stepBoundary(): void {
    if (!this.keptSince) return;
    this.keptSince = false;
    for (const e of this.due) this.toHost(e.buffer);
    this.due = [];
    for (const e of this.entries) this.makeDue(e);
  }

  private makeDue(e: Entry): void {
    e.due = true;
    e.copied = 0;
    e.since = e.lastCall;
    this.due.push(e);
    this.dueBytes += e.bytes;
  }

  /** Whether arrays are due back to the host (`drain` has work). */
  draining(): boolean {
    return this.due.length > 0;
  }

  /**
   * Copies arrays due back to the host, a chunk at a time, while `more()` says the workers are still
   * busy (called on this thread during a kernel call: from its `meanwhile`). An array the current
   * call uses is left for later; one used again since its copy began starts over (a kernel may have
   * written it); one brought back or freed meanwhile is dropped from the list.
   */
  drain(more: () => boolean): void {
    const call = this.mem.call;
    let i = 0;
    while (i < this.due.length && more()) {
      const e = this.due[i]!;
      if (!this.entries.has(e)) { this.due.splice(i, 1); continue; }
      if (e.lastCall === call) { i++; continue; }
      if (e.lastCall !== e.since) { e.copied = 0; e.since = e.lastCall; }
      const end = Math.min(e.bytes, e.copied + DRAIN_CHUNK);
      this.copyOut(e, e.copied, end);
      e.copied = end;
      if (end < e.bytes) continue;
      this.due.splice(i, 1);
      this.settle(e);
    }
  }

  /** The host buffer never held these values: it can serve the next tensors of its size. */
  discard(buffer: ArrayBufferLike): boolean {
    const e = this.byBuffer.get(buffer);
    if (e !== undefined) this.settle(e);
    return true;
  }

  stats(): ResidentStats {
    return { arrays: this.entries.size, bytes: this.bytes, dueBytes: this.dueBytes };
  }

  /**
   * Past the limit: the arrays used longest ago (none the current call uses) become due back (the
   * next convolutions copy them while their workers compute) until `need` more bytes fit in three
   * quarters of the limit beside those not due; past twice the limit, due arrays come back now,
   * oldest first, until `need` fits there.
   */
  private shrink(need: number): void {
    const byAge = [...this.entries].filter((e) => !e.due && e.lastCall < this.mem.call).sort((a, b) => a.lastCall - b.lastCall);
    for (const e of byAge) {
      if (this.bytes - this.dueBytes + need <= 0.75 * this.limit) break;
      this.makeDue(e);
    }
    for (const e of [...this.due]) {
      if (this.bytes + need <= 2 * this.limit) break;
      if (e.lastCall < this.mem.call) this.toHost(e.buffer);
    }
  }

  /** Copies bytes [start, end) of `e` to its host array. */
  private copyOut(e: Entry, start: number, end: number): void {
    new Float32Array(e.buffer, start, (end - start) >> 2).set(this.mem.f32.subarray((e.ptr + start) >> 2, (e.ptr + end) >> 2));
  }

  /** `e`'s host array is current again (its values came back, or nothing will read them): it is kept no more. */
  private settle(e: Entry): void {
    this.byBuffer.delete(e.buffer);
    markHost(e.buffer);
    this.forget(e);
  }

  /** Drops `e`; its block is freed at the next call's start (this call may still read it). */
  private forget(e: Entry): void {
    if (!this.entries.delete(e)) return;
    this.bytes -= e.bytes;
    if (e.due) this.dueBytes -= e.bytes;
    this.mem.freeLater(e.ptr);
  }
}
