import { defineProject } from 'vitest/config';
import { exclude, root } from './areas.js';

/** ONNX export: every exported model run in onnxruntime-node against tapegrad's eval forward. */
export default defineProject({
  root,
  test: {
    root,
    name: 'onnx',
    include: ['packages/onnx/test/**/*.test.ts'],
    exclude,
    pool: 'threads',
    testTimeout: 120_000,
    env: { TAPEGRAD_BACKEND: 'cpu' },
  },
});
