import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { Tensor, fail, formatShape, shapesEqual, type GeneratorState } from '@tapegrad/tensor';
import type { OptimizerStateDict, StateDict, StateValue } from '../optim/Optimizer.js';
import { atomicWrite } from '../data/atomicWrite.js';
import { crc32 } from './crc32.js';
import { decodeSafetensors, layoutTensors } from '../safetensors/codec.js';
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
  const { entries, chunks } = layoutTensors(tensors);
  let crc = 0;
  for (const c of chunks) crc = crc32(c, crc);
  const metadata = { format: CHECKPOINT_FORMAT, version: String(CHECKPOINT_VERSION), payload_crc32: hex8(crc), state: JSON.stringify(state) };
  const head = encodeHeader(metadata, entries);
  try {
    atomicWrite(path, [head, ...chunks]);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    fail('saveCheckpoint', `cannot write ${path} (${err.code ?? err.message}); expected a writable directory (nothing was written)`);
  }
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
  const { meta, start } = readHeader(bytes, path);
  // The tensors through the safetensors codec (layout, sizes, tiling); a checkpoint holds float32 only.
  const decoded = decodeSafetensors(bytes, `file ${path}`, 'loadCheckpoint');
  for (const e of decoded.entries) {
    if (e.dtype !== 'F32') fail('loadCheckpoint', `file ${path} is corrupt: tensor ${e.name} has dtype ${e.dtype}; expected F32 (a checkpoint stores float32 only)`);
  }
  // The entries tile the data exactly, so the tensors' checksum is that of the whole data part.
  const got = hex8(crc32(bytes.subarray(start)));
  const stored = String(meta['payload_crc32']);
  if (got !== stored) fail('loadCheckpoint', `file ${path} is corrupt: the tensors' checksum ${got} does not match the header's ${stored}`);
  const tensors = new Map(Object.entries(decoded.tensors));
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
