// The page's small pure helpers: class-map arithmetic, the one-thread explanation, the curves' history.
import { describe, expect, it } from 'vitest';
import { argmax, brightestCell, cellRect, classMap, heatRgb, mapCentroid, mapMeans, minMaxScale, softmax } from './src/camMath.js';
import { threadReason } from './src/threadReason.js';
import { Ema, Series, TrainingHistory, accuracyFloor } from './src/trainingHistory.js';
import type { StepReport } from './src/protocol.js';
import { predictionAttributes } from './src/predictionAttributes.js';
import { greyImage, preprocessDrawing } from './src/drawingPreprocess.js';

describe('camMath', () => {
  it('softmax sums to 1, is shift-invariant and survives large logits', () => {
    const p = softmax([1, 2, 3]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(p[2]! / p[1]!).toBeCloseTo(Math.E, 5);
    expect(Array.from(softmax([1001, 1002, 1003]))).toEqual(Array.from(p));
  });

  it('argmax takes the first of ties; brightestCell gives row and column', () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
    const map = new Float32Array(49);
    map[3 * 7 + 5] = 2;
    expect(brightestCell(map, 7)).toEqual({ row: 3, col: 5, value: 2 });
  });

  it('cellRect: a cell of a 7 x 7 map covers 4 x 4 pixels of the 28 x 28 input', () => {
    expect(cellRect({ row: 3, col: 5, value: 1 }, 7, 28)).toEqual({ x: 20, y: 12, width: 4, height: 4 });
  });

  it('mapCentroid: mass-weighted cell centres in input pixels; two equal lobes centre between them; null for zeros', () => {
    const map = new Float32Array(49);
    map[3 * 7 + 1] = 1; // cell (3, 1): centre (6, 14) in the 28 x 28 input
    expect(mapCentroid(map, 7, 28)).toEqual({ x: 6, y: 14 });
    map[3 * 7 + 5] = 1; // and cell (3, 5): centre (22, 14)
    expect(mapCentroid(map, 7, 28)).toEqual({ x: 14, y: 14 });
    map[0] = -5; // negative values count as 0
    expect(mapCentroid(map, 7, 28)).toEqual({ x: 14, y: 14 });
    expect(mapCentroid(new Float32Array(49), 7, 28)).toBeNull();
  });

  it('classMap and mapMeans read (class, row, col) maps; the means are the GAP logits', () => {
    const maps = Float32Array.from({ length: 3 * 4 }, (_, i) => i); // 3 classes of 2 x 2
    expect(Array.from(classMap(maps, 1, 2))).toEqual([4, 5, 6, 7]);
    expect(Array.from(mapMeans(maps, 3))).toEqual([1.5, 5.5, 9.5]);
  });

  it('minMaxScale spans [0, 1]; a flat map is all zero', () => {
    expect(Array.from(minMaxScale(Float32Array.from([2, 4, 3])))).toEqual([0, 1, 0.5]);
    expect(Array.from(minMaxScale(Float32Array.from([5, 5])))).toEqual([0, 0]);
  });

  it('heatRgb: blue at 0, red at 1, as examples/lib/png.ts colours maps', () => {
    expect(heatRgb(0)).toEqual([0, 0, 128]);
    expect(heatRgb(0.5)).toEqual([128, 255, 128]);
    expect(heatRgb(1)).toEqual([128, 0, 0]);
    expect(heatRgb(-1)).toEqual(heatRgb(0));
  });
});

describe('predictionAttributes', () => {
  it('the class, probabilities and the map\'s brightest cell and centre, in the input and on the pad', () => {
    const drawing = greyImage(280, 280);
    for (let y = 50; y < 90; y++) drawing.data.fill(1, y * 280 + 30, y * 280 + 130);
    const prep = preprocessDrawing(drawing)!; // box (30, 50) 100 x 40 -> scale 0.2, shift (5, 11)
    const map = new Float32Array(49);
    map[3 * 7 + 3] = 2;
    const probs = Float32Array.from({ length: 10 }, (_, i) => (i === 7 ? 0.91 : 0.01));
    const a = predictionAttributes(prep, { id: 1, probs, predicted: 7, map, size: 7, upsampled: new Float32Array(784), upSize: 28 }, 2, 0.5);
    expect([a['class'], a['strokes'], a['confidence']]).toEqual(['7', '2', '0.9100']);
    expect(JSON.parse(a['probs']!)[7]).toBe(0.91);
    // cell (3, 3) is input [12, 16) x [12, 16): on the drawing (12 - 5) / 0.2 + 30 = 65 to 85, (12 - 11) / 0.2 + 50 = 55 to 75; CSS: half
    expect(JSON.parse(a['camArgmax']!)).toEqual({ row: 3, col: 3, grid: 7, input: { x: 12, y: 12, width: 4, height: 4 }, pad: { x: 32.5, y: 27.5, width: 10, height: 10 } });
    expect(JSON.parse(a['camCentroid']!)).toEqual({ input: { x: 14, y: 14 }, pad: { x: 37.5, y: 32.5 } });
    expect(JSON.parse(a['camMap']!)).toHaveLength(49);
  });
});

describe('threadReason', () => {
  const base = { backend: 'wasm', threads: 1, cores: 8, crossOriginIsolated: true, requested: null };
  it('is null with more than one thread', () => {
    expect(threadReason({ ...base, threads: 4 })).toBeNull();
  });
  it('names crossOriginIsolated and shared memory first', () => {
    expect(threadReason({ ...base, crossOriginIsolated: false })).toMatch(/^crossOriginIsolated is false: .*no shared memory \(SharedArrayBuffer\), and the wasm backend runs on one thread$/);
    expect(threadReason({ ...base, backend: 'cpu', crossOriginIsolated: false })).toMatch(/no shared memory \(SharedArrayBuffer\), and tapegrad runs its cpu backend .* on one thread$/);
  });
  it('then the CPU backend, a request for one thread, one core, and else the library', () => {
    expect(threadReason({ ...base, backend: 'cpu' })).toMatch(/cpu backend/);
    expect(threadReason({ ...base, requested: 1 })).toMatch(/\?threads=1/);
    expect(threadReason({ ...base, cores: 1 })).toMatch(/one core/);
    expect(threadReason(base)).toMatch(/no worker threads in browsers/);
  });
});

describe('trainingHistory', () => {
  const step = (globalStep: number, loss: number, accuracy: number): StepReport => ({
    epoch: Math.ceil(globalStep / 2), epochs: 2, step: ((globalStep - 1) % 2) + 1, stepsPerEpoch: 2, globalStep, totalSteps: 4,
    loss, accuracy, lr: 0.1, imagesPerSecond: 100,
  });

  it('Series grows past its first buffer', () => {
    const s = new Series();
    for (let i = 0; i < 1000; i++) s.push(i);
    expect(s.length).toBe(1000);
    expect(s.at(999)).toBe(999);
    expect(s.values().length).toBe(1000);
  });

  it('Ema is bias-corrected: a constant input gives the constant from the first value', () => {
    const e = new Ema(0.9);
    expect(e.update(2)).toBeCloseTo(2, 10);
    expect(e.update(2)).toBeCloseTo(2, 10);
    expect(e.update(0)).toBeCloseTo((0.9 * 0.19 * 2 + 0.1 * 0) / (1 - 0.9 ** 3), 10);
  });

  it('accuracyFloor: 0 in the first epoch, then the lowest later value rounded down to 5 %, at most 90 %', () => {
    const h = new TrainingHistory();
    h.addStep(step(1, 2, 0.96));
    h.addStep(step(2, 1, 0.96));
    expect(accuracyFloor(h)).toBe(0);
    h.addEpoch({ epoch: 1, epochs: 2, trainLoss: 1, trainAccuracy: 0.93, testLoss: 0.1, testAccuracy: 0.97, seconds: 1, imagesPerSecond: 1 });
    h.addStep(step(3, 0.1, 0.96));
    expect(accuracyFloor(h)).toBe(0.9);
    h.addEpoch({ epoch: 2, epochs: 2, trainLoss: 1, trainAccuracy: 0.83, testLoss: 0.1, testAccuracy: 0.97, seconds: 1, imagesPerSecond: 1 });
    expect(accuracyFloor(h)).toBe(0.8);
    h.addStep(step(4, 0.1, 0)); // the smoothed batch accuracy after the first epoch counts too
    expect(accuracyFloor(h)).toBe(Math.floor(20 * h.smoothedAccuracy) / 20);
  });
});
