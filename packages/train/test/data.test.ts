import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { Generator, tensor, arange } from '@tapegrad/tensor';
import {
  embeddedMnist, DataLoader, TensorDataset, Subset, getSample, normalize, randomTranslate, padCrop, loadIdx, mnistIdx, MnistIdx,
} from '../src/index.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tapegrad-data-'));

function digitFile(d: number): number[] {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  return (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
}

describe('embeddedMnist', () => {
  const cacheDir = tmp();
  const { train, test } = embeddedMnist({ cacheDir });

  it('splits 7,996 train / 2,004 test as docs/benchmark.md', () => {
    expect(train.length).toBe(7996);
    expect(test.length).toBe(2004);
    expect(train.sampleShape).toEqual([1, 28, 28]);
    expect(train.targetShape).toEqual([]);
    expect(train.numClasses).toBe(10);
  });

  it('takes the first floor(0.8 n_d) images of each digit file for training, normalised', () => {
    const zeros = digitFile(0), ones = digitFile(1);
    const n0 = zeros.length / 784, cut0 = Math.floor(0.8 * n0);
    const norm = (v: number): number => Math.fround((Math.fround(v) - 0.1307) / 0.3081);
    const first = getSample(train, 0);
    expect(first.y.item()).toBe(0);
    const xs = first.x.toArray();
    for (let p = 0; p < 784; p += 7) expect(xs[p]).toBeCloseTo(norm(zeros[p]!), 6);
    // the first training image of digit 1 comes right after digit 0's training images
    const one = getSample(train, cut0).x.toArray();
    expect(getSample(train, cut0).y.item()).toBe(1);
    for (let p = 0; p < 784; p += 7) expect(one[p]).toBeCloseTo(norm(ones[p]!), 6);
    // the first test image is digit 0's image number cut0
    const t0 = getSample(test, 0).x.toArray();
    for (let p = 0; p < 784; p += 7) expect(t0[p]).toBeCloseTo(norm(zeros[cut0 * 784 + p]!), 6);
    expect(getSample(test, n0 - cut0).y.item()).toBe(1);
  });

  it('normalize: false keeps the raw values in [0, 1]', () => {
    const raw = embeddedMnist({ cacheDir, normalize: false }).train;
    const zeros = digitFile(0);
    const xs = getSample(raw, 0).x.toArray();
    for (let p = 0; p < 784; p++) expect(xs[p]).toBe(Math.fround(zeros[p]!));
  });

  it('rebuilds a corrupt or truncated cache', () => {
    const dir = tmp();
    const a = getSample(embeddedMnist({ cacheDir: dir }).train, 5).x.toArray();
    const file = join(dir, 'mnist-embedded-v1.bin');
    const good = readFileSync(file);
    const bad = Buffer.from(good);
    bad[good.length - 100] = (bad[good.length - 100]! + 1) & 255; // flip one pixel code
    // (the in-process memo is keyed by directory, so each corrupt copy goes in a fresh one)
    const dir2 = tmp();
    writeFileSync(join(dir2, 'mnist-embedded-v1.bin'), bad.subarray(0, 5000));
    const b = getSample(embeddedMnist({ cacheDir: dir2 }).train, 5).x.toArray();
    expect(b).toEqual(a);
    expect(readFileSync(join(dir2, 'mnist-embedded-v1.bin')).equals(good)).toBe(true);
    const dir3 = tmp();
    writeFileSync(join(dir3, 'mnist-embedded-v1.bin'), bad);
    const c = getSample(embeddedMnist({ cacheDir: dir3 }).train, 5).x.toArray();
    expect(c).toEqual(a);
    expect(readFileSync(join(dir3, 'mnist-embedded-v1.bin')).equals(good)).toBe(true);
  });
});

/** A dataset whose sample i is the value i (shape [2]) with target i. */
function indexDataset(n: number): TensorDataset {
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) { x[2 * i] = i; x[2 * i + 1] = -i; }
  return new TensorDataset(tensor(x, [n, 2]), arange(n));
}

describe('DataLoader', () => {
  it('sequential batches of 4 over 10 samples keep the partial last batch', () => {
    const loader = new DataLoader(indexDataset(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map((b) => b.x.shape)).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect(Array.from(batches[2]!.y.toArray())).toEqual([8, 9]);
    expect(Array.from(batches[0]!.x.toArray())).toEqual([0, -0, 1, -1, 2, -2, 3, -3]);
    expect(batches.every((b) => b.x.isContiguous() && b.y.isContiguous())).toBe(true);
  });

  it('dropLast skips the partial batch', () => {
    const loader = new DataLoader(indexDataset(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect([...loader].map((b) => b.y.shape[0])).toEqual([4, 4]);
  });

  it('shuffle visits every sample exactly once per pass, in a new order each pass', () => {
    const loader = new DataLoader(indexDataset(103), { batchSize: 16, shuffle: true, generator: new Generator(3) });
    const orders: number[][] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen: number[] = [];
      for (const { x, y } of loader) {
        const xs = x.toArray(), ys = y.toArray();
        ys.forEach((v, i) => { expect(xs[2 * i]).toBe(v); seen.push(v); });
      }
      expect(seen.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
      orders.push(seen);
    }
    expect(orders[0]).not.toEqual(orders[1]);
    expect(orders[1]).not.toEqual(orders[2]);
    expect(orders[0]).not.toEqual(Array.from({ length: 103 }, (_, i) => i));
  });

  it('shuffle with the same seed gives the same order', () => {
    const run = (seed: number): number[] => [...new DataLoader(indexDataset(50), { batchSize: 7, shuffle: true, generator: new Generator(seed) })]
      .flatMap((b) => Array.from(b.y.toArray()));
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  it('Subset picks samples by index', () => {
    const sub = new Subset(indexDataset(10), [7, 2, 9]);
    expect([...new DataLoader(sub, { batchSize: 3 })][0]!.y.toArray()).toEqual(Float32Array.from([7, 2, 9]));
    expect(() => new Subset(indexDataset(10), [10])).toThrow('Subset: index 10 at position 0 is out of range; expected an integer in [0, 9]');
  });

  it('rejects a bad batchSize and mismatched tensors', () => {
    expect(() => new DataLoader(indexDataset(4), { batchSize: 0 })).toThrow('DataLoader: batchSize 0 must be a positive integer; expected an integer >= 1');
    expect(() => new DataLoader(indexDataset(4), { batchSize: 2.5 })).toThrow('DataLoader: batchSize 2.5 must be a positive integer');
    expect(() => new TensorDataset(tensor([1, 2, 3, 4], [2, 2]), tensor([1, 2, 3]))).toThrow('TensorDataset: y shape [3] does not match x shape [2, 2]; expected (2, *target)');
  });
});

describe('transforms', () => {
  const img = (C: number, H: number, W: number): TensorDataset => {
    const x = new Float32Array(C * H * W);
    for (let i = 0; i < x.length; i++) x[i] = i + 1;
    return new TensorDataset(tensor(x, [1, C, H, W]), tensor([0]));
  };

  it('normalize per channel', () => {
    const loader = new DataLoader(img(2, 1, 2), { transforms: [normalize([1, 2], [2, 4])] });
    expect(Array.from([...loader][0]!.x.toArray())).toEqual([0, 0.5, 0.25, 0.5]);
    expect(() => new DataLoader(img(3, 1, 2), { transforms: [normalize([1, 2], 1)] })).toThrow('normalize: mean has 2 entries for 3 channels; expected 1 or 3');
    expect(() => normalize(0, 0)).toThrow('normalize: std 0 must be a positive finite number');
  });

  it('randomTranslate k=2 shifts each sample by at most 2 pixels, filling the border', () => {
    const H = 6, W = 5;
    const loader = new DataLoader(img(1, H, W), { transforms: [randomTranslate(2, { fill: -1 })], generator: new Generator(1) });
    const shifts = new Set<string>();
    for (let rep = 0; rep < 30; rep++) {
      const out = [...loader][0]!.x.toArray();
      let found: string | null = null;
      for (let dy = -2; dy <= 2 && !found; dy++) {
        for (let dx = -2; dx <= 2 && !found; dx++) {
          let ok = true;
          for (let h = 0; h < H && ok; h++) {
            for (let w = 0; w < W && ok; w++) {
              const sh = h - dy, sw = w - dx;
              const want = sh >= 0 && sh < H && sw >= 0 && sw < W ? sh * W + sw + 1 : -1;
              ok = out[h * W + w] === want;
            }
          }
          if (ok) found = `${dy},${dx}`;
        }
      }
      expect(found).not.toBeNull();
      shifts.add(found!);
    }
    expect(shifts.size).toBeGreaterThan(5);
    expect(() => randomTranslate(-1)).toThrow('randomTranslate: maxShift -1 must be a non-negative integer');
  });

  it('padCrop pads 2x3 to 4x5 and crops 4x4 to 2x2 around the centre', () => {
    const padded = [...new DataLoader(img(1, 2, 3), { transforms: [padCrop([4, 5])] })][0]!.x;
    expect(padded.shape).toEqual([1, 1, 4, 5]);
    expect(Array.from(padded.toArray())).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0]);
    const cropped = [...new DataLoader(img(1, 4, 4), { transforms: [padCrop(2)] })][0]!.x;
    expect(Array.from(cropped.toArray())).toEqual([6, 7, 10, 11]);
    expect(() => new DataLoader(indexDataset(3), { transforms: [padCrop(2)] })).toThrow('padCrop: sample shape [2] has rank 1; expected (C, H, W)');
  });
});

/** Writes an IDX file: type byte, shape, big-endian elements. */
function idxBytes(type: number, shape: number[], values: number[]): Buffer {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[type]!;
  const buf = Buffer.alloc(4 + 4 * shape.length + values.length * size);
  buf[2] = type; buf[3] = shape.length;
  shape.forEach((s, i) => buf.writeUInt32BE(s, 4 + 4 * i));
  const off = 4 + 4 * shape.length;
  values.forEach((v, i) => {
    const p = off + i * size;
    if (type === 0x08) buf.writeUInt8(v, p);
    else if (type === 0x09) buf.writeInt8(v, p);
    else if (type === 0x0b) buf.writeInt16BE(v, p);
    else if (type === 0x0c) buf.writeInt32BE(v, p);
    else if (type === 0x0d) buf.writeFloatBE(v, p);
    else buf.writeDoubleBE(v, p);
  });
  return buf;
}

describe('loadIdx', () => {
  const dir = tmp();
  it('reads uint8, int16, float32 and gzip files', () => {
    writeFileSync(join(dir, 'a'), idxBytes(0x08, [2, 3], [0, 1, 2, 253, 254, 255]));
    expect(loadIdx(join(dir, 'a'))).toEqual({ type: 'uint8', shape: [2, 3], data: Uint8Array.from([0, 1, 2, 253, 254, 255]) });
    writeFileSync(join(dir, 'b'), idxBytes(0x0b, [3], [-2, 300, 7]));
    expect(loadIdx(join(dir, 'b')).data).toEqual(Int16Array.from([-2, 300, 7]));
    writeFileSync(join(dir, 'c.gz'), gzipSync(idxBytes(0x0d, [1, 2], [1.5, -0.25])));
    expect(loadIdx(join(dir, 'c.gz'))).toEqual({ type: 'float32', shape: [1, 2], data: Float32Array.from([1.5, -0.25]) });
  });

  it('refuses a wrong magic number', () => {
    writeFileSync(join(dir, 'bad'), Buffer.from([1, 0, 8, 1, 0, 0, 0, 0]));
    expect(() => loadIdx(join(dir, 'bad'))).toThrow(`loadIdx: file ${join(dir, 'bad')} has magic bytes [0x01 0x00 0x08 0x01], not an IDX header; expected 0x00 0x00 <type`);
    writeFileSync(join(dir, 'bad2'), Buffer.from([0, 0, 7, 1, 0, 0, 0, 0]));
    expect(() => loadIdx(join(dir, 'bad2'))).toThrow('has magic bytes [0x00 0x00 0x07 0x01], not an IDX header');
  });

  it('refuses a truncated file, a file with trailing bytes, a damaged gzip and a missing file', () => {
    const full = idxBytes(0x08, [2, 3], [1, 2, 3, 4, 5, 6]);
    writeFileSync(join(dir, 'short'), full.subarray(0, full.length - 1));
    expect(() => loadIdx(join(dir, 'short'))).toThrow(`loadIdx: file ${join(dir, 'short')} is truncated: 5 data bytes for shape [2, 3] of uint8; expected 6`);
    writeFileSync(join(dir, 'long'), Buffer.concat([full, Buffer.from([0])]));
    expect(() => loadIdx(join(dir, 'long'))).toThrow('has trailing bytes: 7 data bytes for shape [2, 3] of uint8; expected 6');
    writeFileSync(join(dir, 'hdr'), full.subarray(0, 9));
    expect(() => loadIdx(join(dir, 'hdr'))).toThrow('is truncated: 9 bytes cannot hold the header of a rank-2 array; expected at least 12');
    const gz = gzipSync(full);
    writeFileSync(join(dir, 'cut.gz'), gz.subarray(0, gz.length - 6));
    expect(() => loadIdx(join(dir, 'cut.gz'))).toThrow(`loadIdx: file ${join(dir, 'cut.gz')} is a damaged gzip stream`);
    expect(() => loadIdx(join(dir, 'nope'))).toThrow(`loadIdx: file ${join(dir, 'nope')} cannot be read (ENOENT); expected an existing IDX file (plain or .gz)`);
  });
});

describe('mnistIdx', () => {
  const dir = tmp();
  const pixels = [0, 255, 51, 102, 0, 0, 255, 255]; // two 2x2 images
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxBytes(0x08, [2, 2, 2], pixels));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes(0x08, [2], [3, 9]));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idxBytes(0x08, [1, 2, 2], [255, 0, 0, 255])));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes(0x08, [1], [4])));

  it('reads both splits, scaled to [0, 1] and normalised', () => {
    const { train, test } = mnistIdx(dir);
    expect(train.length).toBe(2);
    expect(test.length).toBe(1);
    expect(train.sampleShape).toEqual([1, 2, 2]);
    const [batch] = [...new DataLoader(train, { batchSize: 2 })];
    expect(batch!.y.toArray()).toEqual(Float32Array.from([3, 9]));
    const xs = batch!.x.toArray();
    pixels.forEach((p, i) => expect(xs[i]).toBeCloseTo((p / 255 - 0.1307) / 0.3081, 6));
    const raw = new MnistIdx(dir, { split: 'test', normalize: false });
    expect(getSample(raw, 0).x.toArray()).toEqual(Float32Array.from([1, 0, 0, 1]));
    expect(getSample(raw, 0).y.item()).toBe(4);
  });

  it('names the missing file, a label/image count mismatch and a label out of range', () => {
    const empty = tmp();
    expect(() => mnistIdx(empty)).toThrow(`mnistIdx: directory ${empty} has no train-images-idx3-ubyte (or train-images-idx3-ubyte.gz); expected the MNIST IDX files`);
    const d2 = tmp();
    mkdirSync(d2, { recursive: true });
    writeFileSync(join(d2, 'train-images-idx3-ubyte'), idxBytes(0x08, [2, 2, 2], pixels));
    writeFileSync(join(d2, 'train-labels-idx1-ubyte'), idxBytes(0x08, [3], [1, 2, 3]));
    expect(() => new MnistIdx(d2)).toThrow(`MnistIdx: file ${join(d2, 'train-labels-idx1-ubyte')} has 3 labels for 2 images`);
    writeFileSync(join(d2, 'train-labels-idx1-ubyte'), idxBytes(0x08, [2], [1, 12]));
    expect(() => new MnistIdx(d2)).toThrow('MnistIdx: label 12 at index 1 of');
  });
});
