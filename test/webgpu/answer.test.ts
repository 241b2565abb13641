// The bridge's wait for the GPU worker's answer (packages/backend-webgpu/src/bridge/answer.ts), with
// a stand-in worker thread and no GPU: the worker stores an answer, then notifies; a notify that
// arrives after the training thread took that answer and posted the next message must not pass for
// the next answer (it did once: a read threw an empty error and the next reads got shifted answers).
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { answer, answerAsync, type Started } from '../../packages/backend-webgpu/src/bridge/answer.js';
import { CONTROL_INTS, DONE, STATE, TEXT_CAPACITY } from '../../packages/backend-webgpu/src/bridge/protocol.js';

// The stand-in: answers the first message; once told the second is posted, sends the first
// answer's notify until it wakes a waiter (the late notify); the second answer 300 ms later.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { control, flag } = workerData;
Atomics.store(control, ${STATE}, ${DONE});
while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 5);
const started = Date.now();
while (Atomics.notify(control, ${STATE}) === 0 && Date.now() - started < 5000) Atomics.wait(flag, 1, 0, 1);
setTimeout(() => { Atomics.store(control, ${STATE}, ${DONE}); Atomics.notify(control, ${STATE}); }, 300);
`;

let worker: Worker | null = null;
afterEach(async () => { await worker?.terminate(); worker = null; });

function started(): { st: Started; flag: Int32Array } {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4));
  const flag = new Int32Array(new SharedArrayBuffer(8));
  worker = new Worker(WORKER, { eval: true, workerData: { control, flag } });
  const st: Started = {
    control, text: new Uint8Array(new SharedArrayBuffer(TEXT_CAPACITY)), out: new Float32Array(1),
    worker: { post: () => {}, terminate: () => {} }, timeoutMs: 10_000, closed: false, untie: () => {},
  };
  return { st, flag };
}

/** Polls until the first answer is stored (its notify is held back), as a thread that was busy meanwhile would find it. */
function seeFirst(st: Started): void {
  while (Atomics.load(st.control, STATE) !== DONE) Atomics.wait(st.control, STATE, 0, 5);
}

describe('the wait for the GPU worker', () => {
  it('a late notify of the answer already taken does not end the blocking wait for the next one', () => {
    const { st, flag } = started();
    seeFirst(st);
    answer(st, 'first');
    Atomics.store(flag, 0, 1); // "the second message is posted"
    const t0 = performance.now();
    expect(answer(st, 'second')).toBe('');
    expect(performance.now() - t0).toBeGreaterThan(250); // it waited for the second answer
  });

  it('nor the waitAsync form', async () => {
    const { st, flag } = started();
    seeFirst(st);
    await answerAsync(st, 'first');
    Atomics.store(flag, 0, 1);
    const t0 = performance.now();
    expect(await answerAsync(st, 'second')).toBe('');
    expect(performance.now() - t0).toBeGreaterThan(250);
  });
});
