// `pnpm bench --only peers`: the inference peers, run once per session in a fresh process. Each
// canonical model (seeded as in bench/models.ts, eval mode) is exported with exportOnnx (dynamic
// batch) and run at batch 256 on bench/models.ts's inference input in onnxruntime-node (native CPU
// provider) and in onnxruntime-web's wasm backend, timed as our figures (warm-up, then the median of
// timed runs within the budget). Each peer's output is checked against tapegrad's eval forward on
// the same batch (maxDiff). Both runtimes come from the @tapegrad/onnx-tests project, which alone
// installs them (`pnpm install` without a filter does).
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Generator, tensor, noGrad, Variable, exportOnnx, getBackend } from 'tapegrad';
import { findCreateModel, input, INFER_BATCH, TRAIN_BATCH } from './models.js';
import { measureAsync, median, peakRssMiB, PLANS, round, stats, type BenchRecord } from './measure.js';

/** What the bench uses of onnxruntime-node's and onnxruntime-web's common API. */
interface OrtTensor { readonly data: unknown; readonly dims: readonly number[] }
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface Ort {
  readonly InferenceSession: { create(bytes: Uint8Array, opts: Record<string, unknown>): Promise<OrtSession> };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  readonly env: { wasm: { numThreads?: number; simd?: boolean | string }; versions: Record<string, string | undefined> };
}

interface Peer {
  readonly name: 'onnxruntime-node' | 'onnxruntime-web';
  readonly ort: Ort;
  readonly version: string;
  readonly options: Record<string, unknown>;
  readonly extra: BenchRecord;
}

const onnxTests = createRequire(new URL('../packages/onnx/test/package.json', import.meta.url));

function emitPeer(rec: BenchRecord): void {
  process.stdout.write(`${JSON.stringify({ part: 'peers', ...rec })}\n`);
}

async function loadPeers(threads: number): Promise<{ peers: Peer[]; errors: BenchRecord[] }> {
  const peers: Peer[] = [], errors: BenchRecord[] = [];
  try {
    const ort = onnxTests('onnxruntime-node') as Ort;
    peers.push({
      name: 'onnxruntime-node', ort, version: ort.env.versions['node'] ?? ort.env.versions['common'] ?? 'unknown',
      options: { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] },
      extra: { provider: 'cpu (native)' },
    });
  } catch (e) {
    errors.push({ peer: 'onnxruntime-node', error: `cannot load onnxruntime-node from packages/onnx/test: ${String(e)}`.slice(0, 300) });
  }
  try {
    // The package's "node" entry, as ES module: its threaded wasm build starts its workers from the
    // .mjs files beside it (worker_threads in Node).
    const cjs = onnxTests.resolve('onnxruntime-web');
    const ort = (await import(pathToFileURL(join(dirname(cjs), 'ort.node.min.mjs')).href)) as Ort;
    ort.env.wasm.numThreads = threads;
    peers.push({
      name: 'onnxruntime-web', ort, version: ort.env.versions['web'] ?? ort.env.versions['common'] ?? 'unknown',
      options: { executionProviders: ['wasm'] },
      extra: { provider: 'wasm' },
    });
  } catch (e) {
    errors.push({ peer: 'onnxruntime-web', error: `cannot load onnxruntime-web from packages/onnx/test: ${String(e)}`.slice(0, 300) });
  }
  return { peers, errors };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Threads of this process now (Linux), to tell whether a peer really started workers. */
function osThreads(): number | null {
  try {
    return readdirSync('/proc/self/task').length;
  } catch {
    return null;
  }
}

export async function runPeers(models: readonly string[], threads: number, tapegradCommon: BenchRecord, budgetS: number): Promise<void> {
  // The run's common fields less our backend and thread count, which are not the peers'.
  const { backend: _backend, threads: _threads, ...common } = tapegradCommon;
  const createModel = findCreateModel();
  if (createModel === null) {
    emitPeer({ error: 'createModel is not exported by @tapegrad/train yet', ...common });
    return;
  }
  const { peers, errors } = await loadPeers(threads);
  for (const e of errors) emitPeer({ ...e, ...common });
  const reference = getBackend().name;
  for (const name of models) {
    // bench/models.ts's draws in its order: weights, the training batch and targets, the inference batch.
    const g = new Generator(1234);
    const model = createModel(name, { generator: g });
    input(TRAIN_BATCH, g);
    tensor(Float32Array.from({ length: TRAIN_BATCH }, () => g.randint(10)), [TRAIN_BATCH]);
    const x = input(INFER_BATCH, g);
    model.eval();
    const bytes = exportOnnx(model, { inputShape: [1, 1, 28, 28], dynamicBatch: true });
    const expected = noGrad(() => model.forward(new Variable(x))).data.toArray();
    const xs = x.toArray();
    const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (const peer of peers) {
      const base: BenchRecord = { peer: peer.name, system: peer.name, model: name, pass: 'infer', batch: INFER_BATCH, threads, version: peer.version, ...peer.extra };
      let session: OrtSession | null = null;
      try {
        const threadsBefore = osThreads();
        session = await peer.ort.InferenceSession.create(bytes, peer.options);
        const s = session;
        const feeds = { input: new peer.ort.Tensor('float32', xs, [INFER_BATCH, 1, 28, 28]) };
        const first = (await s.run(feeds))['output']!;
        const got = first.data as Float32Array;
        const maxDiff = first.dims.join('x') === `${INFER_BATCH}x10` ? maxAbsDiff(got, expected) : Infinity;
        const cpu0 = process.cpuUsage(), w0 = performance.now();
        const t = await measureAsync(async () => {
          const out = (await s.run(feeds))['output']!;
          if (out.dims[0] !== INFER_BATCH || out.dims[1] !== 10) throw new Error(`output shape ${out.dims.join('x')}`);
          void (out.data as Float32Array)[0];
        }, PLANS.infer, budgetS);
        const cpu = process.cpuUsage(cpu0), wall = (performance.now() - w0) / 1e3;
        const med = median(t.times);
        emitPeer({
          ...base, imagesPerSecond: round(INFER_BATCH / med, 1), ms_per_step: round(med * 1e3, 2), ...stats(t),
          maxDiff: Number(maxDiff.toExponential(2)), maxDiffOk: maxDiff <= 1e-4, max_abs_output: Number(scale.toPrecision(3)), reference: `tapegrad ${reference} eval forward`,
          // CPU seconds per wall second while timing: about 1 single-threaded, up to `threads` when the pool works.
          cpu_per_wall: round((cpu.user + cpu.system) / 1e6 / wall, 2),
          os_threads_before: threadsBefore, os_threads_after: osThreads(),
          ...common, peak_rss_mib_process: peakRssMiB(),
        });
      } catch (e) {
        emitPeer({ ...base, error: `${peer.name} failed: ${String(e)}`.slice(0, 300), ...common });
      } finally {
        await session?.release();
      }
    }
  }
}
