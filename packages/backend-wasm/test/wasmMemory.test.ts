import { afterAll, describe, expect, it } from 'vitest';
import { setBackend, resetBackend, kernels, randn, Generator } from '@tapegrad/tensor';
import { createWasmBackend } from '../src/index.js';
import type { Conv2dGeometry } from '@tapegrad/tensor';

// Without residency nothing lives in WebAssembly memory past a kernel call: a training-like loop
// over several "epochs" grows the memory during the first one (to the largest call) and never after.
// (With residency, test/wasmResident.test.ts.)
describe('wasm backend memory stays flat across epochs', () => {
  const backend = createWasmBackend({ threads: 2, thresholds: 'none', resident: false });
  afterAll(() => {
    resetBackend();
    backend.close();
  });

  it('memoryBytes is the same after epochs 2 to 5 as after epoch 1', () => {
    setBackend(backend);
    const g = new Generator(3);
    const geo: Conv2dGeometry = {
      N: 8, C: 4, H: 12, W: 12, O: 8, kH: 3, kW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1,
      dilationH: 1, dilationW: 1, groups: 1, Ho: 12, Wo: 12, outSampleStride: 8 * 12 * 12,
    };
    const w = randn([8, 4, 3, 3], { generator: g }).toArray();
    const sizes: number[] = [];
    for (let epoch = 0; epoch < 5; epoch++) {
      for (let step = 0; step < 10; step++) {
        // Fresh JS-heap inputs every step, as a data loader gives.
        const x = randn([8, 4, 12, 12], { generator: g });
        const y = new Float32Array(8 * 8 * 144);
        backend.conv2d!(x.toArray(), w, null, geo, y);
        const gx = new Float32Array(x.size), gw = new Float32Array(w.length);
        backend.conv2dBackward!(y, x.toArray(), w, geo, gx, gw, null);
        kernels.matmul(x.reshape([8 * 4 * 12, 12]), randn([12, 20], { generator: g }));
        kernels.binary('mul', x, x);
      }
      sizes.push(backend.memoryBytes());
    }
    expect(sizes[0]).toBeGreaterThan(0);
    expect(sizes).toEqual(new Array<number>(5).fill(sizes[0]!));
  });
});
