// Buffers of backward's own intermediate gradients are reused: when backward() ends, those no .grad
// holds go to the pool the host backends allocate from (packages/tensor/src/backend/recycle.ts),
// with their ArrayBuffers; a tensor that still points at one (a custom op's backward that kept its
// gradient) throws one line instead of showing the next tensor's values, and a stale second give-back
// never hands out a buffer a live tensor holds.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor, getBackend, rand, Generator, recycledBytes, recyclePass, takeRecycled, cpuBackend, setBackend, resetBackend, discardArray, liveArray, hostArray } from '@tapegrad/tensor';
import { Variable, defineOp, mul, sum, relu, matmul, type OpContext } from '../src/index.js';

const DISCARDED = /^backward: this gradient was computed inside backward\(\) and was not kept as a \.grad \(nor retained with retainGrad\(\)\); its memory was freed for reuse when backward\(\) ended$/;

/** y = relu(x W) W2, summed: backward computes gradients of (8, 16) and (8, 4) that no .grad keeps. */
function step(x: Variable, w: Variable, w2: Variable): number {
  w.zeroGrad();
  w2.zeroGrad();
  const loss = sum(matmul(relu(matmul(x, w)), w2));
  loss.backward();
  return loss.data.item();
}

/** The input and the two weights of `step`, drawn from a generator of `seed`. */
function operands(seed: number): [Variable, Variable, Variable] {
  const g = new Generator(seed);
  const x = new Variable(rand([8, 32], { generator: g }));
  const w = new Variable(rand([32, 16], { generator: g }), { requiresGrad: true });
  const w2 = new Variable(rand([16, 4], { generator: g }), { requiresGrad: true });
  return [x, w, w2];
}

/**
 * sum(2 keep(relu(x))) with x of `shape` drawn from `seed`, through backward(): `keep` is a custom op
 * whose backward stashes its incoming gradient, a buffer backward made and no .grad keeps.
 */
function stashedGradient(shape: number[], seed: number): { x: Variable; stashed: Tensor } {
  let stashed: Tensor | null = null;
  const keep = defineOp({
    name: 'keep',
    forward: (_ctx: OpContext, a: Tensor) => a,
    backward: (_ctx: OpContext, gOut: Tensor) => {
      stashed = gOut;
      return [gOut];
    },
  });
  const x = new Variable(rand(shape, { generator: new Generator(seed) }), { requiresGrad: true });
  sum(mul(keep(relu(x)), 2)).backward();
  // (assigned in the callback, which TypeScript's narrowing does not follow)
  const got = stashed as Tensor | null;
  if (got === null) throw new Error('stashedGradient: the custom backward did not run');
  return { x, stashed: got };
}

describe('recycled gradient buffers', () => {
  it('backward gives its intermediate gradients back; the next tensors of those sizes reuse them; results do not change', () => {
    resetBackend();
    const [x, w, w2] = operands(3);
    const first = step(x, w, w2);
    const gw = Array.from(w.grad!.toArray());
    const given = recycledBytes();
    expect(given).toBeGreaterThanOrEqual(8 * 16 * 4); // at least the (8, 16) gradient of relu's output
    // the next step's tensors take them: its results equal the first step's exactly
    expect(step(x, w, w2)).toBe(first);
    expect(Array.from(w.grad!.toArray())).toEqual(gw);
    // the pool holds the last two passes' buffers, not every pass's
    for (let i = 0; i < 5; i++) step(x, w, w2);
    expect(recycledBytes()).toBeLessThanOrEqual(given);
  });

  it('what a backward gave back and the next forward left waits for the next backward, and is dropped at the one after', () => {
    resetBackend();
    const [x, w, w2] = operands(4);
    step(x, w, w2);
    const given = recycledBytes();
    expect(given).toBeGreaterThan(0);
    recyclePass(); // a backward starts: its gradients can take these
    expect(recycledBytes()).toBe(given);
    recyclePass(); // the one after: nothing took them
    expect(recycledBytes()).toBe(0);
  });

  it("alloc's recycled buffers are zeros; empty's come from the pool as they are", () => {
    resetBackend();
    const g = new Generator(4);
    const x = new Variable(rand([5, 7], { generator: g }), { requiresGrad: true });
    sum(mul(relu(x), 3)).backward();
    // some (5, 7) gradient went back to the pool, with nonzero floats in it
    const n = 35;
    const before = recycledBytes();
    expect(before).toBeGreaterThanOrEqual(n * 4);
    const a = getBackend().alloc(n);
    expect(recycledBytes()).toBe(before - n * 4);
    expect(Array.from(a)).toEqual(new Array(n).fill(0));
    expect(takeRecycled(1_000_003)).toBeNull(); // no buffer of that size
  });

  it('a gradient a custom backward kept throws one line when used after backward()', () => {
    resetBackend();
    const { x, stashed } = stashedGradient([4, 6], 5);
    expect(x.grad!.toArray().length).toBe(24);
    expect(() => stashed.toArray()).toThrow(DISCARDED);
    expect(() => stashed.data).toThrow(DISCARDED);
  });

  it('the stashed gradient keeps throwing after its buffer serves the next tensor of its size, which reads its own values', () => {
    resetBackend();
    const { stashed } = stashedGradient([3, 5], 7);
    const old = stashed.storage;
    // while the buffer waits in the pool, any array over it is dead
    expect(() => liveArray(new Float32Array(old.buffer))).toThrow(DISCARDED);
    // the next (3, 5) allocations take the pool's buffers; one of them is the stashed gradient's
    const next = [getBackend().empty(15), getBackend().empty(15), getBackend().empty(15)];
    const reused = next.find((a) => a.buffer === old.buffer);
    expect(reused).toBeDefined();
    reused!.fill(4);
    expect(Array.from(hostArray(reused!))).toEqual(new Array(15).fill(4));
    expect(() => stashed.toArray()).toThrow(DISCARDED);
    expect(() => liveArray(old)).toThrow(DISCARDED);
  });

  it('a second give-back of an array whose buffer another tensor now holds is refused', () => {
    resetBackend();
    const n = 1_009; // a size no other test leaves in the pool
    const a = getBackend().empty(n);
    discardArray(a, 'test: a was discarded');
    expect(recycledBytes()).toBeGreaterThanOrEqual(n * 4);
    const b = takeRecycled(n)!;
    expect(b.buffer).toBe(a.buffer);
    const held = recycledBytes();
    // a again, and another array spanning the same buffer: neither gives b's buffer back
    discardArray(a, 'test: a was discarded');
    discardArray(new Float32Array(b.buffer), 'test: a stale view');
    expect(recycledBytes()).toBe(held);
    expect(takeRecycled(n)).toBeNull();
    b.fill(2);
    expect(Array.from(liveArray(b))).toEqual(new Array(n).fill(2));
    expect(() => liveArray(a)).toThrow('test: a was discarded');
    // b itself may give it back, once
    discardArray(b, 'test: b was discarded');
    discardArray(b, 'test: b was discarded');
    expect(recycledBytes()).toBe(held + n * 4);
    expect(takeRecycled(n)!.buffer).toBe(a.buffer);
    expect(takeRecycled(n)).toBeNull();
  });

  it('a .grad and a retained gradient are never given back', () => {
    setBackend(cpuBackend);
    const x = new Variable(rand([6, 6], { generator: new Generator(6) }), { requiresGrad: true });
    const h = relu(mul(x, 2));
    h.retainGrad();
    sum(mul(h, h)).backward();
    const hg = Array.from(h.grad!.toArray());
    const xg = Array.from(x.grad!.toArray());
    // allocate (and write) many buffers of the same size: none is h's or x's gradient
    for (let i = 0; i < 8; i++) getBackend().empty(36).fill(-1);
    expect(Array.from(h.grad!.toArray())).toEqual(hg);
    expect(Array.from(x.grad!.toArray())).toEqual(xg);
    resetBackend();
  });

  it('TAPEGRAD_RECYCLE=0 turns it off (the built packages, in a fresh process)', () => {
    const script = `Promise.all([import('@tapegrad/tensor'), import('@tapegrad/autograd')]).then(([t, a]) => {
      const x = new a.Variable(t.rand([8, 8]), { requiresGrad: true });
      a.sum(a.mul(a.relu(x), 2)).backward();
      console.log(t.recycledBytes());
    });`;
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const given = (v: string): string => {
      const r = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', env: { ...process.env, TAPEGRAD_RECYCLE: v } });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    expect(given('0')).toBe('0');
    expect(Number(given('1'))).toBeGreaterThanOrEqual(8 * 8 * 4);
  });
});
