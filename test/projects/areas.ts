// Shared pieces of the test projects (one config file per area: vitest.<area>.config.ts here; the
// root vitest.config.ts picks up every one of them, so a new area is a new file).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: every project's globs are relative to it. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

export const exclude = ['**/node_modules/**', '**/dist/**'];

/**
 * The conformance tests: every test file under packages/ that reads a PyTorch fixture (calls
 * `loadFixture`). The wasm projects run them again on the WebAssembly backend.
 */
export function conformanceTests(): string[] {
  const out: string[] = [];
  for (const pkg of readdirSync(`${root}packages`)) {
    for (const dir of [`packages/${pkg}/test`, `packages/${pkg}/src`]) {
      let files: string[];
      try {
        files = readdirSync(`${root}${dir}`, { recursive: true }) as string[];
      } catch {
        continue;
      }
      for (const f of files) {
        if (!f.endsWith('.test.ts')) continue;
        const path = `${dir}/${f}`;
        if (/\bloadFixture\s*[<(]/.test(readFileSync(`${root}${path}`, 'utf8'))) out.push(path);
      }
    }
  }
  return out.sort();
}

/**
 * A project that runs `include` on the WebAssembly backend with `threads` threads and no size
 * thresholds: the setup file installs the backend before each test file.
 */
export function wasmProject(name: string, threads: number, include: string[]) {
  return {
    root,
    test: {
      root,
      name,
      include,
      exclude,
      pool: 'threads' as const,
      testTimeout: 60_000,
      setupFiles: ['test-utils/wasmBackend.setup.ts'],
      env: { TAPEGRAD_THREADS: String(threads) },
    },
  };
}
