import { defineProject } from 'vitest/config';
import { exclude, root } from './areas.js';

/**
 * tapegrad in Chromium (test/browser): a training program bundled by esbuild and by Vite, run in a
 * cross-origin-isolated page's Worker and main thread through playwright-core and Debian's
 * chromium, against the same steps in Node. Without a browser the area fails (scripts/ci/chromium.sh
 * installs one).
 */
export default defineProject({
  root,
  test: {
    root,
    name: 'browser',
    include: ['test/browser/**/*.test.ts'],
    exclude,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
