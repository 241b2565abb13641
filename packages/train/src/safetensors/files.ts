// safetensors files: read any file PyTorch's safetensors package writes (from a path on Node, or
// from the file's bytes anywhere), write plain ones (Node), and the one-line save/load of a state dict.
import { fail, type Tensor } from '@tapegrad/tensor';
import { requireNode } from '../platform/index.js';
import { makeDirectory } from '../loop/makeDirectory.js';
import { CHECKPOINT_FORMAT } from '../checkpoint/header.js';
import { decodeCheckpoint } from '../checkpoint/codec.js';
import { decodeSafetensors, encodeSafetensors, readSafetensorsLayout } from './codec.js';

/** What a browser passes instead of a path. */
const BYTES_INSTEAD = "pass the file's bytes (a Uint8Array) instead";

/** The bytes of `pathOrBytes` and how errors name them; a path is read with Node's fs. */
function readBytes(fn: string, pathOrBytes: string | Uint8Array): [Uint8Array, string] {
  if (pathOrBytes instanceof Uint8Array) return [pathOrBytes, `the ${pathOrBytes.length} bytes given`];
  if (typeof pathOrBytes !== 'string') fail(fn, `${String(pathOrBytes)} is not a path or bytes; expected a file path (Node) or a Uint8Array`);
  const { fs } = requireNode(fn, 'reading files', BYTES_INSTEAD);
  try {
    return [fs.readFileSync(pathOrBytes), `file ${pathOrBytes}`];
  } catch (e) {
    return fail(fn, `file ${pathOrBytes} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); expected a safetensors file`);
  }
}

/**
 * The tensors of a safetensors file (a path on Node, or the file's bytes anywhere), by name, as
 * float32: F32, F16, BF16 and F64 convert, integer tensors (`num_batches_tracked`) become float32
 * integers. No tapegrad metadata is needed: this reads what PyTorch's `safetensors.torch.save_file` writes.
 */
export function loadSafetensors(pathOrBytes: string | Uint8Array): Record<string, Tensor> {
  const [bytes, source] = readBytes('loadSafetensors', pathOrBytes);
  return decodeSafetensors(bytes, source, 'loadSafetensors').tensors;
}

/**
 * Writes `state` as a plain safetensors file (float32), atomically; the directory is created.
 * Needs Node; in a browser `encodeSafetensors(state)` gives the file's bytes as chunks.
 */
export function saveSafetensors(path: string, state: Record<string, Tensor>, metadata?: Record<string, string>): void {
  write('saveSafetensors', path, () => encodeSafetensors(state, metadata, 'saveSafetensors'));
}

function write(fn: string, path: string, encode: () => Uint8Array[]): void {
  const host = requireNode(fn, 'writing files', 'use encodeSafetensors(state) and store the bytes yourself');
  const chunks = encode();
  try {
    makeDirectory(host.path.dirname(path));
    host.atomicWrite(path, chunks);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    fail(fn, `cannot write ${path} (${err.code ?? err.message}); expected a writable path (nothing was written)`);
  }
}

/**
 * `torch.save(model.state_dict(), path)` in one line: a plain safetensors file, written atomically
 * (a crash leaves any earlier file whole), the directory created. PyTorch reads it with
 * `safetensors.torch.load_file(path)`. Needs Node.
 */
export function save(state: Record<string, Tensor>, path: string): void {
  write('save', path, () => encodeSafetensors(state, undefined, 'save'));
}

/**
 * `torch.load(path)` of a state dict: the tensors of a safetensors file, or the model state of a
 * tapegrad checkpoint (`tapegrad train`'s checkpoint.safetensors, checked as `loadCheckpoint`
 * does). A path needs Node; the file's bytes work anywhere.
 */
export function load(pathOrBytes: string | Uint8Array): Record<string, Tensor> {
  const [bytes, source] = readBytes('load', pathOrBytes);
  if (readSafetensorsLayout(bytes, source, 'load').metadata?.['format'] === CHECKPOINT_FORMAT) return decodeCheckpoint(bytes, source, 'loadCheckpoint').model;
  return decodeSafetensors(bytes, source, 'load').tensors;
}

/** Whether a file (a path on Node, or its bytes) is a tapegrad checkpoint (its header's metadata says so; the tensors are not read). */
export function isCheckpoint(pathOrBytes: string | Uint8Array): boolean {
  const [bytes, source] = readBytes('load', pathOrBytes);
  return readSafetensorsLayout(bytes, source, 'load').metadata?.['format'] === CHECKPOINT_FORMAT;
}
