import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates `dir` and any missing parents, one level at a time, and throws the first failure as
 * `mkdirSync` does (an `Error` with `code`: ENOENT, ENOTDIR, EACCES, ...).
 *
 * NOTE: not `mkdirSync(dir, { recursive: true })`: under /proc that loops forever (mkdir of
 * /proc/x fails with ENOENT although /proc exists, so Node keeps creating the parent and retrying).
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let p = resolve(dir); !exists(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break; // a root that does not exist (a missing drive)
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (e) {
      // another process may have made it meanwhile
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(p).isDirectory()) throw e;
    }
  }
  if (!statSync(dir).isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', path: dir });
  }
}
