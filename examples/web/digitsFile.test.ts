// The page's MNIST asset: the format round-trips, refuses damage, and decodes to exactly the main
// job's data (embeddedMnist's split and normalisation).
import { describe, expect, it } from 'vitest';
import { MNIST_MEAN, MNIST_STD, embeddedMnist, type Dataset } from '@tapegrad/train';
import { decodeDigits, encodeDigits, normalizePixels, quantizeGrey, type DigitsFile } from './src/digitsFile.js';
import { makeDigits } from './scripts/make-digits.js';

function small(): DigitsFile {
  const palette = Float32Array.from({ length: 256 }, (_, i) => i / 255);
  return {
    rows: 2, cols: 3, palette,
    train: { count: 2, pixels: Uint8Array.from([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]), labels: Uint8Array.from([7, 1]) },
    test: { count: 1, pixels: Uint8Array.from([9, 8, 7, 6, 5, 4]), labels: Uint8Array.from([3]) },
  };
}

describe('digits file format', () => {
  it('round-trips, with a 1,052-byte header and one byte per pixel and label', () => {
    const bytes = encodeDigits(small());
    expect(bytes.length).toBe(1052 + 3 * 6 + 3);
    expect(String.fromCharCode(...bytes.subarray(0, 8))).toBe('TGDIGITS');
    const d = decodeDigits(bytes);
    expect([d.rows, d.cols, d.train.count, d.test.count]).toEqual([2, 3, 2, 1]);
    expect(Array.from(d.train.pixels)).toEqual(Array.from(small().train.pixels));
    expect(Array.from(d.test.pixels)).toEqual([9, 8, 7, 6, 5, 4]);
    expect(Array.from(d.train.labels)).toEqual([7, 1]);
    expect(Array.from(d.test.labels)).toEqual([3]);
    expect(d.palette).toEqual(small().palette);
  });

  it('refuses a wrong magic, version or length', () => {
    const bytes = encodeDigits(small());
    const bad = (f: (b: Uint8Array) => Uint8Array, msg: RegExp): void => expect(() => decodeDigits(f(bytes.slice()))).toThrow(msg);
    bad((b) => { b[0] = 0; return b; }, /does not begin with TGDIGITS/);
    bad((b) => { b[8] = 2; return b; }, /version 2; expected 1/);
    bad((b) => b.subarray(0, b.length - 1), /expected 1073/);
    bad((b) => b.subarray(0, 100), /at least the 1052-byte header/);
  });

  it('normalizePixels maps each byte through (palette - mean) / std', () => {
    const palette = Float32Array.from({ length: 256 }, (_, i) => i / 255);
    const out = normalizePixels(Uint8Array.from([0, 255]), palette, 0.5, 0.25);
    expect(Array.from(out)).toEqual([-2, Math.fround(2)]);
  });

  it('quantizeGrey keeps the exact values in the palette and refuses two values on one byte', () => {
    const q = quantizeGrey(Float32Array.from([0, 0.004, 1, 0.004]));
    expect(Array.from(q.bytes)).toEqual([0, 1, 255, 1]);
    expect(q.palette[1]).toBe(Math.fround(0.004));
    expect(() => quantizeGrey(Float32Array.from([0.5, 0.501]))).toThrow(/both round to byte 128/);
  });
});

describe('the asset scripts/make-digits.ts writes', () => {
  function all(ds: Dataset): { x: Float32Array; y: Float32Array } {
    const x = new Float32Array(ds.length * 784), y = new Float32Array(ds.length);
    for (let i = 0; i < ds.length; i++) ds.copySample(i, x, i * 784, y, i);
    return { x, y };
  }

  it('decodes to embeddedMnist: the same 7,996 / 2,004 split, labels and normalised pixels, bit for bit', () => {
    const d = decodeDigits(makeDigits());
    const ref = embeddedMnist();
    expect([d.train.count, d.test.count]).toEqual([7996, 2004]);
    for (const [part, ds] of [[d.train, ref.train], [d.test, ref.test]] as const) {
      const want = all(ds);
      const x = normalizePixels(part.pixels, d.palette, MNIST_MEAN, MNIST_STD);
      expect(Buffer.from(x.buffer).equals(Buffer.from(want.x.buffer))).toBe(true);
      expect(Array.from(part.labels)).toEqual(Array.from(want.y));
    }
  });
});
