import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tensor, tensor, Generator } from '@tapegrad/tensor';
import { noGrad } from '@tapegrad/autograd';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';
import {
  createModel, decodeSafetensors, encodeSafetensors, load, loadSafetensors, save, saveCheckpoint, saveSafetensors,
} from '../src/index.js';

interface IoCase {
  x: EncodedTensor;
  pytorch_file_out: EncodedTensor;
  tapegrad_file_out: EncodedTensor;
  num_batches_tracked: number;
  extras: Record<string, EncodedTensor>;
  weight0_f16: EncodedTensor;
}

const fixture = loadFixture<IoCase>(new URL('./fixtures/safetensors_io.json', import.meta.url));
const c = fixture.cases[0]!;
const pytorchFile = new URL('./fixtures/pytorch_nin_bn.safetensors', import.meta.url).pathname;
const tapegradFile = new URL('./fixtures/tapegrad_nin_bn.safetensors', import.meta.url).pathname;

function evalOutput(state: Record<string, Tensor>): Tensor {
  const model = createModel('nin-bn');
  model.loadStateDict(state);
  model.eval();
  return noGrad(() => model.forward(toTensor(c.x))).data;
}

describe('safetensors files PyTorch wrote, read by loadSafetensors', () => {
  it('a nin-bn with int64 num_batches_tracked, an F16 weight and data out of key order gives PyTorch\'s outputs', () => {
    const state = loadSafetensors(pytorchFile);
    expect(state['1.num_batches_tracked']!.shape).toEqual([]);
    expect(state['1.num_batches_tracked']!.item()).toBe(c.num_batches_tracked);
    // The fixture keeps 9 significant digits.
    expectClose(state['0.weight']!, c.weight0_f16, { atol: 0, rtol: 1e-8, label: '0.weight (F16)' });
    const model: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(state)) if (!k.startsWith('extra.')) model[k] = t;
    expectClose(evalOutput(model), c.pytorch_file_out, { atol: 1e-4, label: 'nin-bn outputs' });
  });

  it('BF16, F64, I32, a zero-size tensor and a scalar convert to float32', () => {
    const state = loadSafetensors(new Uint8Array(readFileSync(pytorchFile)));
    for (const [k, e] of Object.entries(c.extras)) expectClose(state[k]!, e, { atol: 0, rtol: 1e-7, label: k });
    expect(state['extra.empty']!.shape).toEqual([0, 3]);
  });
});

describe('a safetensors file tapegrad wrote, read by PyTorch', () => {
  it('PyTorch\'s outputs for it equal tapegrad\'s', () => {
    expectClose(evalOutput(load(tapegradFile)), c.tapegrad_file_out, { atol: 1e-4, label: 'nin-bn outputs' });
  });

  it('is what save writes: reading and saving it again gives the same bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-st-'));
    save(loadSafetensors(tapegradFile), join(dir, 'again.safetensors'));
    expect(readFileSync(join(dir, 'again.safetensors')).equals(readFileSync(tapegradFile))).toBe(true);
  });
});

describe('save and load', () => {
  it('save creates the directory and load gives the state back; load of a checkpoint gives its model state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-st-'));
    const model = createModel('nin', { generator: new Generator(1) });
    const file = join(dir, 'a', 'b', 'nin.safetensors');
    save(model.stateDict(), file);
    const back = load(file);
    expect(Object.keys(back)).toEqual(Object.keys(model.stateDict()));
    for (const [k, t] of Object.entries(model.stateDict())) expect(Array.from(back[k]!.toArray())).toEqual(Array.from(t.toArray()));
    const ckpt = join(dir, 'checkpoint.safetensors');
    saveCheckpoint(ckpt, { model: model.stateDict(), epoch: 2 });
    expect(Object.keys(load(ckpt))).toEqual(Object.keys(model.stateDict()));
    saveSafetensors(join(dir, 'meta.safetensors'), { w: tensor([1, 2]) }, { format: 'pt' });
    expect(decodeSafetensors(readFileSync(join(dir, 'meta.safetensors')), 'x').metadata).toEqual({ format: 'pt' });
    expect(existsSync(join(dir, 'a', 'b'))).toBe(true);
  });
});

describe('files loadSafetensors refuses, in one line', () => {
  const good = (): Uint8Array => {
    const chunks = encodeSafetensors({ a: tensor([1, 2, 3]), b: tensor([4]) });
    const out = new Uint8Array(chunks.reduce((n, ch) => n + ch.length, 0));
    let at = 0;
    for (const ch of chunks) { out.set(ch, at); at += ch.length; }
    return out;
  };
  const withHeader = (header: object, dataBytes: number): Uint8Array => {
    const h = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + dataBytes);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  };
  const full = good(), headerEnd = decodeSafetensors(full, 'x').dataStart;
  const cases: [string, Uint8Array, (n: number) => string][] = [
    ['truncated', full.subarray(0, full.length - 4), (n) => `is truncated: ${n} bytes; expected ${n + 4} (header ${headerEnd} + tensors 16)`],
    ['an unknown dtype', withHeader({ a: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, 2),
      () => 'has tensor a of dtype "F8_E4M3"; expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL'],
    ['overlapping offsets', withHeader({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8),
      () => 'is corrupt: tensor b at bytes [4, 8) overlaps the tensor before it (which ends at 8)'],
    ['a hole', withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8),
      () => 'is corrupt: tensor a starts at byte 4 of the data, leaving a hole after byte 0; expected the tensors to tile the data'],
    ['a size that does not fit the shape', withHeader({ a: { dtype: 'F16', shape: [3], data_offsets: [0, 4] } }, 4),
      () => 'is corrupt: tensor a (F16, shape [3]) spans 4 bytes; expected 6'],
    ['a header that is not JSON', (() => { const b = good(); b[8] = 0x5b; return b; })(), () => 'is corrupt: its header is not valid UTF-8 JSON; expected a safetensors header'],
    ['a header length past the end', (() => { const b = good(); new DataView(b.buffer).setBigUint64(0, 1000n, true); return b; })(),
      (n) => `is truncated or not a safetensors file: header length 1000 exceeds the ${n - 8} bytes that follow`],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      expect(() => loadSafetensors(bytes)).toThrow(`loadSafetensors: the ${bytes.length} bytes given ${message(bytes.length)}`);
    });
  }

  it('a file that does not exist', () => {
    expect(() => loadSafetensors('/nonexistent/w.safetensors')).toThrow('loadSafetensors: file /nonexistent/w.safetensors cannot be read (ENOENT); expected a safetensors file');
  });

  it('saveSafetensors of something that is not a Tensor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-st-'));
    writeFileSync(join(dir, 'keep'), '');
    expect(() => saveSafetensors(join(dir, 'x.safetensors'), { w: [1, 2] as unknown as Tensor })).toThrow('saveSafetensors: state entry w is not a Tensor; expected a state dict of Tensors');
  });
});
