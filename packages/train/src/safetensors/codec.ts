// The safetensors format, as bytes (no file system): 8 bytes of header length N (u64 LE), N bytes of
// JSON header ({ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { str: str } },
// possibly space-padded), then the tensor data. Used by loadSafetensors / saveSafetensors and by
// checkpoints, which add their own checks on top.
import { Tensor, fail } from '@tapegrad/tensor';
import { DTYPE_SIZE, isDtype, toFloat32, type Dtype } from './dtypes.js';

export interface SafetensorsEntry { name: string; dtype: Dtype; shape: number[]; begin: number; end: number }

export interface DecodedSafetensors {
  /** Tensors as float32, in the header's order. */
  tensors: Record<string, Tensor>;
  /** `__metadata__`, or null when the file has none. */
  metadata: Record<string, string> | null;
  entries: SafetensorsEntry[];
  /** Where the data starts: 8 + N. */
  dataStart: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a safetensors file's bytes. Every dtype PyTorch writes becomes float32 (integers as
 * float32 integers); entries may come in any order but must tile the data exactly (no overlap, no
 * hole, nothing after), as the format requires. `fn` and `source` name the caller and the file in
 * errors (`source` defaults to "the N bytes given").
 */
export function decodeSafetensors(bytes: Uint8Array, source?: string, fn = 'decodeSafetensors'): DecodedSafetensors {
  const layout = readSafetensorsLayout(bytes, source, fn);
  const tensors: Record<string, Tensor> = {};
  for (const e of layout.entries) {
    const numel = e.shape.reduce((p, d) => p * d, 1);
    const data = new Float32Array(numel);
    toFloat32(e.dtype, bytes, layout.dataStart + e.begin, numel, data);
    tensors[e.name] = new Tensor(data, e.shape);
  }
  return { tensors, ...layout };
}

/** What a safetensors file's header says (checked as decodeSafetensors does), without reading the tensors. */
export function readSafetensorsLayout(bytes: Uint8Array, source?: string, fn = 'readSafetensorsLayout'): Omit<DecodedSafetensors, 'tensors'> {
  if (!(bytes instanceof Uint8Array)) fail(fn, `bytes ${String(bytes)} is not a Uint8Array; expected a safetensors file's bytes (new Uint8Array(await file.arrayBuffer()))`);
  const src = source ?? `the ${bytes.length} bytes given`;
  const bad = (what: string): never => fail(fn, `${src} ${what}`);
  if (bytes.length < 8) bad(`is truncated: ${bytes.length} bytes; expected at least the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) bad(`is truncated or not a safetensors file: header length ${n} exceeds the ${bytes.length - 8} bytes that follow`);
  const dataStart = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch {
    return bad('is corrupt: its header is not valid UTF-8 JSON; expected a safetensors header');
  }
  if (!isPlainObject(header)) return bad('is corrupt: its header is not a JSON object; expected a safetensors header');
  let metadata: Record<string, string> | null = null;
  const entries: SafetensorsEntry[] = [];
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(v) || !Object.values(v).every((x) => typeof x === 'string')) bad('is corrupt: its __metadata__ is not an object of strings');
      metadata = v as Record<string, string>;
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!isPlainObject(v)) bad(`is corrupt: tensor ${name} is ${JSON.stringify(v)}; expected { dtype, shape, data_offsets }`);
    if (!isDtype(e.dtype)) bad(`has tensor ${name} of dtype ${JSON.stringify(e.dtype)}; expected one of ${Object.keys(DTYPE_SIZE).join(', ')}`);
    const shape = e.shape, off = e.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) bad(`is corrupt: tensor ${name} has shape ${JSON.stringify(shape)}; expected a list of non-negative integers`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0) || off[0] > off[1]) {
      bad(`is corrupt: tensor ${name} has data_offsets ${JSON.stringify(off)}; expected [begin, end] with 0 <= begin <= end`);
    }
    const numel = (shape as number[]).reduce((p, d) => p * d, 1);
    const [begin, end] = off as [number, number];
    const want = numel * DTYPE_SIZE[e.dtype as Dtype];
    if (end - begin !== want) bad(`is corrupt: tensor ${name} (${String(e.dtype)}, shape [${(shape as number[]).join(', ')}]) spans ${end - begin} bytes; expected ${want}`);
    entries.push({ name, dtype: e.dtype as Dtype, shape: shape as number[], begin, end });
  }
  // The entries must tile [0, data length) exactly.
  const sorted = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin !== at) {
      bad(e.begin < at ? `is corrupt: tensor ${e.name} at bytes [${e.begin}, ${e.end}) overlaps the tensor before it (which ends at ${at})`
        : `is corrupt: tensor ${e.name} starts at byte ${e.begin} of the data, leaving a hole after byte ${at}; expected the tensors to tile the data`);
    }
    at = e.end;
  }
  const dataLength = bytes.length - dataStart;
  if (at !== dataLength) {
    bad(`${at > dataLength ? 'is truncated' : 'has trailing bytes'}: ${bytes.length} bytes; expected ${dataStart + at} (header ${dataStart} + tensors ${at})`);
  }
  return { metadata, entries, dataStart };
}

/** The data chunks of `tensors` (float32, little-endian, in order) and their header entries. */
export function layoutTensors(tensors: readonly (readonly [string, Tensor])[]): { entries: [string, unknown][]; chunks: Uint8Array[] } {
  const entries: [string, unknown][] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const v = t.values();
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    entries.push([name, { dtype: 'F32', shape: t.shape.slice(), data_offsets: [offset, offset + bytes.length] }]);
    offset += bytes.length;
    chunks.push(bytes);
  }
  return { entries, chunks };
}

/**
 * A plain safetensors file of `state` (float32 tensors in key order, `metadata` as `__metadata__`),
 * as the chunks to write one after the other. The header is written by hand so that
 * `__metadata__` comes first whatever the keys (JSON.stringify puts integer-like keys first).
 */
/** `chunks` joined into one array (what a file of them holds). */
export function joinChunks(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The bytes of a safetensors file of `state` (with `metadata`) in one array: what `saveSafetensors`
 * writes, for a browser to download or store.
 */
export function safetensorsBytes(state: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array<ArrayBuffer> {
  return joinChunks(encodeSafetensors(state, metadata, 'safetensorsBytes'));
}

export function encodeSafetensors(state: Record<string, Tensor>, metadata?: Record<string, string>, fn = 'saveSafetensors'): Uint8Array[] {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) fail(fn, 'this platform is big-endian; expected a little-endian platform (the format stores little-endian float32)');
  const list: [string, Tensor][] = [];
  for (const [k, t] of Object.entries(state)) {
    if (!(t instanceof Tensor)) fail(fn, `state entry ${k} is not a Tensor; expected a state dict of Tensors`);
    if (k === '__metadata__') fail(fn, `state key ${k} is reserved by the format; expected tensor names`);
    list.push([k, t]);
  }
  const { entries, chunks } = layoutTensors(list);
  const parts = entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  if (metadata !== undefined) parts.unshift(`"__metadata__":${JSON.stringify(metadata)}`);
  let header = `{${parts.join(',')}}`;
  const enc = new TextEncoder();
  header += ' '.repeat((8 - (enc.encode(header).length % 8)) % 8);
  const h = enc.encode(header);
  const head = new Uint8Array(8 + h.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(h.length), true);
  head.set(h, 8);
  return [head, ...chunks];
}
