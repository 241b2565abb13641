// Checkpoints and safetensors files as bytes: what a browser reads and writes without a file system.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '@tapegrad/tensor';
import { Sequential, Linear, ReLU } from '@tapegrad/nn';
import {
  SGD, decodeCheckpoint, encodeCheckpoint, encodeSafetensors, isCheckpoint, load, loadCheckpoint, loadSafetensors, saveCheckpoint,
} from '../src/index.js';

function model(): Sequential {
  const g = new Generator(1);
  return new Sequential(new Linear(2, 3, { generator: g }), new ReLU(), new Linear(3, 2, { generator: g }));
}

const values = (s: Record<string, { toArray(): Float32Array }>): Record<string, number[]> =>
  Object.fromEntries(Object.entries(s).map(([k, t]) => [k, Array.from(t.toArray())]));

describe('checkpoints as bytes', () => {
  it('encodeCheckpoint gives the bytes saveCheckpoint writes; decodeCheckpoint and loadCheckpoint(bytes) read them back', () => {
    const m = model();
    const opt = new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
    const ckpt = { model: m.stateDict(), optimizer: opt.stateDict(), epoch: 3, meta: { name: 'mlp', loss: NaN } };
    const bytes = encodeCheckpoint(ckpt);
    const path = join(mkdtempSync(join(tmpdir(), 'tapegrad-bytes-')), 'c.safetensors');
    saveCheckpoint(path, ckpt);
    expect(Buffer.from(bytes).equals(readFileSync(path))).toBe(true);
    for (const back of [decodeCheckpoint(bytes), loadCheckpoint(bytes)]) {
      expect(back.epoch).toBe(3);
      expect(back.meta!['name']).toBe('mlp');
      expect(back.meta!['loss']).toBeNaN();
      expect(values(back.model)).toEqual(values(m.stateDict()));
    }
    expect(isCheckpoint(bytes)).toBe(true);
    expect(values(load(bytes))).toEqual(values(m.stateDict()));
  });

  it('corrupt bytes are named as such, with the function called', () => {
    const bytes = encodeCheckpoint({ model: model().stateDict(), epoch: 1 });
    bytes[bytes.length - 1] ^= 1;
    expect(() => decodeCheckpoint(bytes)).toThrow(`decodeCheckpoint: the ${bytes.length} bytes given is corrupt: the tensors' checksum`);
    expect(() => loadCheckpoint(bytes)).toThrow(`loadCheckpoint: the ${bytes.length} bytes given is corrupt`);
    expect(() => decodeCheckpoint('c.safetensors' as unknown as Uint8Array)).toThrow('decodeCheckpoint: bytes c.safetensors is not a Uint8Array');
  });
});

describe('safetensors as bytes', () => {
  it('loadSafetensors, load and isCheckpoint take a plain file\'s bytes', () => {
    const state = model().stateDict();
    const chunks = encodeSafetensors(state);
    const bytes = new Uint8Array(Buffer.concat(chunks));
    expect(values(loadSafetensors(bytes))).toEqual(values(state));
    expect(values(load(bytes))).toEqual(values(state));
    expect(isCheckpoint(bytes)).toBe(false);
  });
});
