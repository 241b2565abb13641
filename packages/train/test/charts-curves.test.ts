// curves.svg of real fit runs (one and five epochs) and of hand-made histories: a marker on every
// point, distinct 1-2-5 tick labels, and no legend or axis-title box on a marker or a tick label.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, randn, tensor } from '@tapegrad/tensor';
import { Sequential, Linear, ReLU } from '@tapegrad/nn';
import { fit, DataLoader, TensorDataset, SGD, curvesSvg, type EpochResult } from '../src/index.js';
import { expectNiceLabels, expectReadableChart, panelTicks } from './charts-svgBoxes.js';

/** 3 classes of 2-d points. */
function loader(seed: number, batchSize: number): DataLoader {
  const x = randn([48, 2], { generator: new Generator(seed) }).toArray();
  const y = new Float32Array(48).map((_, i) => i % 3);
  for (let i = 0; i < 48; i++) x[2 * i] = x[2 * i]! * 0.5 + 2 * (i % 3);
  return new DataLoader(new TensorDataset(tensor(x, [48, 2]), tensor(y), { numClasses: 3 }), { batchSize, shuffle: seed === 1, generator: new Generator(seed) });
}

function runCurves(epochs: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-charts-'));
  try {
    const g = new Generator(0);
    const model = new Sequential(new Linear(2, 8, { generator: g }), new ReLU(), new Linear(8, 3, { generator: g }));
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    fit(model, { train: loader(1, 8), val: loader(2, 16), optimizer, epochs, outDir: dir, progress: 'none', log: () => {} });
    return readFileSync(join(dir, 'curves.svg'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const row = (epoch: number, loss: number, accuracy: number, val = true): EpochResult => ({
  epoch, loss, accuracy, lr: 0.1, seconds: 1, imagesPerSecond: 1, ...(val ? { valLoss: loss * 1.1, valAccuracy: accuracy * 0.98 } : {}),
});

/** Each panel's y tick labels are nice and distinct; x ticks are epochs within 1..epochs. */
function expectTicks(svg: string, epochs: number): void {
  const y = panelTicks(svg, 'y'), x = panelTicks(svg, 'x');
  expect(y).toHaveLength(2);
  for (const labels of y) {
    expect(labels.length).toBeGreaterThanOrEqual(2);
    expectNiceLabels(labels);
  }
  for (const labels of x) {
    expectNiceLabels(labels);
    for (const l of labels) expect(Number(l) >= 1 && Number(l) <= epochs && Number.isInteger(Number(l))).toBe(true);
  }
}

describe('curves.svg (item 12)', () => {
  it('one-epoch fit run: four visible points (train and validation, loss and accuracy), readable layout', () => {
    const svg = runCurves(1);
    expectReadableChart(svg, 4);
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expectTicks(svg, 1);
    expect(panelTicks(svg, 'x')).toEqual([['1'], ['1']]);
  });

  it('five-epoch fit run: a marker per epoch and series, lines, readable layout', () => {
    const svg = runCurves(5);
    expectReadableChart(svg, 20);
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expectTicks(svg, 5);
    expect(panelTicks(svg, 'x')).toEqual([['1', '2', '3', '4', '5'], ['1', '2', '3', '4', '5']]);
  });

  it('all-equal losses and one-value panels still give distinct ticks', () => {
    const flat = [1, 2, 3].map((e) => row(e, 2.2834, 0.1135, false));
    const svg = curvesSvg(flat, 3);
    expectReadableChart(svg, 6);
    expectTicks(svg, 3);
    expect(curvesSvg([row(1, 0, 1, false)], 1)).toContain('class="marker"');
    expectTicks(curvesSvg([row(1, 0, 1, false)], 1), 1);
  });

  it('a long run in progress: x spans the planned epochs with 1-2-5 epoch ticks, legend below', () => {
    const h = Array.from({ length: 15 }, (_, i) => row(i + 1, 0.05 + Math.exp(-i / 3), 0.99 - 0.5 * Math.exp(-i / 2)));
    const svg = curvesSvg(h, 40);
    const boxes = expectReadableChart(svg, 60);
    expectTicks(svg, 40);
    const lowestMarker = Math.max(...boxes.filter((b) => b.cls === 'marker').map((b) => b.y1));
    for (const b of boxes.filter((x) => x.cls === 'legend')) expect(b.y0).toBeGreaterThan(lowestMarker);
  });
});
