// The backend registry: a partial backend supplies some kernels, the rest fall back to the CPU ones.
import { describe, it, expect, afterEach } from 'vitest';
import { setBackend, getBackend, resetBackend, cpuBackend, kernels, tensor, zeros, type UnaryOp } from '../src/index.js';

afterEach(() => resetBackend());

/** Every kernel of the active backend is the CPU backend's (alloc and empty are wrapped to record allocations). */
function cpuIsActive(): boolean {
  const active = getBackend() as unknown as Record<string, unknown>, cpu = cpuBackend as unknown as Record<string, unknown>;
  return active['name'] === 'cpu' && Object.keys(cpu).every((k) => k === 'alloc' || k === 'empty' || active[k] === cpu[k]);
}

describe('backend registry', () => {
  it('the CPU backend is active by default', () => {
    expect(cpuIsActive()).toBe(true);
    expect(getBackend().name).toBe('cpu');
  });

  it('a partial backend overriding one kernel is used for that kernel; the rest fall back to CPU', () => {
    const calls: UnaryOp[] = [];
    setBackend({
      name: 'spy',
      unary(op, x, xo, n, out, a, b) {
        calls.push(op);
        cpuBackend.unary(op, x, xo, n, out, a, b);
        if (op === 'neg') out[0] = 42; // visibly different from the CPU result
      },
    });
    expect(getBackend().name).toBe('spy');
    expect(getBackend().binary).toBe(cpuBackend.binary);
    expect(getBackend().reduce).toBe(cpuBackend.reduce);
    const y = kernels.unary('neg', tensor([1, 2]));
    expect(Array.from(y.toArray())).toEqual([42, -2]);
    expect(calls).toEqual(['neg']);
    // binary still works, through the CPU kernel
    expect(Array.from(kernels.binary('add', tensor([1, 2]), tensor([3, 4])).toArray())).toEqual([4, 6]);
    expect(calls).toEqual(['neg']);
  });

  it('the backend allocates outputs', () => {
    let allocated = 0;
    setBackend({
      name: 'counting',
      alloc: (n) => { allocated += n; return new Float32Array(n); },
      empty: (n) => { allocated += n; return new Float32Array(n); },
    });
    zeros([2, 3]);
    kernels.binary('mul', tensor([1, 2, 3]), tensor([2]));
    expect(allocated).toBe(6 + 3 + 1 + 3); // zeros, the two tensor() inputs, the output
  });

  it('resetBackend restores the CPU backend, and setBackend replaces rather than stacks', () => {
    let first = 0, second = 0;
    setBackend({ name: 'a', unary: (...args) => { first++; cpuBackend.unary(...args); } });
    setBackend({ name: 'b', softmax: (...args) => { second++; cpuBackend.softmax(...args); } });
    kernels.unary('exp', tensor([0]));
    kernels.softmax(tensor([1, 2]), 0, false);
    expect(first).toBe(0);
    expect(second).toBe(1);
    resetBackend();
    expect(cpuIsActive()).toBe(true);
    kernels.softmax(tensor([1, 2]), 0, false);
    expect(second).toBe(1);
  });
});

describe('pooling backward kernels overwrite their output', () => {
  // kernels/pool.ts hands them an unfilled buffer (`empty`): whatever it held must not show
  it('maxPoolBackward: the scattered sums, 0 where no index points', () => {
    const gOut = new Float32Array([1, 2, 4, 8, 16, 32]), argmax = new Float32Array([0, 0, 3, 1, 1, 2]);
    const out = new Float32Array(8).fill(NaN);
    cpuBackend.maxPoolBackward(gOut, argmax, 2, 4, 3, out);
    expect(Array.from(out)).toEqual([3, 0, 0, 4, 0, 24, 32, 0]);
  });

  it('avgPool2dBackward: each window shares its gradient, 0 where no window reaches', () => {
    // 1 plane of 3x3, 2x2 windows with stride 2, no padding: one window over the top-left 2x2
    const g = { planes: 1, inH: 3, inW: 3, outH: 1, outW: 1, kH: 2, kW: 2, sH: 2, sW: 2, pH: 0, pW: 0, dH: 1, dW: 1 };
    const out = new Float32Array(9).fill(NaN);
    cpuBackend.avgPool2dBackward(new Float32Array([8]), g, true, 0, out);
    expect(Array.from(out)).toEqual([2, 2, 0, 2, 2, 0, 0, 0, 0]);
  });
});
