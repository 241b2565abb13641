// The page: starts the training worker, shows its progress, and runs the drawing pad's predictions
// through it. Nothing here imports tapegrad; the main thread only draws, on animation frames.
import type { FromWorker, Prediction, ToWorker, WorkerState } from './protocol.js';
import { TrainingHistory } from './trainingHistory.js';
import { preprocessDrawing, type Preprocessed } from './drawingPreprocess.js';
import { predictionAttributes, roundBox } from './predictionAttributes.js';
import { byId } from './ui/byId.js';
import { DrawingPad } from './ui/drawingPad.js';
import { ProbabilityBars } from './ui/probabilityBars.js';
import { TrainingView } from './ui/trainingView.js';
import { drawCamOverlay, drawInputPreview } from './ui/camView.js';

const app = byId('app');
const ui = {
  backend: byId('backend'), status: byId('status'), message: byId('message'), threads: byId('stat-threads'), reason: byId('thread-reason'),
  epochs: byId<HTMLInputElement>('epochs'), seed: byId<HTMLInputElement>('seed'), train: byId<HTMLButtonElement>('train'),
  pause: byId<HTMLButtonElement>('pause'), download: byId<HTMLButtonElement>('download'), load: byId<HTMLInputElement>('load-weights'),
  clear: byId<HTMLButtonElement>('clear'), showCam: byId<HTMLInputElement>('show-cam'), pad: byId<HTMLCanvasElement>('pad'),
  padCam: byId<HTMLCanvasElement>('pad-cam'), padHint: byId('pad-hint'), preview: byId<HTMLCanvasElement>('input-preview'),
  prediction: byId('prediction'), confidence: byId('confidence'), untrained: byId('untrained'),
};

// --- test mode (test/browser/page.test.ts) --------------------------------------------------------
// ?subset=N: the worker trains on the first N training images only, and #app's data-step-losses
// holds the run's losses, one per step (JSON), to compare with the same run in Node; and (for
// bench/browser.ts, `pnpm bench --only browser`) #app's data-epoch-rates holds the worker's own
// figures of every epoch finished, JSON [{ epoch, seconds, imagesPerSecond }] (training time only,
// as the epoch table shows them). ?epochs=E and ?seed=S preset the two inputs (in any mode).
const params = new URLSearchParams(location.search);
const subsetParam = Number(params.get('subset') ?? NaN);
const testSubset = Number.isInteger(subsetParam) && subsetParam > 0 ? subsetParam : null;
for (const k of ['epochs', 'seed'] as const) ui[k].value = params.get(k) ?? ui[k].value;
let stepLosses: number[] = [];
let epochRates: { epoch: number; seconds: number; imagesPerSecond: number }[] = [];

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []): void => worker.postMessage(m, transfer);

const view = new TrainingView(() => requestRender());
const bars = new ProbabilityBars(byId('bars'));
let history = new TrainingHistory();
let state: WorkerState = 'loading';
let trained = false;
let runActive = false;
let ready = false;
let stepsPerEpoch = 125;

// --- rendering on animation frames only ---------------------------------------------------------
let framePending = false;
function requestRender(): void {
  if (framePending) return;
  framePending = true;
  requestAnimationFrame(() => {
    framePending = false;
    view.render(history, stepsPerEpoch * Number(ui.epochs.value || 15), stepsPerEpoch);
  });
}

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  ui.message.textContent = text;
  ui.message.hidden = text === '';
  ui.message.classList.toggle('error', kind === 'error');
}

const STATUS: Record<WorkerState, string> = {
  loading: 'loading data…', idle: 'ready', training: 'training', paused: 'paused', evaluating: 'evaluating on the test set…', done: 'done',
};

function showState(): void {
  app.dataset['state'] = state;
  app.dataset['trained'] = String(trained);
  ui.status.textContent = state === 'idle' && !trained ? 'ready: press Train, or load weights' : STATUS[state];
  ui.status.className = `status ${state}`;
  const busy = state === 'training' || state === 'paused' || state === 'evaluating';
  ui.train.disabled = !ready;
  ui.train.textContent = runActive && busy ? 'Restart' : 'Train';
  ui.pause.disabled = !(runActive && busy);
  ui.pause.textContent = state === 'paused' ? 'Resume' : 'Pause';
  ui.download.disabled = !ready;
  ui.load.disabled = !ready;
  ui.untrained.hidden = trained;
}

// --- predictions ----------------------------------------------------------------------------------
const pad = new DrawingPad(ui.pad, { onDraw: () => requestPrediction(), onStroke: () => requestPrediction() });
interface Pending { prep: Preprocessed; strokes: number; generation: number }
const pending = new Map<number, Pending>();
let nextId = 0, inFlight = false, queued = false, generation = 0;
let shown: { prep: Preprocessed; prediction: Prediction } | null = null;


function requestPrediction(): void {
  if (!ready || inFlight) {
    queued = true;
    return;
  }
  queued = false;
  const prep = preprocessDrawing(pad.ink());
  ui.pad.dataset['strokes'] = String(pad.strokes);
  ui.pad.dataset['strokeBox'] = prep ? JSON.stringify(roundBox(pad.toCss(prep.box))) : '';
  ui.padHint.hidden = prep !== null;
  if (prep === null) return;
  const id = ++nextId;
  pending.set(id, { prep, strokes: pad.strokes, generation });
  inFlight = true;
  const pixels = prep.image.data.slice();
  send({ type: 'predict', id, pixels }, [pixels.buffer]);
}

function showPrediction(p: Prediction): void {
  const req = pending.get(p.id);
  pending.delete(p.id);
  inFlight = false;
  if (req && req.generation === generation) {
    shown = { prep: req.prep, prediction: p };
    ui.prediction.textContent = String(p.predicted);
    Object.assign(ui.prediction.dataset, predictionAttributes(req.prep, p, req.strokes, pad.cssScale));
    ui.confidence.textContent = `${(100 * p.probs[p.predicted]!).toFixed(1)} % sure`;
    bars.show(p.probs, p.predicted);
    drawCam();
  }
  if (queued) requestPrediction();
}

function drawCam(): void {
  const on = ui.showCam.checked && shown !== null;
  drawCamOverlay(ui.padCam, on ? shown!.prep : null, on ? shown!.prediction.upsampled : null, shown?.prediction.upSize ?? 28);
  drawInputPreview(ui.preview, shown?.prep.image ?? null, on ? shown!.prediction.upsampled : null);
}

function clearPad(): void {
  pad.clear();
  generation++;
  shown = null;
  queued = false;
  ui.pad.dataset['strokes'] = '0';
  ui.pad.dataset['strokeBox'] = '';
  ui.padHint.hidden = false;
  const el = ui.prediction;
  el.textContent = '?';
  for (const k of ['class', 'confidence', 'probs', 'camArgmax', 'camCentroid', 'camMap']) el.dataset[k] = '';
  el.dataset['strokes'] = '0';
  ui.confidence.textContent = 'draw a digit';
  bars.show(null, null);
  drawCam();
}

/** After the weights change, the digit on the pad is predicted again. */
function repredict(): void {
  if (shown !== null || pad.strokes > 0) requestPrediction();
}

// --- the worker's messages ------------------------------------------------------------------------
worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'ready': {
      ready = true;
      stepsPerEpoch = Math.ceil(m.trainSize / m.batchSize);
      const b = m.backend;
      ui.backend.textContent = `${b.name} backend · ${b.threads} thread${b.threads > 1 ? 's' : ''} · ${b.cores} cores · crossOriginIsolated ${b.crossOriginIsolated} · ${m.trainSize.toLocaleString('en')} train / ${m.testSize.toLocaleString('en')} test images`;
      ui.threads.textContent = String(b.threads);
      ui.threads.dataset['value'] = String(b.threads);
      app.dataset['threads'] = String(b.threads);
      ui.reason.hidden = b.reason === null;
      ui.reason.textContent = b.reason === null ? '' : `One thread: ${b.reason}.`;
      requestRender();
      if (queued) requestPrediction();
      break;
    }
    case 'state':
      state = m.state;
      trained = m.trained;
      if (state === 'done' || state === 'idle') runActive = false;
      showState();
      if (state === 'done') repredict();
      break;
    case 'step':
      history.addStep(m.report);
      if (testSubset !== null) { // test mode
        if (m.report.globalStep === 1) {
          stepLosses = [];
          epochRates = [];
          delete app.dataset['epochRates'];
        }
        stepLosses.push(m.report.loss);
        app.dataset['stepLosses'] = JSON.stringify(stepLosses);
      }
      requestRender();
      break;
    case 'epoch':
      if (testSubset !== null) { // test mode (bench/browser.ts): the worker's own figures of the epoch
        epochRates.push({ epoch: m.report.epoch, seconds: m.report.seconds, imagesPerSecond: m.report.imagesPerSecond });
        app.dataset['epochRates'] = JSON.stringify(epochRates);
      }
      history.addEpoch(m.report);
      view.addEpoch(m.report);
      requestRender();
      repredict();
      break;
    case 'prediction':
      showPrediction(m.prediction);
      break;
    case 'weights': {
      const url = URL.createObjectURL(new Blob([m.bytes], { type: 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = 'nin-bn.safetensors';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      break;
    }
    case 'loaded': {
      const what = m.kind === 'checkpoint' ? `checkpoint${m.epoch !== null ? ` (epoch ${m.epoch})` : ''}` : 'safetensors weights';
      say(`Loaded ${m.name}, ${what}: ${(100 * m.testAccuracy).toFixed(2)} % test accuracy.`);
      ui.message.dataset['testAccuracy'] = String(m.testAccuracy);
      view.showTestAccuracy(m.testAccuracy);
      repredict();
      break;
    }
    case 'error':
      say(`Error while ${m.during}: ${m.message}`, 'error');
      if (m.during === 'predicting') {
        inFlight = false;
        pending.clear();
      }
      break;
  }
});
worker.addEventListener('error', (e) => say(`The training worker failed: ${e.message || 'its script did not load (the browser console says why)'}`, 'error'));

// --- controls -------------------------------------------------------------------------------------
ui.train.addEventListener('click', () => {
  const epochs = Math.max(1, Math.min(50, Math.round(Number(ui.epochs.value) || 15)));
  const seed = Math.max(0, Math.round(Number(ui.seed.value) || 0));
  ui.epochs.value = String(epochs);
  ui.seed.value = String(seed);
  history = new TrainingHistory();
  view.reset();
  say('');
  runActive = true;
  send({ type: 'train', settings: { epochs, seed } });
  requestRender();
});
ui.pause.addEventListener('click', () => send({ type: state === 'paused' ? 'resume' : 'pause' }));
ui.download.addEventListener('click', () => send({ type: 'save' }));
ui.load.addEventListener('change', () => {
  const file = ui.load.files?.[0];
  if (!file) return;
  say(`Loading ${file.name}…`);
  file.arrayBuffer().then((bytes) => {
    runActive = false;
    send({ type: 'load', name: file.name, bytes }, [bytes]);
  }, (err: unknown) => say(`Cannot read ${file.name}: ${String(err)}`, 'error'));
  ui.load.value = '';
});
ui.clear.addEventListener('click', clearPad);
ui.showCam.addEventListener('change', drawCam);

const threadsParam = Number(params.get('threads'));
// ?backend=webgpu: the kernels on the GPU (navigator.gpu) through @tapegrad/backend-webgpu's bridge
const backendParam = params.get('backend') === 'webgpu' ? 'webgpu' : null;
send({ type: 'init', digitsUrl: new URL('mnist-digits.bin.gz', document.baseURI).href, threads: Number.isInteger(threadsParam) && threadsParam > 0 ? threadsParam : null, subset: testSubset, backend: backendParam });
bars.show(null, null);
showState();
requestRender();
