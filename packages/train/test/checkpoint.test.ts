import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator, Tensor, tensor } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { Linear, Sequential, ReLU } from '@tapegrad/nn';
import { saveCheckpoint, loadCheckpoint, restoreCheckpoint, SGD, StepLR, crc32 } from '../src/index.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tapegrad-ckpt-'));

function setup(seed: number): { model: Sequential; opt: SGD; sched: StepLR } {
  const g = new Generator(seed);
  const model = new Sequential(new Linear(3, 4, { generator: g }), new ReLU(), new Linear(4, 2, { generator: g }));
  const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
  return { model, opt, sched };
}

function trainSteps(s: ReturnType<typeof setup>, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = new Variable(tensor([[1, 2, 3], [-1, 0.5, 2]]));
    const loss = s.model.forward(x).sum();
    s.opt.zeroGrad();
    loss.backward();
    s.opt.step();
    s.sched.step();
  }
}

describe('checkpoints', () => {
  it('crc32 of "123456789" is cbf43926', () => {
    expect(crc32(new TextEncoder().encode('123456789')).toString(16)).toBe('cbf43926');
  });

  it('round trip: model, optimiser, schedule, epoch, generator states and meta', () => {
    const dir = tmp(), path = join(dir, 'c.safetensors');
    const a = setup(1);
    trainSteps(a, 3);
    const g = new Generator(7);
    g.random();
    saveCheckpoint(path, { model: a.model.stateDict(), optimizer: a.opt.stateDict(), scheduler: a.sched.stateDict(), epoch: 3, rng: { loader: g.getState() }, meta: { modelName: 'mlp', history: [{ loss: 0.5 }, { loss: NaN, best: -Infinity }], extra: tensor([1, 2]) } });
    const ck = loadCheckpoint(path);
    expect(ck.epoch).toBe(3);
    expect(ck.meta!['modelName']).toBe('mlp');
    expect(ck.meta!['history']).toEqual([{ loss: 0.5 }, { loss: NaN, best: -Infinity }]);
    expect((ck.meta!['extra'] as Tensor).toArray()).toEqual(Float32Array.from([1, 2]));
    const b = setup(2);
    const g2 = new Generator(0);
    restoreCheckpoint(ck, { model: b.model, optimizer: b.opt, scheduler: b.sched, generators: { loader: g2 } });
    for (const [k, t] of Object.entries(a.model.stateDict())) expect(b.model.stateDict()[k]!.toArray()).toEqual(t.toArray());
    expect(g2.random()).toBe(g.random());
    expect(b.opt.paramGroups[0]!.lr).toBe(a.opt.paramGroups[0]!.lr);
    trainSteps(a, 3);
    trainSteps(b, 3);
    for (const [k, t] of Object.entries(a.model.stateDict())) expect(b.model.stateDict()[k]!.toArray()).toEqual(t.toArray());
    expect(readdirSync(dir)).toEqual(['c.safetensors']);
  });

  it('is a safetensors file: 8-byte header length, JSON header with F32 entries under the state-dict keys', () => {
    const path = join(tmp(), 'c.safetensors');
    saveCheckpoint(path, { model: { '0.weight': tensor([[1, 2]]), '0.bias': tensor([3]) }, epoch: 0 });
    const bytes = readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;
    expect(header['0.weight']).toEqual({ dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] });
    expect(header['0.bias']).toEqual({ dtype: 'F32', shape: [1], data_offsets: [8, 12] });
    expect(Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset + 8 + n, bytes.byteOffset + 8 + n + 12)))).toEqual([1, 2, 3]);
  });

  it('refuses a truncated file, a flipped byte, trailing bytes and a file that is not a checkpoint', () => {
    const dir = tmp(), path = join(dir, 'c.safetensors');
    saveCheckpoint(path, { model: setup(1).model.stateDict(), epoch: 1 });
    const good = readFileSync(path);
    const cut = join(dir, 'cut'), flip = join(dir, 'flip'), long = join(dir, 'long'), junk = join(dir, 'junk');
    writeFileSync(cut, good.subarray(0, good.length - 10));
    expect(() => loadCheckpoint(cut)).toThrow(`loadCheckpoint: file ${cut} is truncated: ${good.length - 10} bytes; expected ${good.length}`);
    const bad = Buffer.from(good);
    bad[bad.length - 3] = bad[bad.length - 3]! ^ 0x40;
    writeFileSync(flip, bad);
    expect(() => loadCheckpoint(flip)).toThrow(`loadCheckpoint: file ${flip} is corrupt: the tensors' checksum`);
    writeFileSync(long, Buffer.concat([good, Buffer.from([0])]));
    expect(() => loadCheckpoint(long)).toThrow(`loadCheckpoint: file ${long} has trailing bytes: ${good.length + 1} bytes; expected ${good.length}`);
    writeFileSync(junk, 'hello world, this is text');
    expect(() => loadCheckpoint(junk)).toThrow(`loadCheckpoint: file ${junk} is truncated or not a checkpoint: header length`);
    writeFileSync(junk, Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{}  ')]));
    expect(() => loadCheckpoint(junk)).toThrow(`loadCheckpoint: file ${junk} is not a tapegrad checkpoint (no format 'tapegrad-checkpoint' in its metadata)`);
    expect(() => loadCheckpoint(join(dir, 'none'))).toThrow(`loadCheckpoint: file ${join(dir, 'none')} cannot be read (ENOENT)`);
  });

  it('a checkpoint of another model names the first mismatched key and loads nothing', () => {
    const path = join(tmp(), 'c.safetensors');
    const other = new Sequential(new Linear(3, 5), new ReLU(), new Linear(5, 2));
    saveCheckpoint(path, { model: other.stateDict(), epoch: 0 });
    const s = setup(1);
    const before = s.model.stateDict()['0.weight']!.toArray();
    expect(() => restoreCheckpoint(loadCheckpoint(path), { model: s.model }, path))
      .toThrow(`loadCheckpoint: ${path} does not fit the model: key 0.weight has shape [5, 3] but the model expects [4, 3]; expected a checkpoint of the same architecture`);
    expect(s.model.stateDict()['0.weight']!.toArray()).toEqual(before);
    const deeper = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2), new ReLU(), new Linear(2, 2));
    saveCheckpoint(path, { model: deeper.stateDict(), epoch: 0 });
    expect(() => restoreCheckpoint(loadCheckpoint(path), { model: s.model }, path)).toThrow('it has an extra key 4.weight (position 4)');
  });

  it('a failure while loading the schedule puts the optimiser back (never half-loaded)', () => {
    const path = join(tmp(), 'c.safetensors');
    const a = setup(1);
    trainSteps(a, 2);
    saveCheckpoint(path, { model: a.model.stateDict(), optimizer: a.opt.stateDict(), scheduler: { name: 'StepLR', lastEpoch: 'x' }, epoch: 1 });
    const b = setup(1);
    const lr = b.opt.paramGroups[0]!.lr;
    expect(() => restoreCheckpoint(loadCheckpoint(path), { model: b.model, optimizer: b.opt, scheduler: b.sched })).toThrow('StepLR.loadStateDict: baseLrs undefined is malformed');
    expect(b.opt.stateDict().state).toEqual({});
    expect(b.opt.paramGroups[0]!.lr).toBe(lr);
  });

  it('a write into a missing directory fails clearly and leaves nothing behind', () => {
    const dir = tmp();
    const path = join(dir, 'no', 'c.safetensors');
    expect(() => saveCheckpoint(path, { model: { w: tensor([1]) }, epoch: 0 })).toThrow(`saveCheckpoint: cannot write ${path} (ENOENT); expected a writable directory (nothing was written)`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a process killed in the middle of a save leaves the previous checkpoint loadable', async () => {
    const dir = tmp(), path = join(dir, 'c.safetensors');
    const script = fileURLToPath(new URL('./helpers/saveLoop.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('saved')) resolve(); });
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    // wait until a save is under way (its temporary file exists), then kill without warning
    const deadline = Date.now() + 20_000;
    while (!readdirSync(dir).some((f) => f.includes('.tmp-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    const files = readdirSync(dir);
    expect(files.some((f) => f.includes('.tmp-'))).toBe(true);
    expect(existsSync(path)).toBe(true);
    const ck = loadCheckpoint(path);
    const k = ck.epoch;
    for (const t of Object.values(ck.model)) {
      const v = t.values();
      expect(v[0]).toBe(k);
      expect(v[v.length - 1]).toBe(k);
    }
  });
});
