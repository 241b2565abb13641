import { openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync, readdirSync, statSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The temporary files atomicWrite makes: `.<name>.tmp-<pid>-<8 hex digits>`. */
const TEMPORARY = /^\..+\.tmp-(\d+)-[0-9a-f]{8}$/;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // it exists, as another user's process
  }
}

/**
 * Removes the temporary files of atomic writes into `dir` whose writer is gone (a run killed in the
 * middle of a save leaves one, as large as the checkpoint): the process that made it no longer
 * exists, or it has this process's id but is older than this process (an earlier process that got
 * the same id, as in a container). A write under way in a live process is never touched. Returns
 * the names removed; a file that cannot be removed is left alone.
 */
export function removeStaleTemporaries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const started = Date.now() - 1000 * process.uptime();
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (!m) continue;
    const pid = Number(m[1]), path = join(dir, name);
    try {
      const stale = pid === process.pid ? statSync(path).mtimeMs < started : !isRunning(pid);
      if (!stale) continue;
      unlinkSync(path);
      removed.push(name);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

/**
 * Writes `chunks` to `path` atomically: into a temporary file in the same directory, fsync'd,
 * then renamed over `path` (and the directory fsync'd where the platform allows). A crash at any
 * point leaves either the old file or the new one, never a mix; the temporary file is removed on
 * error. A killed process may leave one behind, named `.<name>.tmp-<pid>-<hex>`, which is never
 * read; the next write into the directory removes it (`removeStaleTemporaries`).
 */
export function atomicWrite(path: string, chunks: Iterable<Uint8Array>): void {
  const dir = dirname(path);
  removeStaleTemporaries(dir);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fd = openSync(tmp, 'wx', 0o644);
  let ok = false;
  try {
    for (const chunk of chunks) {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
    ok = true;
  } finally {
    if (!ok) {
      try { closeSync(fd); } catch { /* already closed */ }
      try { unlinkSync(tmp); } catch { /* never created or already gone */ }
    }
  }
  try {
    const dfd = openSync(dir, 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch {
    // some platforms (Windows) cannot fsync a directory; the rename itself is still atomic
  }
}
