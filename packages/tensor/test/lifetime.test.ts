// The premise of "where tensor memory lives" (docs/architecture.md): inside one synchronous run of
// JavaScript (a training loop without `await`), no finalizer runs and no WeakRef target made in that
// run is collected, however much garbage the loop makes. So memory a backend holds outside the JS
// heap (WebAssembly memory, GPU buffers) cannot be given back by garbage collection during such a
// loop; it must be freed by an owner that knows the buffer is dead (the tape), or the loop must yield.
import { describe, it, expect } from 'vitest';
import { Tensor } from '../src/index.js';

describe('finalization inside a synchronous loop', () => {
  it('no FinalizationRegistry callback runs and no WeakRef made in the loop empties before it returns', () => {
    let finalized = 0;
    const registry = new FinalizationRegistry<number>(() => { finalized++; });
    const refs: WeakRef<Tensor>[] = [];
    let garbageBytes = 0;
    for (let step = 0; step < 200; step++) {
      // a step's activations: dropped at once, as a loop drops last step's tensors
      const t = new Tensor(new Float32Array(64 * 1024), [64, 1024]);
      registry.register(t, step);
      refs.push(new WeakRef(t));
      // plenty of short-lived JS garbage, so the collector does run meanwhile
      for (let i = 0; i < 64; i++) garbageBytes += new Float64Array(2048).length * 8;
    }
    expect(garbageBytes).toBeGreaterThanOrEqual(200 * 1024 * 1024);
    expect(finalized).toBe(0);
    expect(refs.every((r) => r.deref() !== undefined)).toBe(true);
  });
});
