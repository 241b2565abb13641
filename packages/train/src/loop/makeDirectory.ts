import { requireNode } from '../platform/index.js';

/**
 * Creates `dir` and any missing parents, one level at a time, and throws the first failure as
 * `mkdirSync` does (an `Error` with `code`: ENOENT, ENOTDIR, EACCES, ...). Needs Node.
 *
 * NOTE: not `mkdirSync(dir, { recursive: true })`: under /proc that loops forever (mkdir of
 * /proc/x fails with ENOENT although /proc exists, so Node keeps creating the parent and retrying).
 */
export function makeDirectory(dir: string): void {
  const { fs, path } = requireNode('makeDirectory', 'creating directories', 'keep the data in memory (there is no file system)');
  const exists = (p: string): boolean => {
    try {
      fs.statSync(p);
      return true;
    } catch {
      return false;
    }
  };
  const missing: string[] = [];
  for (let p = path.resolve(dir); !exists(p); p = path.dirname(p)) {
    missing.push(p);
    if (path.dirname(p) === p) break; // a root that does not exist (a missing drive)
  }
  for (const p of missing.reverse()) {
    try {
      fs.mkdirSync(p);
    } catch (e) {
      // another process may have made it meanwhile
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(p).isDirectory()) throw e;
    }
  }
  if (!fs.statSync(dir).isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', path: dir });
  }
}
