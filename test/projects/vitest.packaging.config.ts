import { defineProject } from 'vitest/config';
import { exclude, root } from './areas.js';

/** Packs the packages, installs the tarballs outside the repository with npm and uses them there. */
export default defineProject({
  root,
  test: {
    root,
    name: 'packaging',
    include: ['test/packaging/**/*.test.ts'],
    exclude,
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
