// The bridge's resident mode (useWebGpuBackend({ resident: true })): tensors stay on the GPU between
// kernels and come back only when the host reads them. The canonical models train as on the CPU;
// the GPU's buffers stay bounded over many steps of a synchronous loop and of noGrad inference; a
// tensor left unused is brought back to the host, never lost; switching backends or close() brings
// every value back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator, rand, tensor, noGrad, Variable, F, SGD, defineOp, fit, DataLoader, TensorDataset, type FitResult, type OpContext, Sequential, Conv2d, BatchNorm2d, ReLU, GlobalAvgPool2d, Flatten } from 'tapegrad';
import { kernels, resetBackend, setBackend, type Tensor } from '@tapegrad/tensor';
import { useWebGpuBackend, type WebGpuBackendHandle } from '@tapegrad/backend-webgpu';
import { expectCloseRuns, trainSteps } from './helpers.js';

let gpu: WebGpuBackendHandle | null = null;
let failure: string | null = null;
beforeAll(() => {
  try {
    gpu = useWebGpuBackend({ resident: true });
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  } finally {
    resetBackend();
  }
});
afterAll(() => { gpu?.close(); resetBackend(); });

function onGpu<T>(f: (h: WebGpuBackendHandle) => T): T {
  if (gpu === null) throw new Error(failure ?? 'no WebGPU backend');
  setBackend(gpu.backend);
  try {
    return f(gpu);
  } finally {
    resetBackend();
  }
}

const BATCH = 4, STEPS = 2;

/** A small BatchNorm convnet on 8x8 inputs, for the many-step memory checks. */
function small(g: Generator): Sequential {
  return new Sequential(
    new Conv2d(1, 4, 3, { padding: 1, generator: g }), new BatchNorm2d(4), new ReLU(),
    new Conv2d(4, 10, 1, { generator: g }), new GlobalAvgPool2d(), new Flatten(),
  );
}

describe('webgpu backend, resident mode', () => {
  for (const name of ['nin', 'nin-bn', 'squeezenet'] as const) {
    it(`${name}: ${STEPS} training steps agree with the CPU backend; outputs stay on the GPU until read`, () => {
      const cpu = trainSteps(name, STEPS, BATCH);
      expectCloseRuns(onGpu(() => trainSteps(name, STEPS, BATCH)), cpu);
    }, 600_000);
  }

  it('a kernel output is resident until the host reads it; views share it; reading brings it back once', () => {
    onGpu((h) => {
      const before = h.residentStats().host.buffers;
      const x = rand([2, 3], { generator: new Generator(1) });
      const y = kernels.unary('addScalar', kernels.unary('mulScalar', x, 2), 1); // two kernels: the intermediate and the result are resident
      expect(h.residentStats().host.buffers).toBe(before + 2);
      const v = y.reshape([3, 2]).toArray(); // a view of the result: reading it brings the result back
      expect(h.residentStats().host.buffers).toBe(before + 1);
      const want = x.toArray().map((a) => a * 2 + 1);
      expect(Array.from(v)).toEqual(Array.from(want));
      expect(Array.from(y.toArray())).toEqual(Array.from(want));
    });
  });

  it('a synchronous training loop (no await) keeps the GPU buffers bounded: the same count and bytes after epoch 2 and epoch 100', () => {
    onGpu((h) => {
      const g = new Generator(3);
      const model = small(g);
      model.train();
      const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
      const x = rand([8, 1, 8, 8], { generator: g });
      const y = tensor(Float32Array.from({ length: 8 }, (_, i) => i % 10), [8]);
      const at: { host: { buffers: number; bytes: number }; gpu: { buffers: number; bytes: number } }[] = [];
      let last = 0;
      const reads = (): number => h.calls()['(read)'] ?? 0;
      const inForward: number[] = [], atBoundary: number[] = [];
      // an epoch: 10 steps over the same batch
      for (let step = 1; step <= 1000; step++) {
        opt.zeroGrad();
        const r0 = reads();
        const loss = F.crossEntropy(model.forward(new Variable(x)), y);
        inForward.push(reads() - r0);
        const r1 = reads();
        loss.backward();
        atBoundary.push(reads() - r1);
        const r2 = reads();
        opt.step();
        atBoundary.push(reads() - r2);
        if (step % 10 === 0) last = loss.item();
        if (step === 20 || step === 1000) at.push(h.residentStats());
      }
      expect(Number.isFinite(last)).toBe(true);
      // no read inside a step; at most one per step boundary (everything that expired there, read at once)
      expect(inForward.every((n) => n === 0)).toBe(true);
      expect(Math.max(...atBoundary)).toBe(1);
      expect(h.calls()['sgdUpdate']).toBeGreaterThan(0);
      expect(at[1]).toEqual(at[0]);
      // the worker holds exactly what the training thread counts
      expect(at[1]!.gpu).toEqual(at[1]!.host);
      expect(at[1]!.host.buffers).toBeLessThan(200);
    });
  }, 600_000);

  it('1,000 noGrad inference batches keep the GPU buffers bounded (the same after 100 and 1,000)', () => {
    onGpu((h) => {
      const g = new Generator(4);
      const model = small(g);
      model.eval();
      const x = rand([2, 1, 8, 8], { generator: g });
      const at: ReturnType<WebGpuBackendHandle['residentStats']>[] = [];
      let agree = 0;
      for (let b = 1; b <= 1000; b++) {
        const pred = noGrad(() => model.forward(new Variable(x)).data.argmax(1));
        if (b === 100 || b === 1000) at.push(h.residentStats());
        if (b === 1 || b === 1000) agree += pred.toArray().length;
      }
      expect(agree).toBe(4);
      expect(at[1]).toEqual(at[0]);
      expect(at[1]!.gpu).toEqual(at[1]!.host);
    });
  }, 600_000);

  it('fit reads no loss inside a step: the same epoch figures as on the CPU, and only the end of each epoch waits for the GPU', () => {
    const data = (): { train: DataLoader; val: DataLoader } => {
      const g = new Generator(12);
      const xs = rand([40, 1, 8, 8], { generator: g });
      const ys = tensor(Float32Array.from({ length: 40 }, (_, i) => (i * 7) % 10), [40]);
      const ds = new TensorDataset(xs, ys);
      return { train: new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(13) }), val: new DataLoader(ds, { batchSize: 20 }) };
    };
    const run = (): FitResult => {
      const model = small(new Generator(14));
      const { train } = data();
      return fit(model, { train, optimizer: new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }), epochs: 2, progress: 'none' });
    };
    const cpu = run();
    const gpuRun = onGpu((h) => {
      const before = h.calls();
      const r = run();
      const after = h.calls();
      const n = (k: string): number => (after[k] ?? 0) - (before[k] ?? 0);
      return { r, reads: n('(read)'), waited: n('(read, waited for)') };
    });
    cpu.history.forEach((e, i) => {
      const g = gpuRun.r.history[i]!;
      expect(Math.abs(g.loss - e.loss)).toBeLessThan(1e-4);
      expect(g.accuracy).toBe(e.accuracy);
    });
    // 20 steps: reads at the step boundaries, taken later; only each epoch's last few batches waited for
    expect(gpuRun.reads).toBeGreaterThan(20);
    expect(gpuRun.waited).toBeLessThanOrEqual(2 * 6);
  }, 600_000);

  it('fit keeps the GPU buffers bounded: the same count and bytes after epoch 2 and epoch 100', () => {
    onGpu((h) => {
      const g = new Generator(18);
      const ds = new TensorDataset(rand([40, 1, 8, 8], { generator: g }), tensor(Float32Array.from({ length: 40 }, (_, i) => i % 10), [40]));
      const model = small(g);
      const at: ReturnType<WebGpuBackendHandle['residentStats']>[] = [];
      const r = fit(model, {
        train: new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(19) }),
        optimizer: new SGD(model.parameters(), { lr: 0.02, momentum: 0.9 }), epochs: 100, progress: 'none',
        callbacks: { onEpochEnd: (e) => { if (e.epoch === 2 || e.epoch === 100) at.push(h.residentStats()); } },
      });
      expect(r.history.length).toBe(100);
      expect(Number.isFinite(r.history[99]!.loss)).toBe(true);
      expect(at[1]).toEqual(at[0]);
      expect(at[1]!.gpu).toEqual(at[1]!.host);
    });
  }, 600_000);

  it('fit still stops at a non-finite loss, naming its step (found a few steps later, without draining the GPU)', () => {
    onGpu(() => {
      const g = new Generator(15);
      const ds = new TensorDataset(rand([40, 1, 8, 8], { generator: g }), tensor(Float32Array.from({ length: 40 }, (_, i) => i % 10), [40]));
      const model = small(g);
      let calls = 0;
      const lossFn = (logits: Variable, y: Tensor): Variable => {
        const l = F.crossEntropy(logits, y);
        return ++calls === 3 ? F.mseLoss(l, tensor(Float32Array.of(Number.NaN), [])) : l;
      };
      expect(() => fit(model, { train: new DataLoader(ds, { batchSize: 4 }), optimizer: new SGD(model.parameters(), { lr: 0.05 }), epochs: 1, lossFn, progress: 'none' }))
        .toThrow('fit: loss NaN at epoch 1, step 3 of 10 is not finite; expected a finite loss (the run diverged; a lower learning rate usually helps)');
    });
  });

  it('inference inside one noGrad (no step boundary) stays under residentBytes: the oldest arrays come back, values intact', () => {
    const h = useWebGpuBackend({ residentBytes: 64 * 1024 });
    setBackend(h.backend);
    try {
      const model = small(new Generator(16));
      model.eval();
      const x = rand([4, 1, 8, 8], { generator: new Generator(17) });
      let most = 0;
      const kept: Tensor[] = [];
      noGrad(() => {
        for (let b = 0; b < 200; b++) {
          kept.push(model.forward(new Variable(x)).data);
          most = Math.max(most, h.residentStats().host.bytes);
        }
      });
      // 4 KiB activations: under the cap plus the arrays of one call
      expect(most).toBeLessThanOrEqual(64 * 1024 + 16 * 1024);
      const first = kept[0]!.toArray(), last = kept[199]!.toArray();
      expect(Array.from(last)).toEqual(Array.from(first));
      expect(first.every((v) => Number.isFinite(v))).toBe(true);
    } finally {
      h.close();
      resetBackend();
    }
  });

  it('a tensor unused for several step boundaries is brought back to the host, its GPU buffer freed; it reads as before', () => {
    onGpu((h) => {
      const x = rand([4], { generator: new Generator(5) });
      const held = kernels.unary('mulScalar', x, 3);
      const before = h.calls()['(read)'] ?? 0;
      const heldBuffers = h.residentStats().host.buffers;
      for (let i = 0; i < 6; i++) noGrad(() => kernels.unary('addScalar', rand([2]), 1));
      // brought back at a boundary (one read for everything that expired there), not on our read below
      expect((h.calls()['(read)'] ?? 0) - before).toBeGreaterThan(0);
      expect(h.residentStats().host.buffers).toBeLessThan(heldBuffers + 6);
      const reads = h.calls()['(read)'] ?? 0;
      expect(Array.from(held.toArray())).toEqual(Array.from(x.toArray()).map((v) => Math.fround(v * 3)));
      expect(h.calls()['(read)'] ?? 0).toBe(reads);
    });
  });

  it('a module buffer (BatchNorm running statistics) left idle keeps its values, the same as on the CPU', () => {
    const g = new Generator(6);
    const model = small(g);
    const x = rand([4, 1, 8, 8], { generator: g });
    onGpu(() => {
      model.train();
      noGrad(() => model.forward(new Variable(x)));
      for (let i = 0; i < 8; i++) noGrad(() => kernels.unary('addScalar', rand([2]), 1));
    });
    const g2 = new Generator(6);
    const ref = small(g2);
    const x2 = rand([4, 1, 8, 8], { generator: g2 });
    ref.train();
    noGrad(() => ref.forward(new Variable(x2)));
    for (const key of ['runningMean', 'runningVar'] as const) {
      const have = (model.layers[1] as BatchNorm2d)[key]!.value.toArray(), want = (ref.layers[1] as BatchNorm2d)[key]!.value.toArray();
      expect(want.some((v) => v !== 0 && v !== 1)).toBe(true);
      for (let i = 0; i < want.length; i++) expect(Math.abs(have[i]! - want[i]!)).toBeLessThan(1e-5);
    }
  });

  it('after close(), the values held on the GPU are on the host', () => {
    const h = useWebGpuBackend({ resident: true });
    setBackend(h.backend);
    let y: Tensor;
    try {
      y = kernels.unary('mulScalar', rand([3], { generator: new Generator(10) }), 2);
      expect(h.residentStats().host.buffers).toBe(1);
    } finally {
      h.close();
      resetBackend();
    }
    const want = rand([3], { generator: new Generator(10) }).toArray().map((v) => Math.fround(v * 2));
    expect(Array.from(y.toArray())).toEqual(Array.from(want));
  });

  it('toArrayAsync / itemAsync read without blocking; kernels posted and blocking reads meanwhile are served in order', async () => {
    if (gpu === null) throw new Error(failure ?? 'no WebGPU backend');
    const h = gpu;
    setBackend(h.backend);
    try {
      const x = rand([5], { generator: new Generator(11) });
      const a = kernels.unary('mulScalar', x, 2), b = kernels.unary('addScalar', x, 1);
      const s = kernels.reduce('sum', a);
      const readA = a.toArrayAsync();
      // while it travels: another kernel, and a blocking read (which takes the pending answer first)
      const c = kernels.unary('neg', b);
      const cNow = c.toArray();
      const [av, sv] = await Promise.all([readA, s.itemAsync()]);
      const xv = Array.from(x.toArray());
      expect(Array.from(av)).toEqual(xv.map((v) => Math.fround(v * 2)));
      expect(Array.from(cNow)).toEqual(xv.map((v) => -Math.fround(v + 1)));
      expect(Math.abs(sv - xv.reduce((p, v) => p + 2 * v, 0))).toBeLessThan(1e-5);
      expect(Array.from(await b.toArrayAsync())).toEqual(xv.map((v) => Math.fround(v + 1)));
    } finally {
      resetBackend();
    }
  });

  it("backward frees its intermediate gradients unread: a leaf's .grad reads as on the CPU; a gradient stashed by a custom op throws, saying why", () => {
    let stashed: Tensor | null = null;
    const double = defineOp({
      name: 'double',
      forward(_ctx: OpContext<Record<string, never>>, x: Tensor) { return kernels.unary('mulScalar', x, 2); },
      backward(_ctx: OpContext<Record<string, never>>, g: Tensor) {
        const gx = kernels.unary('mulScalar', g, 2);
        stashed = kernels.unary('mulScalar', gx, 1); // a buffer made inside backward and kept by user code
        return [gx];
      },
    });
    const run = (read: () => number): { grad: Float32Array; bytes: number } => {
      const w = new Variable(tensor([1, -2, 3]), { requiresGrad: true });
      const y = double(double(w));
      F.mseLoss(y, tensor([0, 0, 0])).backward();
      const before = read();
      const grad = w.grad!.toArray();
      return { grad, bytes: read() - before };
    };
    const want = run(() => 0).grad;
    const have = onGpu((h) => run(() => h.readBytes()));
    expect(Array.from(have.grad)).toEqual(Array.from(want));
    expect(have.bytes).toBe(12); // the leaf's three floats
    expect(() => stashed!.toArray()).toThrow(/^backward: this gradient was computed inside backward\(\) and was not kept as a \.grad \(nor retained with retainGrad\(\)\); its memory was freed for reuse when backward\(\) ended$/);
  });

  it('switching to another backend brings every resident value back to the host', () => {
    let y: Tensor | null = null;
    onGpu((h) => {
      y = kernels.unary('mulScalar', rand([3], { generator: new Generator(9) }), 2);
      expect(h.residentStats().host.buffers).toBeGreaterThan(0);
    });
    // resetBackend ran: the value is on the host, readable with the CPU backend
    const want = rand([3], { generator: new Generator(9) }).toArray().map((v) => v * 2);
    expect(Array.from(y!.toArray())).toEqual(Array.from(want));
    expect(gpu!.residentStats().host.buffers).toBe(0);
  });
});
