// Checkpoints on disk (Node): the file functions over codec.ts.
import { fail } from '@tapegrad/tensor';
import { requireNode } from '../platform/index.js';
import { checkpointChunks, decodeCheckpoint } from './codec.js';
import type { Checkpoint } from './checkpoint.js';

/**
 * Writes `ckpt` to `path` atomically (a temporary file in the same directory, fsync, rename): a
 * crash leaves the previous file intact. The file is a safetensors file whose model tensors keep
 * their state-dict keys, so `safetensors.torch.load_file` reads the weights directly. Needs Node;
 * in a browser `encodeCheckpoint(ckpt)` gives the same bytes.
 */
export function saveCheckpoint(path: string, ckpt: Checkpoint): void {
  const host = requireNode('saveCheckpoint', 'writing files', 'use encodeCheckpoint(ckpt) and store the bytes yourself');
  const chunks = checkpointChunks(ckpt, 'saveCheckpoint');
  try {
    host.atomicWrite(path, chunks);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    fail('saveCheckpoint', `cannot write ${path} (${err.code ?? err.message}); expected a writable directory (nothing was written)`);
  }
}

/**
 * Reads and checks a checkpoint written by `saveCheckpoint` (a path, or the file's bytes): size,
 * the header's checksum, the tensor layout, the tensors' checksum, the state. Throws a clear error
 * naming the file for a truncated or corrupt one and returns nothing from it. Version-1 files (no
 * header checksum) load. Reading a path needs Node; in a browser pass the bytes.
 */
export function loadCheckpoint(pathOrBytes: string | Uint8Array): Checkpoint {
  if (pathOrBytes instanceof Uint8Array) return decodeCheckpoint(pathOrBytes, undefined, 'loadCheckpoint');
  if (typeof pathOrBytes !== 'string') fail('loadCheckpoint', `${String(pathOrBytes)} is not a path or bytes; expected a file path (Node) or a Uint8Array`);
  const path = pathOrBytes;
  const { fs } = requireNode('loadCheckpoint', 'reading files', 'use decodeCheckpoint(bytes)');
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    return fail('loadCheckpoint', `file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); expected a checkpoint written by tapegrad train`);
  }
  return decodeCheckpoint(bytes, `file ${path}`, 'loadCheckpoint');
}
