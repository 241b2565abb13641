// Checkpoints as bytes (no file system): what saveCheckpoint writes and loadCheckpoint reads, and
// what a browser stores or fetches itself.
import { Tensor, fail, type GeneratorState } from '@tapegrad/tensor';
import type { OptimizerStateDict, StateDict } from '../optim/Optimizer.js';
import { crc32 } from './crc32.js';
import { decodeSafetensors, joinChunks, layoutTensors } from '../safetensors/codec.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, encodeHeader, hex8, isPlainObject as isObject, readHeader } from './header.js';
import type { Checkpoint } from './checkpoint.js';

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

function resolve(v: unknown, tensors: Map<string, Tensor>, source: string, fn: string): unknown {
  if (Array.isArray(v)) return v.map((x) => resolve(x, tensors, source, fn));
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === NUM) return Number(v[NUM]);
    if (keys.length === 1 && keys[0] === REF) {
      const t = tensors.get(String(v[REF]));
      if (!t) fail(fn, `${source} is corrupt: its state refers to tensor ${String(v[REF])}, which the file does not hold`);
      return t;
    }
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = resolve(x, tensors, source, fn);
    return o;
  }
  return v;
}

/**
 * `ckpt` as the chunks of a checkpoint file, to be written one after the other: a safetensors file
 * whose model tensors keep their state-dict keys (so `safetensors.torch.load_file` reads the
 * weights directly) and whose metadata holds the rest of the state and two checksums.
 */
export function checkpointChunks(ckpt: Checkpoint, fn = 'encodeCheckpoint'): Uint8Array[] {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) fail(fn, 'this platform is big-endian; expected a little-endian platform (the file stores little-endian float32)');
  if (!isObject(ckpt) || !isObject(ckpt.model)) fail(fn, `checkpoint ${String(ckpt)} has no model state; expected { model: model.stateDict(), epoch, ... }`);
  if (!Number.isInteger(ckpt.epoch) || ckpt.epoch < 0) fail(fn, `epoch ${String(ckpt.epoch)} must be a non-negative integer`);
  const tensors: [string, Tensor][] = [];
  for (const [k, t] of Object.entries(ckpt.model)) {
    if (!(t instanceof Tensor)) fail(fn, `model entry ${k} is not a Tensor`);
    if (k.startsWith('@')) fail(fn, `model key ${k} starts with '@', which the format reserves; expected state-dict keys`);
    tensors.push([k, t]);
  }
  const rest = extract({ optimizer: ckpt.optimizer ?? null, scheduler: ckpt.scheduler ?? null, rng: ckpt.rng ?? null, meta: ckpt.meta ?? {} }, '@', tensors);
  const state = { epoch: ckpt.epoch, modelKeys: Object.keys(ckpt.model), ...(rest as Record<string, unknown>) };
  const { entries, chunks } = layoutTensors(tensors);
  let crc = 0;
  for (const c of chunks) crc = crc32(c, crc);
  const metadata = { format: CHECKPOINT_FORMAT, version: String(CHECKPOINT_VERSION), payload_crc32: hex8(crc), state: JSON.stringify(state) };
  return [encodeHeader(metadata, entries), ...chunks];
}

/**
 * `ckpt` as the bytes of a checkpoint file (what `saveCheckpoint` writes); in a browser, store
 * them yourself (IndexedDB, a download) and read them back with `decodeCheckpoint`.
 */
export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  return joinChunks(checkpointChunks(ckpt));
}

/**
 * Reads and checks the bytes of a checkpoint (what `encodeCheckpoint` or `saveCheckpoint` wrote):
 * size, the header's checksum, the tensor layout, the tensors' checksum, the state. Throws a clear
 * error naming `source` for a truncated or corrupt one and returns nothing from it. Version-1
 * files (no header checksum) load.
 */
export function decodeCheckpoint(bytes: Uint8Array, source?: string, fn = 'decodeCheckpoint'): Checkpoint {
  if (!(bytes instanceof Uint8Array)) fail(fn, `bytes ${String(bytes)} is not a Uint8Array; expected a checkpoint file's bytes (new Uint8Array(await file.arrayBuffer()))`);
  const src = source ?? `the ${bytes.length} bytes given`;
  const { meta, start } = readHeader(bytes, src, fn);
  // The tensors through the safetensors codec (layout, sizes, tiling); a checkpoint holds float32 only.
  const decoded = decodeSafetensors(bytes, src, fn);
  for (const e of decoded.entries) {
    if (e.dtype !== 'F32') fail(fn, `${src} is corrupt: tensor ${e.name} has dtype ${e.dtype}; expected F32 (a checkpoint stores float32 only)`);
  }
  // The entries tile the data exactly, so the tensors' checksum is that of the whole data part.
  const got = hex8(crc32(bytes.subarray(start)));
  const stored = String(meta['payload_crc32']);
  if (got !== stored) fail(fn, `${src} is corrupt: the tensors' checksum ${got} does not match the header's ${stored}`);
  const tensors = new Map(Object.entries(decoded.tensors));
  let state: unknown;
  try {
    state = JSON.parse(String(meta['state']));
  } catch {
    return fail(fn, `${src} is corrupt: its state is not valid JSON`);
  }
  if (!isPlainObject(state)) return fail(fn, `${src} is corrupt: its state is not a JSON object`);
  const keys = state['modelKeys'];
  const epoch = state['epoch'];
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string') || typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0) {
    fail(fn, `${src} is corrupt: its state has epoch ${JSON.stringify(epoch) ?? 'none'} and modelKeys ${Array.isArray(keys) ? `of ${keys.length} entries` : 'none'}; expected a non-negative integer epoch and a list of key names`);
  }
  const model: Record<string, Tensor> = {};
  for (const k of keys as string[]) {
    const t = tensors.get(k);
    if (!t) fail(fn, `${src} is corrupt: model key ${k} has no tensor`);
    model[k] = t;
  }
  const r = resolve({ optimizer: state['optimizer'], scheduler: state['scheduler'], rng: state['rng'], meta: state['meta'] }, tensors, src, fn) as Record<string, unknown>;
  const out: Checkpoint = { model, epoch, meta: (r['meta'] ?? {}) as Checkpoint['meta'] & object };
  if (r['optimizer']) out.optimizer = r['optimizer'] as OptimizerStateDict;
  if (r['scheduler']) out.scheduler = r['scheduler'] as StateDict;
  if (r['rng']) out.rng = r['rng'] as Record<string, GeneratorState>;
  return out;
}
