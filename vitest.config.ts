import { defineConfig } from 'vitest/config';

/**
 * One project file per area in test/projects (cpu, wasm, packaging, ...): adding an area adds a
 * file. Run one area with `pnpm vitest run --project NAME`.
 */
export default defineConfig({
  test: {
    projects: ['test/projects/vitest.*.config.ts'],
  },
});
