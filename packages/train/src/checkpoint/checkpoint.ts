import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { Tensor, fail, formatShape, shapesEqual, type GeneratorState } from '@tapegrad/tensor';
import type { OptimizerStateDict, StateDict, StateValue } from '../optim/Optimizer.js';
import { atomicWrite } from '../data/atomicWrite.js';
import { crc32 } from './crc32.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, encodeHeader, hex8, isPlainObject as isObject, readHeader } from './header.js';

export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION };

/** Everything needed to continue a run (docs/checkpoints.md describes the file). */
export interface Checkpoint {
  /** The model's state dict (parameters and buffers by PyTorch key). */
  model: Record<string, Tensor>;
  optimizer?: OptimizerStateDict;
  scheduler?: StateDict;
  /** Epochs completed. */
  epoch: number;
  /** Named generator states (`global`, `loader`, ...). */
  rng?: Record<string, GeneratorState>;
  /** Anything else: model name, run settings, metrics so far. JSON data with Tensors allowed. */
  meta?: { [key: string]: StateValue };
}

const REF = '$tensor';
const NUM = '$number';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return isObject(v) && !(v instanceof Tensor);
}

/** Replaces Tensors by `{ $tensor: name }`, collecting them under prefix-based names. */
function extract(v: unknown, name: string, out: [string, Tensor][]): unknown {
  if (v instanceof Tensor) {
    out.push([name, v]);
    return { [REF]: name };
  }
  if (Array.isArray(v)) return v.map((x, i) => extract(x, `${name}/${i}`, out));
  if (isPlainObject(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = extract(x, `${name}/${k}`, out);
    return o;
  }
  // JSON has no NaN or infinity (a diverged epoch's loss): tag them so they come back as numbers
  if (typeof v === 'number' && !Number.isFinite(v)) return { [NUM]: String(v) };
  return v;
}

function resolve(v: unknown, tensors: Map<string, Tensor>, path: string): unknown {
  if (Array.isArray(v)) return v.map((x) => resolve(x, tensors, path));
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === NUM) return Number(v[NUM]);
    if (keys.length === 1 && keys[0] === REF) {
      const t = tensors.get(String(v[REF]));
      if (!t) fail('loadCheckpoint', `file ${path} is corrupt: its state refers to tensor ${String(v[REF])}, which the file does not hold`);
      return t;
    }
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = resolve(x, tensors, path);
    return o;
  }
  return v;
}

function tensorBytes(t: Tensor): Uint8Array {
  const v = t.values();
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * Writes `ckpt` to `path` atomically (a temporary file in the same directory, fsync, rename): a
 * crash leaves the previous file intact. The file is a safetensors file whose model tensors keep
 * their state-dict keys, so `safetensors.torch.load_file` reads the weights directly.
 */
export function saveCheckpoint(path: string, ckpt: Checkpoint): void {
  if (endianness() !== 'LE') fail('saveCheckpoint', 'this platform is big-endian; expected a little-endian platform (the file stores little-endian float32)');
  if (!Number.isInteger(ckpt.epoch) || ckpt.epoch < 0) fail('saveCheckpoint', `epoch ${String(ckpt.epoch)} must be a non-negative integer`);
  const tensors: [string, Tensor][] = [];
  for (const [k, t] of Object.entries(ckpt.model)) {
    if (!(t instanceof Tensor)) fail('saveCheckpoint', `model entry ${k} is not a Tensor`);
    if (k.startsWith('@')) fail('saveCheckpoint', `model key ${k} starts with '@', which the format reserves; expected state-dict keys`);
    tensors.push([k, t]);
  }
  const rest = extract({ optimizer: ckpt.optimizer ?? null, scheduler: ckpt.scheduler ?? null, rng: ckpt.rng ?? null, meta: ckpt.meta ?? {} }, '@', tensors);
  const state = { epoch: ckpt.epoch, modelKeys: Object.keys(ckpt.model), ...(rest as Record<string, unknown>) };
  const entries: [string, unknown][] = [];
  let offset = 0;
  let crc = 0;
  const chunks: Uint8Array[] = [];
  for (const [name, t] of tensors) {
    const bytes = tensorBytes(t);
    entries.push([name, { dtype: 'F32', shape: t.shape.slice(), data_offsets: [offset, offset + bytes.length] }]);
    offset += bytes.length;
    crc = crc32(bytes, crc);
    chunks.push(bytes);
  }
  const metadata = { format: CHECKPOINT_FORMAT, version: String(CHECKPOINT_VERSION), payload_crc32: hex8(crc), state: JSON.stringify(state) };
  const head = encodeHeader(metadata, entries);
  try {
    atomicWrite(path, [head, ...chunks]);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    fail('saveCheckpoint', `cannot write ${path} (${err.code ?? err.message}); expected a writable directory (nothing was written)`);
  }
}

interface Entry { dtype: string; shape: number[]; data_offsets: [number, number] }

function parseEntry(name: string, v: unknown, path: string): Entry {
  const e = v as Partial<Entry>;
  const ok = isPlainObject(v) && e.dtype === 'F32' && Array.isArray(e.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0) &&
    Array.isArray(e.data_offsets) && e.data_offsets.length === 2 && e.data_offsets.every((d) => Number.isInteger(d) && d >= 0);
  if (!ok) fail('loadCheckpoint', `file ${path} is corrupt: tensor entry ${name} ${JSON.stringify(v)} is malformed; expected { dtype: 'F32', shape, data_offsets }`);
  return e as Entry;
}

/**
 * Reads and checks a checkpoint written by `saveCheckpoint`: size, the header's checksum, the
 * tensor layout, the tensors' checksum, the state. Throws a clear error naming the file for a
 * truncated or corrupt one and returns nothing from it. Version-1 files (no header checksum) load.
 */
export function loadCheckpoint(path: string): Checkpoint {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return fail('loadCheckpoint', `file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); expected a checkpoint written by tapegrad train`);
  }
  const { header, meta, start } = readHeader(bytes, path);
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__').map(([k, v]) => [k, parseEntry(k, v, path)] as const);
  const payload = entries.reduce((m, [, e]) => Math.max(m, e.data_offsets[1]), 0);
  if (bytes.length - start !== payload) {
    const problem = bytes.length - start < payload ? 'is truncated' : 'has trailing bytes';
    fail('loadCheckpoint', `file ${path} ${problem}: ${bytes.length} bytes; expected ${start + payload} (header ${start} + tensors ${payload})`);
  }
  const stored = String(meta['payload_crc32']);
  let crc = 0;
  const tensors = new Map<string, Tensor>();
  const ordered = entries.slice().sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  let expectOffset = 0;
  for (const [name, e] of ordered) {
    const [a, b] = e.data_offsets;
    const n = e.shape.reduce((p, d) => p * d, 1);
    if (a !== expectOffset || b - a !== 4 * n) fail('loadCheckpoint', `file ${path} is corrupt: tensor ${name} spans bytes [${a}, ${b}) for shape ${formatShape(e.shape)}; expected [${expectOffset}, ${expectOffset + 4 * n})`);
    expectOffset = b;
    const src = bytes.subarray(start + a, start + b);
    crc = crc32(src, crc);
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(src);
    tensors.set(name, new Tensor(data, e.shape));
  }
  const got = hex8(crc);
  if (got !== stored) fail('loadCheckpoint', `file ${path} is corrupt: the tensors' checksum ${got} does not match the header's ${stored}`);
  let state: unknown;
  try {
    state = JSON.parse(String(meta['state']));
  } catch {
    return fail('loadCheckpoint', `file ${path} is corrupt: its state is not valid JSON`);
  }
  if (!isPlainObject(state)) return fail('loadCheckpoint', `file ${path} is corrupt: its state is not a JSON object`);
  const keys = state['modelKeys'];
  const epoch = state['epoch'];
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string') || typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) {
    fail('loadCheckpoint', `file ${path} is corrupt: its state has epoch ${JSON.stringify(epoch) ?? 'none'} and modelKeys ${Array.isArray(keys) ? `of ${keys.length} entries` : 'none'}; expected a non-negative integer epoch and a list of key names`);
  }
  const model: Record<string, Tensor> = {};
  for (const k of keys as string[]) {
    const t = tensors.get(k);
    if (!t) fail('loadCheckpoint', `file ${path} is corrupt: model key ${k} has no tensor`);
    model[k] = t;
  }
  const r = resolve({ optimizer: state['optimizer'], scheduler: state['scheduler'], rng: state['rng'], meta: state['meta'] }, tensors, path) as Record<string, unknown>;
  const out: Checkpoint = { model, epoch, meta: (r['meta'] ?? {}) as Checkpoint['meta'] & object };
  if (r['optimizer']) out.optimizer = r['optimizer'] as OptimizerStateDict;
  if (r['scheduler']) out.scheduler = r['scheduler'] as StateDict;
  if (r['rng']) out.rng = r['rng'] as Record<string, GeneratorState>;
  return out;
}

/**
 * Compares a checkpoint's model state with a model's, key by key in order, and throws naming the
 * first key that differs (missing, unexpected or of another shape).
 */
export function checkModelState(expected: Record<string, Tensor>, got: Record<string, Tensor>, source: string): void {
  const want = Object.entries(expected), have = Object.keys(got);
  for (let i = 0; i < Math.max(want.length, have.length); i++) {
    const w = want[i], h = have[i];
    if (w && h !== w[0]) {
      const where = h === undefined ? 'has no more keys' : `has key ${h}`;
      fail('loadCheckpoint', `${source} does not fit the model: at position ${i} the model has key ${w[0]} but the checkpoint ${where}; expected a checkpoint of the same architecture`);
    }
    if (!w) fail('loadCheckpoint', `${source} does not fit the model: it has an extra key ${h} (position ${i}); expected a checkpoint of the same architecture`);
    const t = got[h!]!;
    if (!shapesEqual(t.shape, w[1].shape)) {
      fail('loadCheckpoint', `${source} does not fit the model: key ${w[0]} has shape ${formatShape(t.shape)} but the model expects ${formatShape(w[1].shape)}; expected a checkpoint of the same architecture`);
    }
  }
}
