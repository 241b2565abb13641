// The training thread's side of the resident mode: which host arrays have their current values in
// GPU buffers the worker keeps, how a call's arrays travel (a ResidentRef for those, and for every
// output, which stays on the GPU), and the lifetime rule (docs/architecture.md): a buffer unused
// for KEEP_STEPS step boundaries is brought back to its host array (one read for all of them) and
// freed, so the GPU holds the last few steps' arrays however long a synchronous loop runs, and no
// tensor a program still holds ever loses its values.
import { isFresh, liveArray, markHost, markReleased, markResident, type ResidencyOwner } from '@tapegrad/tensor';
import { OUTPUTS, isEpilogueOutput, stridedArrayOf } from './calls.js';
import type { ResidentRef, ResidentStats } from './protocol.js';

/** Step boundaries a resident buffer survives unused (two training steps: backward and optimiser step each end one). */
export const KEEP_STEPS = 4;

interface Entry {
  readonly id: number;
  readonly full: number;
  readonly buffer: WeakRef<ArrayBufferLike>;
  /** The step in which a call last used it. */
  lastUsed: number;
  /** The number of the call that last used it. */
  lastCall: number;
  /** A deferred read of it is posted and not yet taken. */
  coming: boolean;
}

/** What the resident mode needs from the wire (install.ts). */
export interface ResidentWire {
  /** Posts a resident call (no answer). */
  call(method: string, args: unknown[]): void;
  /** Reads resident buffers (blocking), each into its host array. */
  read(ids: readonly number[], into: readonly Float32Array[]): void;
  /** read without blocking this thread. */
  readAsync(ids: readonly number[], into: readonly Float32Array[]): Promise<void>;
  /**
   * Posts a read without waiting: `take` gets the floats (one buffer after the other) once the
   * answer is taken, by the next blocking wait or when this thread yields.
   */
  readDeferred(ids: readonly number[], lengths: readonly number[], take: (out: Float32Array) => void): void;
  /** Takes a deferred read still pending (blocking), so every entry's state is settled. */
  flush(): void;
  /** Frees resident buffers (no answer). */
  free(ids: number[]): void;
}

export class ResidentArrays implements ResidencyOwner {
  readonly backend: object;
  readonly slowReads = true;
  private readonly wire: ResidentWire;
  private readonly byBuffer = new WeakMap<ArrayBufferLike, Entry>();
  private readonly entries = new Map<number, Entry>();
  private readonly collected: FinalizationRegistry<number>;
  /** Bytes of the GPU buffers held. */
  private bytes = 0;
  private readonly maxBytes: number;
  private nextId = 1;
  private step = 0;
  private callCount = 0;

  constructor(backend: object, wire: ResidentWire, maxBytes: number) {
    this.backend = backend;
    this.wire = wire;
    this.maxBytes = maxBytes;
    // an async loop lets the collector run: a host array it collects frees its GPU buffer at once
    this.collected = new FinalizationRegistry((id) => {
      if (this.drop(id)) this.wire.free([id]);
    });
  }

  /** Forgets entry `id` (no message to the worker); false if it was not held. */
  private drop(id: number): boolean {
    const e = this.entries.get(id);
    if (e === undefined) return false;
    this.entries.delete(id);
    this.bytes -= 4 * e.full;
    return true;
  }

  /** Posts `method` with its arrays as ResidentRefs (inputs already resident, and every output) or plain copies (host inputs). */
  call(method: string, args: unknown[]): void {
    const outs = OUTPUTS[method] ?? [];
    this.callCount++;
    const made: [ArrayBufferLike, Entry][] = [];
    const encoded = args.map((v, i) => this.encode(v, outs.includes(i), made));
    for (const [buffer] of made) markResident(buffer, this);
    this.wire.call(method, encoded);
    if (this.bytes > this.maxBytes) this.shrink();
  }

  /**
   * Over `maxBytes` (a long loop with no step boundary: inference inside one noGrad), the least
   * recently used arrays come back (one deferred read) until three quarters of it are held.
   */
  private shrink(): void {
    const target = 0.75 * this.maxBytes;
    const byAge = [...this.entries.values()].filter((e) => !e.coming).sort((a, b) => a.lastCall - b.lastCall);
    const out: Entry[] = [];
    let held = this.bytes;
    for (const e of byAge) {
      if (held <= target) break;
      // the arrays of the call just posted stay
      if (e.lastCall === this.callCount) continue;
      out.push(e);
      held -= 4 * e.full;
    }
    this.comeBack(out);
  }

  private encode(v: unknown, output: boolean, made: [ArrayBufferLike, Entry][]): unknown {
    if (v instanceof Float32Array) return this.array(v, output, made);
    if (isEpilogueOutput(v)) return { kind: v.kind, out: this.array(v.out, false, made) };
    const strided = stridedArrayOf(v);
    if (strided !== null) {
      const s = v as { strides: readonly number[]; offset: number };
      return { data: this.array(strided, output, made), strides: s.strides, offset: s.offset };
    }
    return v;
  }

  private array(a: Float32Array, output: boolean, made: [ArrayBufferLike, Entry][]): ResidentRef | Float32Array {
    liveArray(a);
    const buffer = a.buffer;
    const offset = a.byteOffset / 4;
    let e = this.byBuffer.get(buffer);
    if (e !== undefined) {
      e.lastUsed = this.step;
      e.lastCall = this.callCount;
      return { $ref: e.id, offset, length: a.length, full: e.full };
    }
    if (!output) return a; // a host input: copied for this call only
    // an output becomes resident; unless made by `empty`, the GPU starts from its host values
    const full = buffer.byteLength / 4;
    const fresh = isFresh(buffer);
    e = { id: this.nextId++, full, buffer: new WeakRef(buffer), lastUsed: this.step, lastCall: this.callCount, coming: false };
    this.byBuffer.set(buffer, e);
    this.entries.set(e.id, e);
    this.bytes += 4 * full;
    this.collected.register(buffer, e.id, buffer);
    made.push([buffer, e]);
    return fresh ? { $ref: e.id, offset, length: a.length, full } : { $ref: e.id, offset, length: a.length, full, init: new Float32Array(buffer) };
  }

  toHost(buffer: ArrayBufferLike): void {
    this.wire.flush();
    const e = this.byBuffer.get(buffer);
    if (e !== undefined) this.bringBack([e]);
  }

  async toHostAsync(buffer: ArrayBufferLike): Promise<void> {
    this.wire.flush();
    const e = this.byBuffer.get(buffer);
    if (e === undefined) return;
    const posted = this.callCount;
    await this.wire.readAsync([e.id], [new Float32Array(buffer, 0, e.full)]);
    // a call posted meanwhile may have updated it in place (an optimiser step): then it stays resident
    if (this.byBuffer.get(buffer) === e && e.lastCall <= posted) this.settle([e], [buffer]);
  }

  toHostAll(): void {
    this.wire.flush();
    this.bringBack([...this.entries.values()]);
  }

  /**
   * Arrays unused for KEEP_STEPS boundaries come back with one read posted now and taken later (at
   * the next blocking wait: the next boundary's, or a read of values), so a boundary never waits for
   * the GPU to finish the work just posted. Until taken they stay resident: a read of one meanwhile
   * reads it directly, and one used again by a kernel stays on the GPU.
   */
  stepBoundary(): void {
    this.step++;
    const expired: Entry[] = [];
    for (const e of this.entries.values()) if (e.lastUsed <= this.step - KEEP_STEPS && !e.coming) expired.push(e);
    this.comeBack(expired);
  }

  /** Brings `entries` back with one read posted now and taken later (see stepBoundary). */
  private comeBack(entries: Entry[]): void {
    if (entries.length === 0) return;
    const posted = this.callCount;
    for (const e of entries) e.coming = true;
    this.wire.readDeferred(entries.map((e) => e.id), entries.map((e) => e.full), (out) => {
      const done: Entry[] = [], buffers: ArrayBufferLike[] = [];
      let at = 0;
      for (const e of entries) {
        const start = at;
        at += e.full;
        e.coming = false;
        const buffer = e.buffer.deref();
        // gone (collected or brought back meanwhile), or used by a kernel since: not this read's to settle
        if (buffer === undefined || this.byBuffer.get(buffer) !== e || e.lastCall > posted) continue;
        new Float32Array(buffer, 0, e.full).set(out.subarray(start, at));
        done.push(e);
        buffers.push(buffer);
      }
      if (done.length > 0) this.settle(done, buffers);
    });
  }

  /** Reads `entries` into their host arrays (one read for all) and frees their GPU buffers. */
  private bringBack(entries: readonly Entry[]): void {
    const live: Entry[] = [], arrays: Float32Array[] = [];
    for (const e of entries) {
      const buffer = e.buffer.deref();
      if (buffer === undefined) { this.forget(e); continue; }
      live.push(e);
      arrays.push(new Float32Array(buffer, 0, e.full));
    }
    if (live.length === 0) return;
    try {
      this.wire.read(live.map((e) => e.id), arrays);
    } catch (err) {
      // the values are lost with the worker: every later use of these arrays says so
      const why = `webgpu backend: this tensor's values were on the GPU and are lost: ${(err as Error).message.split('\n')[0]}`;
      for (const [i, e] of live.entries()) this.release(arrays[i]!.buffer, e, why);
      throw err;
    }
    this.settle(live, arrays.map((a) => a.buffer));
  }

  /** `entries`, their values now in their host arrays: forgotten here and freed on the GPU. */
  private settle(entries: readonly Entry[], buffers: readonly ArrayBufferLike[]): void {
    for (const [i, e] of entries.entries()) {
      const buffer = buffers[i]!;
      this.byBuffer.delete(buffer);
      this.collected.unregister(buffer);
      markHost(buffer);
      this.drop(e.id);
    }
    this.wire.free(entries.map((e) => e.id));
  }

  /** The GPU copy is freed and the host array marked released (false: not for the host pool). */
  discard(buffer: ArrayBufferLike, why: string): boolean {
    const e = this.byBuffer.get(buffer);
    if (e === undefined) return true;
    this.release(buffer, e, why);
    this.wire.free([e.id]);
    return false;
  }

  /** Marks every array still held as lost (the worker stopped without bringing them back). */
  releaseAll(why: string): void {
    for (const e of [...this.entries.values()]) {
      const buffer = e.buffer.deref();
      if (buffer !== undefined) this.release(buffer, e, why);
      else this.drop(e.id);
    }
  }

  private release(buffer: ArrayBufferLike, e: Entry, why: string): void {
    this.byBuffer.delete(buffer);
    this.collected.unregister(buffer);
    this.drop(e.id);
    markReleased(buffer, why);
  }

  /** Resident arrays as the training thread counts them. */
  stats(): ResidentStats {
    let bytes = 0;
    for (const e of this.entries.values()) bytes += e.full * 4;
    return { buffers: this.entries.size, bytes };
  }

  private forget(e: Entry): void {
    if (this.drop(e.id)) this.wire.free([e.id]);
  }
}
