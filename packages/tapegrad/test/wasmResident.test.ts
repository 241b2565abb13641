// The wasm backend's residency (packages/backend-wasm/src/resident.ts): kernel outputs stay in
// WebAssembly memory between the kernels of a step. Training with it must give the same bits as
// training without it (the same kernels run on the same values, only the copies differ), the
// activations a Sequential passes between its layers are freed unread, what a step kept is due back
// to the host at its boundary and nothing stays past the next one, and a tensor a program holds
// keeps its values.
import { afterAll, describe, expect, it } from 'vitest';
import {
  createWasmBackend, createModel, setBackend, resetBackend, manualSeed, Generator, rand, tensor, Variable, F, SGD, noGrad, defineOp,
  Module, Sequential, Conv2d, BatchNorm2d, ReLU, Linear,
  type Input, type Tensor, type WasmBackend,
} from '../src/publicApi.js';

type Thresholds = 'auto' | 'none';
type Stats = ReturnType<WasmBackend['residentStats']>;
const backends: WasmBackend[] = [];
afterAll(() => {
  resetBackend();
  for (const b of backends) b.close();
});

function backend(resident: boolean, thresholds: Thresholds, residentBytes?: number): WasmBackend {
  const b = createWasmBackend({ threads: 2, thresholds, resident, ...(residentBytes === undefined ? {} : { residentBytes }) });
  backends.push(b);
  return b;
}

/**
 * A Sequential's layers run one by one by a custom module: the activations stay reachable to it, so
 * they stay (kept, then due back to the host) where a Sequential frees them.
 */
class Chain extends Module {
  constructor(readonly parts: Module[]) {
    super();
  }

  forward(x: Input): Variable {
    let y = x;
    for (const m of this.parts) y = m.forward(y);
    return y as Variable;
  }
}

function chained(m: Sequential): Chain {
  return new Chain(m.layers);
}

interface Run {
  params: Float32Array[];
  losses: number[];
  /** The model's output of the first step, read only after the last one. */
  firstOutput: Float32Array;
  /** residentStats() after each step's forward and after each step. */
  duringStep: number[];
  afterStep: number[];
  /** The bytes due back to the host after each step. */
  dueAfterStep: number[];
  /** The bytes of the model's buffers (batch norm's running statistics: replaced by kernel outputs every step). */
  bufferBytes: number;
}

/** `steps` SGD steps of `name` (batch 8, dropout and batch norm in training mode) on backend `b`, as a Sequential or through a Chain. */
function train(name: 'squeezenet' | 'nin-bn', b: WasmBackend, steps: number, chain = false): Run {
  setBackend(b);
  manualSeed(7); // dropout's masks
  const g = new Generator(5);
  const built = createModel(name, { generator: g });
  const model: Module = chain ? chained(built) : built;
  const x = rand([8, 1, 28, 28], { generator: g });
  const y = tensor(Float32Array.from({ length: 8 }, () => g.randint(10)), [8]);
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 1e-4 });
  const bufferBytes = 4 * model.namedBuffers().reduce((n, [, b]) => n + b.value.size, 0);
  const run: Run = { params: [], losses: [], firstOutput: new Float32Array(0), duringStep: [], afterStep: [], dueAfterStep: [], bufferBytes };
  let first: Tensor | null = null;
  model.train();
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const out = model.forward(new Variable(x));
    first ??= out.data;
    const loss = F.crossEntropy(out, y);
    run.duringStep.push(b.residentStats().bytes);
    loss.backward();
    opt.step();
    run.losses.push(loss.item());
    run.afterStep.push(b.residentStats().bytes);
    run.dueAfterStep.push(b.residentStats().dueBytes);
  }
  run.firstOutput = first!.toArray();
  run.params = model.parameters().map((p) => p.data.toArray());
  resetBackend();
  return run;
}

describe('wasm residency', () => {
  for (const name of ['squeezenet', 'nin-bn'] as const) {
    for (const thresholds of ['auto', 'none'] as const) {
      it(`${name} trains to the same bits with and without it (thresholds ${thresholds}); a Sequential's activations are freed, a chain's held past the boundary`, () => {
        const copied = train(name, backend(false, thresholds), 4);
        const kept = train(name, backend(true, thresholds), 4);
        const chain = train(name, backend(true, thresholds), 4, true);
        for (const r of [kept, chain]) {
          expect(r.losses).toEqual(copied.losses);
          expect(r.params).toEqual(copied.params);
          expect(r.firstOutput).toEqual(copied.firstOutput);
          // outputs were kept during each step
          for (const bytes of r.duringStep) expect(bytes).toBeGreaterThan(0);
        }
        expect(copied.duringStep).toEqual([0, 0, 0, 0]);
        // the Sequential's activations were freed unread once backward had read them: nothing is left
        // but the running statistics the model holds (where the kernels that update them run in wasm)
        // and, where every kernel runs in wasm, what crossEntropy's two sums made (per sample, then
        // over the batch: 4 * (8 + 1) bytes; the smallest activation, the logits, is 320)
        const lossBytes = thresholds === 'none' ? 4 * (8 + 1) : 0;
        for (const bytes of kept.afterStep) expect(bytes).toBeLessThanOrEqual(kept.bufferBytes + lossBytes);
        // a custom module may still read its activations: after each step what that step kept, all due
        // back to the host (the same every step: nothing from the step before stays past a boundary)
        expect(chain.afterStep[0]).toBeGreaterThan(kept.bufferBytes);
        expect(chain.afterStep).toEqual(chain.afterStep.map(() => chain.afterStep[0]));
        expect(chain.dueAfterStep).toEqual(chain.afterStep);
      });
    }
  }

  it('memory stays bounded over steps: 30 steps take no more WebAssembly memory than 3 and two steps\' arrays', () => {
    // how much of a step's arrays is still due when the next one allocates depends on the threads'
    // timing, so the memory may grow once or twice; arrays held past their second boundary would
    // add a step's worth every step
    const b = backend(true, 'auto');
    const first = train('squeezenet', b, 3, true);
    const after3 = b.memoryBytes();
    const stepBytes = Math.max(...first.duringStep);
    train('squeezenet', b, 30, true);
    expect(b.memoryBytes()).toBeLessThanOrEqual(after3 + 2 * stepBytes);
  });

  it('without convolutions to copy them back during the next step, the boundary after brings them back', () => {
    const b = backend(true, 'none');
    setBackend(b);
    const g = new Generator(11);
    const net = chained(new Sequential(new Linear(64, 256, { generator: g }), new ReLU(), new Linear(256, 10, { generator: g })));
    const opt = new SGD(net.parameters(), { lr: 0.01 });
    const x = rand([32, 64], { generator: g }), y = tensor(Float32Array.from({ length: 32 }, (_, i) => i % 10), [32]);
    const after: number[] = [];
    const memory: number[] = [];
    for (let i = 0; i < 12; i++) {
      opt.zeroGrad();
      F.crossEntropy(net.forward(new Variable(x)), y).backward();
      opt.step();
      after.push(b.residentStats().bytes);
      memory.push(b.memoryBytes());
    }
    resetBackend();
    // each boundary holds that step's arrays only (the step before's came back at it)
    expect(after[0]).toBeGreaterThan(0);
    expect(after).toEqual(after.map(() => after[0]));
    expect(memory[11]).toBe(memory[2]);
  });

  it('a loop with no step boundary holds at most residentBytes not due back, twice that in all, and every value comes back intact', () => {
    const cap = 1 << 20;
    const kept = backend(true, 'none', cap), copied = backend(false, 'none');
    const g = new Generator(2);
    const w = rand([8, 4, 3, 3], { generator: g });
    const xs = Array.from({ length: 12 }, () => rand([4, 4, 16, 16], { generator: g }));
    // 12 convolutions (64 KiB outputs) and their ReLUs with the tape on, no backward: ~1.5 MiB made
    const outputs = (b: WasmBackend): { values: Float32Array[]; peak: number; peakHeld: number } => {
      setBackend(b);
      const ys: Variable[] = [];
      let peak = 0, peakHeld = 0;
      const wv = new Variable(w, { requiresGrad: true });
      for (const x of xs) {
        ys.push(F.relu(F.conv2d(x, wv, null, { padding: 1 })));
        const s = b.residentStats();
        peak = Math.max(peak, s.bytes);
        peakHeld = Math.max(peakHeld, s.bytes - s.dueBytes);
      }
      const values = ys.map((t) => t.data.toArray());
      resetBackend();
      return { values, peak, peakHeld };
    };
    const a = outputs(kept), c = outputs(copied);
    expect(a.peakHeld).toBeGreaterThan(0);
    expect(a.peakHeld).toBeLessThanOrEqual(cap);
    expect(a.peak).toBeLessThanOrEqual(2 * cap);
    expect(a.values).toEqual(c.values);
  });

  it('inside noGrad it holds at most 32 MiB not due back (64 in all); with the tape on, up to residentBytes', () => {
    const b = backend(true, 'auto', 64 * 2 ** 20);
    setBackend(b);
    const g = new Generator(6);
    // a step the test before left open (a forward recorded, no backward) ends with a backward: only a
    // noGrad entered with nothing on the tape is an inference pass
    new Variable(tensor([1]), { requiresGrad: true }).sum().backward();
    const w = rand([16, 4, 3, 3], { generator: g });
    const x = rand([4, 4, 128, 128], { generator: g });
    // 12 convolutions of 4 MiB outputs each, kept while nothing reads them
    const peak = (): { all: number; held: number } => {
      let all = 0, held = 0;
      const ys: Variable[] = [];
      for (let i = 0; i < 12; i++) {
        ys.push(F.conv2d(x, w, null, { padding: 1 }));
        const s = b.residentStats();
        all = Math.max(all, s.bytes);
        held = Math.max(held, s.bytes - s.dueBytes);
      }
      return { all, held };
    };
    const inference = noGrad(peak);
    const recording = peak();
    resetBackend();
    const MiB = 2 ** 20;
    expect(inference.held).toBeGreaterThan(0);
    expect(inference.held).toBeLessThanOrEqual(32 * MiB);
    expect(inference.all).toBeLessThanOrEqual(64 * MiB);
    expect(recording.held).toBeGreaterThan(32 * MiB);
    expect(recording.held).toBeLessThanOrEqual(64 * MiB);
    expect(recording.all).toBeLessThanOrEqual(128 * MiB);
  });

  it('an inference pass through a Sequential frees each activation once the next layer has read it; through a chain they stay kept', () => {
    const g = new Generator(13);
    const model = createModel('squeezenet', { generator: g }).eval();
    const x = rand([32, 1, 28, 28], { generator: g });
    const pass = (b: WasmBackend, net: Module): { bytes: number; out: Float32Array } => {
      setBackend(b);
      const y = noGrad(() => net.forward(x));
      const { bytes } = b.residentStats();
      const out = y.toArray();
      resetBackend();
      return { bytes, out };
    };
    const seq = pass(backend(true, 'auto'), model), chain = pass(backend(true, 'auto'), chained(model));
    const copied = pass(backend(false, 'auto'), model);
    expect(seq.out).toEqual(copied.out);
    expect(chain.out).toEqual(copied.out);
    // nothing but (at most) the output: 32 x 10 logits
    expect(seq.bytes).toBeLessThanOrEqual(32 * 10 * 4);
    expect(chain.bytes).toBeGreaterThan(2 ** 20);
  });

  it('a backward pass keeps the whole limit although it runs inside noGrad', () => {
    const b = backend(true, 'auto', 64 * 2 ** 20);
    setBackend(b);
    const g = new Generator(8);
    const w = rand([16, 16, 3, 3], { generator: g });
    // the identity, noting how many bytes are kept when its backward runs: last, after every convolution's
    let atEnd = -1;
    const probe = defineOp({
      name: 'probe',
      forward(_ctx, x: Tensor) { return x; },
      backward(_ctx, grad: Tensor) { atEnd = b.residentStats().bytes; return [grad]; },
    });
    let h = probe(new Variable(rand([4, 16, 128, 128], { generator: g }), { requiresGrad: true }));
    // 10 outputs of 4 MiB: 40 MiB kept after the forward, past the 32 MiB of an inference pass
    for (let i = 0; i < 10; i++) h = F.conv2d(h, w, null, { padding: 1 });
    const forward = b.residentStats().bytes;
    h.sum().backward();
    resetBackend();
    expect(forward).toBeGreaterThan(32 * 2 ** 20);
    expect(atEnd).toBeGreaterThanOrEqual(forward);
  });

  it('a retained gradient into a fused batch norm and ReLU keeps its values', () => {
    // the batch-norm backward masks its incoming gradient by the ReLU: never over that gradient itself
    const grads = (b: WasmBackend): Float32Array[] => {
      setBackend(b);
      const g = new Generator(9);
      const net = new Sequential(new Conv2d(3, 8, 3, { padding: 1, generator: g }), new BatchNorm2d(8), new ReLU());
      const y = net.forward(new Variable(rand([4, 3, 16, 16], { generator: g })));
      y.retainGrad();
      const up = rand(y.shape, { generator: g });
      y.mul(up).sum().backward();
      const r = [y.grad!.toArray(), up.toArray(), ...net.parameters().map((p) => p.grad!.toArray())];
      resetBackend();
      return r;
    };
    const [kept, upstream] = grads(backend(true, 'none'));
    expect(kept).toEqual(upstream);
    expect(grads(backend(true, 'none'))).toEqual(grads(backend(false, 'none')));
  });

  it('max pooling frees its indices unread when no backward will read them, and keeps them when it returns them', () => {
    const g = new Generator(12);
    const x = rand([2, 3, 16, 16], { generator: g });
    const pool = (b: WasmBackend, returnIndices: boolean): { arrays: number; values: Float32Array[] } => {
      setBackend(b);
      const r = noGrad(() => (returnIndices ? F.maxPool2d(x, 2, { returnIndices: true }) : [F.maxPool2d(x, 2)]));
      const arrays = b.residentStats().arrays;
      const values = r.map((t) => (t instanceof Variable ? t.data : t).toArray());
      resetBackend();
      return { arrays, values };
    };
    const dropped = pool(backend(true, 'none'), false), returned = pool(backend(true, 'none'), true);
    expect(dropped.arrays).toBe(1);
    expect(returned.arrays).toBe(2);
    expect(returned.values).toEqual(pool(backend(false, 'none'), true).values);
    expect(dropped.values[0]).toEqual(returned.values[0]);
  });

  it('changing the backend brings kept values back first', () => {
    const g = new Generator(3);
    const x = rand([2, 3, 8, 8], { generator: g }), w = rand([5, 3, 3, 3], { generator: g });
    const conv = (b: WasmBackend): Tensor => {
      setBackend(b);
      const y = F.conv2d(x, w, null, { padding: 1 }).data;
      expect(b.residentStats().arrays).toBe(b.resident ? 1 : 0);
      resetBackend();
      expect(b.residentStats()).toEqual({ arrays: 0, bytes: 0, dueBytes: 0 });
      return y;
    };
    const kept = conv(backend(true, 'none')), copied = conv(backend(false, 'none'));
    expect(kept.toArray()).toEqual(copied.toArray());
  });

  it('what a step kept goes back to the host during the next one, as its convolutions run', () => {
    // one thread: a convolution copies everything due before it computes (with workers, while they compute)
    const passes = (b: WasmBackend): { outputs: Float32Array[]; stats: Stats[] } => {
      setBackend(b);
      const g = new Generator(4);
      const model = chained(createModel('squeezenet', { generator: g }));
      F.crossEntropy(model.forward(new Variable(rand([4, 1, 28, 28], { generator: g }))), tensor([1, 2, 3, 4], [4])).backward();
      const stats = [b.residentStats()];
      model.eval();
      const outputs: Variable[] = [];
      for (let i = 0; i < 2; i++) {
        outputs.push(noGrad(() => model.forward(new Variable(rand([16, 1, 28, 28], { generator: g })))));
        stats.push(b.residentStats());
      }
      // a convolution with nothing on the tape and no boundary after it
      F.conv2d(rand([8, 4, 32, 32], { generator: g }), rand([8, 4, 3, 3], { generator: g }), null, { padding: 1 });
      stats.push(b.residentStats());
      const values = outputs.map((o) => o.data.toArray());
      resetBackend();
      return { outputs: values, stats };
    };
    const make = (resident: boolean): WasmBackend => {
      const b = createWasmBackend({ threads: 1, thresholds: 'auto', resident });
      backends.push(b);
      return b;
    };
    const kept = passes(make(true)), copied = passes(make(false));
    expect(kept.outputs).toEqual(copied.outputs);
    const [training, first, second, afterConv] = kept.stats as [Stats, Stats, Stats, Stats];
    // after each boundary: that step's arrays only, all due
    for (const s of [training, first, second]) {
      expect(s.bytes).toBeGreaterThan(0);
      expect(s.dueBytes).toBe(s.bytes);
    }
    expect(second.bytes).toBe(first.bytes);
    // the convolution copied back everything due before it; only its own output is kept
    expect(afterConv.dueBytes).toBe(0);
    expect(afterConv.bytes).toBe(8 * 8 * 32 * 32 * 4);
  });
});
