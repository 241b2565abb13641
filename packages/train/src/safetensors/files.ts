// safetensors files on disk (Node): read any file PyTorch's safetensors package writes, write plain
// ones, and the one-line save/load of a state dict.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail, type Tensor } from '@tapegrad/tensor';
import { atomicWrite } from '../data/atomicWrite.js';
import { makeDirectory } from '../loop/makeDirectory.js';
import { CHECKPOINT_FORMAT } from '../checkpoint/header.js';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import { decodeSafetensors, encodeSafetensors, readSafetensorsLayout } from './codec.js';

function readBytes(fn: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    return fail(fn, `file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); expected a safetensors file`);
  }
}

/**
 * The tensors of a safetensors file (a path, or the file's bytes), by name, as float32: F32, F16,
 * BF16 and F64 convert, integer tensors (`num_batches_tracked`) become float32 integers. No tapegrad
 * metadata is needed: this reads what PyTorch's `safetensors.torch.save_file` writes.
 */
export function loadSafetensors(pathOrBytes: string | Uint8Array): Record<string, Tensor> {
  const [bytes, source] = typeof pathOrBytes === 'string'
    ? [readBytes('loadSafetensors', pathOrBytes), `file ${pathOrBytes}`]
    : [pathOrBytes, `the ${pathOrBytes.length} bytes given`];
  return decodeSafetensors(bytes, source).tensors;
}

/** Writes `state` as a plain safetensors file (float32), atomically; the directory is created. */
export function saveSafetensors(path: string, state: Record<string, Tensor>, metadata?: Record<string, string>): void {
  write('saveSafetensors', path, encodeSafetensors(state, metadata, 'saveSafetensors'));
}

function write(fn: string, path: string, chunks: Uint8Array[]): void {
  try {
    makeDirectory(dirname(path));
    atomicWrite(path, chunks);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    fail(fn, `cannot write ${path} (${err.code ?? err.message}); expected a writable path (nothing was written)`);
  }
}

/**
 * `torch.save(model.state_dict(), path)` in one line: a plain safetensors file, written atomically
 * (a crash leaves any earlier file whole), the directory created. PyTorch reads it with
 * `safetensors.torch.load_file(path)`.
 */
export function save(state: Record<string, Tensor>, path: string): void {
  write('save', path, encodeSafetensors(state, undefined, 'save'));
}

/**
 * `torch.load(path)` of a state dict: the tensors of a safetensors file, or the model state of a
 * tapegrad checkpoint (`tapegrad train`'s checkpoint.safetensors, checked as `loadCheckpoint` does).
 */
export function load(path: string): Record<string, Tensor> {
  if (isCheckpoint(path)) return loadCheckpoint(path).model;
  return decodeSafetensors(readBytes('load', path), `file ${path}`, 'load').tensors;
}

/** Whether `path` is a tapegrad checkpoint (its header's metadata says so; the tensors are not read). */
export function isCheckpoint(path: string): boolean {
  return readSafetensorsLayout(readBytes('load', path), `file ${path}`, 'load').metadata?.['format'] === CHECKPOINT_FORMAT;
}
