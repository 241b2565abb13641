import { requireNode } from '../platform/index.js';

/**
 * Writes `chunks` to `path` so that the file is either its old content or all of the new one, never
 * a part: written to a temporary file in the same folder, flushed to disk, then renamed over `path`
 * (platform/atomicWrite.ts). Node only; in a browser one line says to keep the bytes instead.
 */
export function atomicWrite(path: string, chunks: Iterable<Uint8Array>): void {
  requireNode('atomicWrite', 'writing files', 'keep the bytes (or hand them to a download) instead').atomicWrite(path, chunks);
}
