import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * The conformance tests: every test file that reads a PyTorch fixture (calls `loadFixture`), plus
 * the wasm backend's own tests. The 'wasm' project runs them again on the WebAssembly backend with
 * two threads and no size thresholds, so even tiny fixture inputs go through the wasm kernels and
 * the thread split; 'wasm-1-thread' runs them once more on one thread.
 */
function conformanceTests(): string[] {
  const out: string[] = [];
  for (const pkg of readdirSync('packages')) {
    for (const dir of [`packages/${pkg}/test`, `packages/${pkg}/src`]) {
      let files: string[];
      try {
        files = readdirSync(dir, { recursive: true }) as string[];
      } catch {
        continue;
      }
      for (const f of files) {
        if (!f.endsWith('.test.ts')) continue;
        const path = `${dir}/${f}`;
        if (/\bloadFixture\s*[<(]/.test(readFileSync(path, 'utf8'))) out.push(path);
      }
    }
  }
  return out;
}

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'threads',
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'cpu' } },
      // Not `extends: true`: that would concatenate the root `include` with this one.
      ...[2, 1].map((threads) => ({
        test: {
          name: threads === 2 ? 'wasm' : 'wasm-1-thread',
          exclude: ['**/node_modules/**', '**/dist/**'],
          pool: 'threads' as const,
          testTimeout: 60_000,
          include: [...conformanceTests(), 'packages/tensor/test/gemm.test.ts'],
          env: { TAPEGRAD_BACKEND: 'wasm', TAPEGRAD_THREADS: String(threads), TAPEGRAD_WASM_THRESHOLDS: 'none' },
        },
      })),
    ],
  },
});
