// The training worker: holds the data and the model, trains on the wasm backend, answers the page's
// predictions between steps. Only this side of the page imports tapegrad.
import { MNIST_MEAN, MNIST_STD, Subset, Tensor, getBackend, ready, useWasmBackend, type Sequential } from 'tapegrad';
import type { FromWorker, ToWorker, WorkerState } from './protocol.js';
import { loadMnistSplit, type MnistSplit } from './digitsData.js';
import { BATCH_SIZE, evaluateInSteps, recipeModel, recipeRun, testLoader } from './recipeRun.js';
import { RunGate } from './runGate.js';
import { classActivationMaps, gapTrunk } from './classMaps.js';
import { argmax, classMap, minMaxScale, softmax } from './camMath.js';
import { threadReason } from './threadReason.js';
import { weightsFromBytes, weightsToBytes } from './weightsFile.js';

interface WorkerScope {
  crossOriginIsolated: boolean;
  navigator: { hardwareConcurrency?: number };
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorker>) => void): void;
}

const scope = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);

let data: MnistSplit | null = null;
/** The model and its trunk (everything before the GAP), made once the backend is ready. */
let net: { model: Sequential; trunk: Sequential } | null = null;
let trained = false;
let gate: RunGate | null = null;
let state: WorkerState = 'loading';

function setState(s: WorkerState): void {
  state = s;
  post({ type: 'state', state, trained });
}

function fail(during: string, e: unknown): void {
  post({ type: 'error', during, message: e instanceof Error ? e.message : String(e) });
}

async function init(digitsUrl: string, threads: number | null, subset: number | null, backend: 'webgpu' | null): Promise<void> {
  await ready();
  if (backend === 'webgpu') {
    try {
      // loaded only when asked for: the page's default build path never fetches it
      const { useWebGpuBackendAsync } = await import('@tapegrad/backend-webgpu');
      await useWebGpuBackendAsync();
    } catch (e) {
      fail('starting the WebGPU backend (?backend=webgpu)', e);
    }
  } else if (threads !== null) {
    try {
      useWasmBackend({ threads });
    } catch (e) {
      fail(`starting the wasm backend on ${threads} threads (?threads=${threads})`, e);
    }
  }
  replaceModel(recipeModel(0));
  data = await loadMnistSplit(digitsUrl);
  // Test mode (?subset=N, test/browser/page.test.ts): the first N training images only.
  if (subset !== null) data = { ...data, train: new Subset(data.train, Array.from({ length: Math.min(subset, data.train.length) }, (_, i) => i)) };
  const b = getBackend();
  const facts = {
    backend: b.name, threads: b.threads ?? 1, cores: scope.navigator.hardwareConcurrency ?? 1,
    crossOriginIsolated: scope.crossOriginIsolated, requested: threads,
  };
  post({
    type: 'ready', backend: { name: facts.backend, threads: facts.threads, cores: facts.cores, crossOriginIsolated: facts.crossOriginIsolated, reason: threadReason(facts) },
    trainSize: data.train.length, testSize: data.test.length, batchSize: BATCH_SIZE,
  });
  setState('idle');
}

function replaceModel(model: Sequential): void {
  net = { model, trunk: gapTrunk(model) };
}

function loaded(): { data: MnistSplit; model: Sequential; trunk: Sequential } {
  if (data === null || net === null) throw new Error('the worker is still loading the data');
  return { data, ...net };
}

async function train(epochs: number, seed: number): Promise<void> {
  const { data } = loaded();
  gate?.cancel();
  const g = new RunGate();
  gate = g;
  const model = recipeModel(seed);
  replaceModel(model);
  trained = false;
  setState('training');
  const finished = await recipeRun(model, data, { epochs, seed }, g, {
    step: (report) => post({ type: 'step', report }),
    epoch: (report) => {
      trained = true;
      post({ type: 'epoch', report });
    },
    phase: (p) => setState(p),
  });
  if (finished && gate === g) {
    gate = null;
    setState('done');
  }
}

function predict(id: number, pixels: Float32Array): void {
  const { model, trunk } = loaded();
  const x = new Tensor(pixels.map((v) => (v - MNIST_MEAN) / MNIST_STD), [1, 1, 28, 28]);
  const cam = classActivationMaps(model, trunk, x);
  const probs = softmax(cam.logits), predicted = argmax(probs);
  const map = classMap(cam.maps, predicted, cam.size), upsampled = minMaxScale(classMap(cam.upsampled, predicted, cam.upSize));
  post({ type: 'prediction', prediction: { id, probs, predicted, map, size: cam.size, upsampled, upSize: cam.upSize } }, [probs.buffer, map.buffer, upsampled.buffer]);
}

async function load(name: string, bytes: ArrayBuffer): Promise<void> {
  const { data } = loaded();
  const w = weightsFromBytes(new Uint8Array(bytes), name);
  if (w.modelName !== null && w.modelName !== 'nin-bn') throw new Error(`${name} is a ${w.modelName} checkpoint; this page runs nin-bn (tapegrad train's default model)`);
  const m = recipeModel(0);
  m.loadStateDict(w.state);
  gate?.cancel();
  gate = null;
  replaceModel(m);
  trained = true;
  setState('evaluating');
  const val = await evaluateInSteps(m, testLoader(data), null);
  post({ type: 'loaded', name, kind: w.kind, modelName: w.modelName, epoch: w.epoch, testAccuracy: val?.accuracy ?? NaN });
  setState('idle');
}

function save(): void {
  const { buffer } = weightsToBytes(loaded().model.stateDict()); // the whole buffer: weightsToBytes allocates it
  post({ type: 'weights', bytes: buffer }, [buffer]);
}

scope.addEventListener('message', (e) => {
  const m = e.data;
  switch (m.type) {
    case 'init': init(m.digitsUrl, m.threads, m.subset, m.backend).catch((err: unknown) => fail('starting', err)); break;
    case 'train':
      train(m.settings.epochs, m.settings.seed).catch((err: unknown) => {
        gate = null;
        fail('training', err);
        setState('idle');
      });
      break;
    case 'pause': gate?.pause(); break;
    case 'resume': gate?.resume(); break;
    case 'predict':
      try {
        predict(m.id, m.pixels);
      } catch (err) {
        fail('predicting', err);
      }
      break;
    case 'load':
      load(m.name, m.bytes).catch((err: unknown) => {
        fail(`loading ${m.name}`, err);
        setState(gate === null ? 'idle' : state);
      });
      break;
    case 'save':
      try {
        save();
      } catch (err) {
        fail('saving', err);
      }
      break;
  }
});
