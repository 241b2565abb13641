// Model weights as bytes, for the page's download and file input: a plain safetensors file of the
// state dict (what `save(model.stateDict(), path)` writes), and reading either that or a checkpoint
// of `tapegrad train` (docs/checkpoints.md: the model's tensors under their state-dict keys, the rest
// under names starting with '@'), its checksums checked.
import { CHECKPOINT_FORMAT, crc32, decodeSafetensors, safetensorsBytes, type Tensor } from 'tapegrad';

export interface LoadedWeights {
  state: Record<string, Tensor>;
  kind: 'checkpoint' | 'safetensors';
  /** The model a checkpoint names in its metadata, when it does. */
  modelName: string | null;
  /** Epochs a checkpoint had completed, when it says. */
  epoch: number | null;
}

/** A plain safetensors file of `state`, the bytes `save(state, path)` writes. */
export function weightsToBytes(state: Record<string, Tensor>): Uint8Array<ArrayBuffer> {
  return safetensorsBytes(state);
}

const HEAD = '{"__metadata__":{"header_crc32":"';
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** docs/checkpoints.md's two checksums (the header's, version 2 only, and the data's); throws on a mismatch. */
function checkCheckpoint(bytes: Uint8Array, meta: Record<string, string>, dataStart: number, source: string): void {
  const at = 8 + HEAD.length;
  if (meta['version'] === '2') {
    const crc = crc32(bytes.subarray(at + 8, dataStart), crc32(ascii('00000000'), crc32(bytes.subarray(0, at))));
    if (hex8(crc) !== meta['header_crc32']) throw new Error(`${source} is corrupt: its header's checksum is ${hex8(crc)} but its header_crc32 is ${meta['header_crc32'] ?? 'missing'}`);
  }
  const payload = meta['payload_crc32'];
  if (payload !== undefined && hex8(crc32(bytes.subarray(dataStart))) !== payload) throw new Error(`${source} is corrupt: its tensor data does not match its payload_crc32`);
}

function parseState(text: string | undefined): { modelKeys: string[] | null; modelName: string | null; epoch: number | null } {
  let s: unknown = null;
  try {
    s = text === undefined ? null : JSON.parse(text);
  } catch {
    s = null;
  }
  const o = typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {};
  const meta = typeof o['meta'] === 'object' && o['meta'] !== null ? (o['meta'] as Record<string, unknown>) : {};
  const name = meta['modelName'] ?? meta['model'];
  const keys = o['modelKeys'];
  return {
    modelKeys: Array.isArray(keys) && keys.every((k) => typeof k === 'string') ? (keys as string[]) : null,
    modelName: typeof name === 'string' ? name : null,
    epoch: typeof o['epoch'] === 'number' ? o['epoch'] : null,
  };
}

/** The model weights in a safetensors file or a tapegrad checkpoint; `name` names the file in errors. */
export function weightsFromBytes(bytes: Uint8Array, name: string): LoadedWeights {
  const source = `file ${name}`;
  const d = decodeSafetensors(bytes, source, 'load');
  if (d.metadata?.['format'] !== CHECKPOINT_FORMAT) return { state: d.tensors, kind: 'safetensors', modelName: null, epoch: null };
  checkCheckpoint(bytes, d.metadata, d.dataStart, source);
  const info = parseState(d.metadata['state']);
  const keys = info.modelKeys ?? Object.keys(d.tensors).filter((k) => !k.startsWith('@'));
  const state: Record<string, Tensor> = {};
  for (const k of keys) {
    const t = d.tensors[k];
    if (t === undefined) throw new Error(`${source} is corrupt: its state lists the model tensor ${k}, which the file does not hold`);
    state[k] = t;
  }
  return { state, kind: 'checkpoint', modelName: info.modelName, epoch: info.epoch };
}
