// The browser tests' training program: two steps of a small CNN (tapegrad's nin-bn) through `fit`,
// plus the byte-level checkpoint and safetensors round trips, on whatever backend `tapegrad`
// installs. It runs unchanged in Node (the reference), in a page, and in a Worker; bundled by
// esbuild or Vite with no configuration.
import {
  DataLoader, Generator, SGD, StepLR, TensorDataset, createModel, decodeCheckpoint, encodeCheckpoint, safetensorsBytes, evaluate, fit,
  getBackend, loadSafetensors, manualSeed, messageSink, randn, ready, tensor, useWasmBackendAsync, type ProgressMessage,
} from 'tapegrad';

/** How to set the backend up after `ready()`; unset, the one `tapegrad` installed. */
export interface ProgramOptions {
  threads?: number;
  thresholds?: 'auto' | 'none';
}

export interface ProgramResult {
  /** The backend `ready()` installed. */
  defaultBackend: string;
  defaultThreads: number;
  /** The backend the steps ran on. */
  backend: string;
  threads: number;
  crossOriginIsolated: boolean | null;
  cores: number | null;
  /** The two steps' losses. */
  losses: number[];
  /** The run ETAs the sink saw after each step (seconds). */
  runEtas: number[];
  /** evaluate() on the training data after the steps. */
  evalLoss: number;
  evalAccuracy: number;
  /** Message types the sink posted, in order. */
  messages: string[];
  /** encodeCheckpoint -> decodeCheckpoint gives the model state back bit for bit. */
  checkpointRoundTrip: boolean;
  /** loadSafetensors(safetensorsBytes(state)) gives as many tensors back. */
  safetensorsTensors: number;
  /** What loadSafetensors(path) and fit({ outDir }) say in a browser ('' in Node, where they would touch files). */
  pathError: string;
  outDirError: string;
}

function message(f: () => unknown): string {
  try {
    f();
    return '';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export async function twoSteps(opts: ProgramOptions = {}): Promise<ProgramResult> {
  await ready();
  const defaultBackend = getBackend().name, defaultThreads = getBackend().threads ?? 1;
  if (opts.threads !== undefined || opts.thresholds !== undefined) {
    await useWasmBackendAsync({ ...(opts.threads === undefined ? {} : { threads: opts.threads }), ...(opts.thresholds === undefined ? {} : { thresholds: opts.thresholds }) });
  }
  manualSeed(0);
  const model = createModel('nin-bn', { generator: new Generator(1), dropoutGenerator: new Generator(2) });
  const g = new Generator(3);
  const x = randn([16, 1, 28, 28], { generator: g });
  const y = tensor(Float32Array.from({ length: 16 }, (_, i) => i % 10));
  const train = new DataLoader(new TensorDataset(x, y, { numClasses: 10 }), { batchSize: 8, shuffle: true, generator: new Generator(4) });
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const scheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
  const messages: ProgressMessage[] = [];
  const losses: number[] = [];
  fit(model, {
    train, optimizer, scheduler, schedulerStep: 'batch', epochs: 1,
    progress: messageSink((m) => messages.push(m)),
    callbacks: { onBatchEnd: ({ loss }) => losses.push(loss) },
  });
  const evaluated = evaluate(model, train);
  const state = model.stateDict();
  const back = decodeCheckpoint(encodeCheckpoint({ model: state, epoch: 1, meta: { note: 'browser' } }));
  const checkpointRoundTrip = back.epoch === 1 && Object.keys(state).every((k) => {
    const a = state[k]!.toArray(), b = back.model[k]!.toArray();
    return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  });
  const safetensorsTensors = Object.keys(loadSafetensors(safetensorsBytes(state))).length;
  const scope = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number }; process?: { versions?: { node?: string } } };
  const onNode = scope.process?.versions?.node !== undefined;
  return {
    defaultBackend, defaultThreads, backend: getBackend().name, threads: getBackend().threads ?? 1,
    crossOriginIsolated: scope.crossOriginIsolated ?? null, cores: scope.navigator?.hardwareConcurrency ?? null,
    losses, evalLoss: evaluated.loss, evalAccuracy: evaluated.accuracy,
    runEtas: messages.flatMap((m) => (m.type === 'batch' ? [m.runEta] : [])),
    messages: messages.map((m) => m.type),
    checkpointRoundTrip, safetensorsTensors,
    // Node has files: there these would read and write them.
    pathError: onNode ? '' : message(() => loadSafetensors('model.safetensors')),
    outDirError: onNode ? '' : message(() => fit(model, { train, optimizer, epochs: 1, outDir: 'runs/browser', progress: 'none' })),
  };
}
