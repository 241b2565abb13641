import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator, tensor } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { Linear, Sequential, ReLU } from '@tapegrad/nn';
import { saveCheckpoint, loadCheckpoint, restoreCheckpoint, SGD, StepLR, crc32, CHECKPOINT_VERSION } from '../src/index.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tapegrad-runs-ckpt-'));
const HEAD = '{"__metadata__":{"header_crc32":"';

/** A small checkpoint with every part the loader reads: model, momentum buffers, schedule, generators, meta. */
function small(path: string): Buffer {
  const g = new Generator(1);
  const model = new Sequential(new Linear(2, 3, { generator: g }), new ReLU(), new Linear(3, 2, { generator: g }));
  const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const sched = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
  const loss = model.forward(new Variable(tensor([[1, 2]]))).sum();
  opt.zeroGrad();
  loss.backward();
  opt.step();
  sched.step();
  saveCheckpoint(path, { model: model.stateDict(), optimizer: opt.stateDict(), scheduler: sched.stateDict(), epoch: 2, rng: { global: new Generator(5).getState() }, meta: { modelName: 'mlp', history: [{ loss: 0.5 }, { loss: NaN }] } });
  return readFileSync(path);
}

const headerLength = (b: Buffer): number => Number(b.readBigUInt64LE(0));

/** Written by tapegrad before header checksums (format version 1): Linear(2, 2), SGD momentum 0.9 after one step, StepLR, epoch 2. */
const V1 = Buffer.from([
  'UAQAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJ0YXBlZ3JhZC1jaGVja3BvaW50IiwidmVyc2lvbiI6IjEiLCJwYXls',
  'b2FkX2NyYzMyIjoiMjAxNjVmN2EiLCJzdGF0ZSI6IntcImVwb2NoXCI6MixcIm1vZGVsS2V5c1wiOltcIjAud2VpZ2h0XCIsXCIw',
  'LmJpYXNcIl0sXCJvcHRpbWl6ZXJcIjp7XCJzdGF0ZVwiOntcIjBcIjp7XCJtb21lbnR1bUJ1ZmZlclwiOntcIiR0ZW5zb3JcIjpc',
  'IkAvb3B0aW1pemVyL3N0YXRlLzAvbW9tZW50dW1CdWZmZXJcIn19LFwiMVwiOntcIm1vbWVudHVtQnVmZmVyXCI6e1wiJHRlbnNv',
  'clwiOlwiQC9vcHRpbWl6ZXIvc3RhdGUvMS9tb21lbnR1bUJ1ZmZlclwifX19LFwicGFyYW1Hcm91cHNcIjpbe1wibHJcIjowLjI1',
  'LFwibW9tZW50dW1cIjowLjksXCJkYW1wZW5pbmdcIjowLFwid2VpZ2h0RGVjYXlcIjowLFwibmVzdGVyb3ZcIjpmYWxzZSxcIm1h',
  'eGltaXplXCI6ZmFsc2UsXCJpbml0aWFsTHJcIjowLjUsXCJwYXJhbXNcIjpbMCwxXX1dfSxcInNjaGVkdWxlclwiOntcIm5hbWVc',
  'IjpcIlN0ZXBMUlwiLFwibGFzdEVwb2NoXCI6MSxcInN0ZXBDb3VudFwiOjIsXCJiYXNlTHJzXCI6WzAuNV0sXCJsYXN0THJcIjpb',
  'MC4yNV19LFwicm5nXCI6e1wiZ2xvYmFsXCI6e1wiYWxnb3JpdGhtXCI6XCJ4b3NoaXJvMTI4KipcIixcInNcIjpbMTQ3ODgzMjU3',
  'NywzMTg2MDYyMDI2LDM1Mzc0MjE5NDYsMzg3NTI3MjQwXX19LFwibWV0YVwiOntcIm1vZGVsTmFtZVwiOlwibWxwXCIsXCJoaXN0',
  'b3J5XCI6W3tcImxvc3NcIjowLjI1fSx7XCJsb3NzXCI6e1wiJG51bWJlclwiOlwiTmFOXCJ9fV19fSJ9LCIwLndlaWdodCI6eyJk',
  'dHlwZSI6IkYzMiIsInNoYXBlIjpbMiwyXSwiZGF0YV9vZmZzZXRzIjpbMCwxNl19LCIwLmJpYXMiOnsiZHR5cGUiOiJGMzIiLCJz',
  'aGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOlsxNiwyNF19LCJAL29wdGltaXplci9zdGF0ZS8wL21vbWVudHVtQnVmZmVyIjp7ImR0',
  'eXBlIjoiRjMyIiwic2hhcGUiOlsyLDJdLCJkYXRhX29mZnNldHMiOlsyNCw0MF19LCJAL29wdGltaXplci9zdGF0ZS8xL21vbWVu',
  'dHVtQnVmZmVyIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbNDAsNDhdfX3Go0K+fuVLvwRRKr8a',
  'qpm+SkzDvqyKIL8AAIA/AAAAQAAAgD8AAABAAACAPwAAgD8=',
].join(''), 'base64');

describe('checkpoint header checksum (format version 2)', () => {
  it(`is version ${CHECKPOINT_VERSION}: the header begins with header_crc32, the CRC-32 of the first 8 + N bytes with its own digits read as 00000000`, () => {
    const b = small(join(tmp(), 'c.safetensors'));
    const n = headerLength(b);
    expect(b.toString('latin1', 8, 8 + HEAD.length)).toBe(HEAD);
    const at = 8 + HEAD.length;
    const stored = b.toString('latin1', at, at + 8);
    expect(stored).toMatch(/^[0-9a-f]{8}$/);
    const zeroed = Buffer.from(b.subarray(0, 8 + n));
    zeroed.write('00000000', at, 'latin1');
    expect(crc32(zeroed).toString(16).padStart(8, '0')).toBe(stored);
    // still a safetensors header: a JSON object whose __metadata__ is a string-to-string map
    const header = JSON.parse(b.toString('utf8', 8, 8 + n)) as Record<string, unknown>;
    const meta = header['__metadata__'] as Record<string, unknown>;
    expect(Object.keys(meta)).toEqual(['header_crc32', 'format', 'version', 'payload_crc32', 'state']);
    for (const v of Object.values(meta)) expect(typeof v).toBe('string');
    expect(meta['version']).toBe('2');
    expect(n % 8).toBe(0);
  });

  it('refuses a flip of every single bit of the length prefix and the header, one at a time', () => {
    const dir = tmp(), path = join(dir, 'c.safetensors'), bad = join(dir, 'bad.safetensors');
    const good = small(path);
    expect(loadCheckpoint(path).epoch).toBe(2);
    const end = 8 + headerLength(good);
    const kinds = new Map<string, number>();
    let refused = 0;
    for (let i = 0; i < end; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = Buffer.from(good);
        b[i] = b[i]! ^ (1 << bit);
        writeFileSync(bad, b);
        let message = '';
        try {
          loadCheckpoint(bad);
        } catch (e) {
          message = (e as Error).message;
        }
        expect(message, `byte ${i} bit ${bit} loaded`).toMatch(new RegExp(`^loadCheckpoint: file ${bad} (is corrupt: |is truncated|is not a tapegrad checkpoint|has format version)`));
        expect(message).not.toContain('\n');
        const kind = message.replace(/^loadCheckpoint: file \S+ /, '').replace(/[:;(].*$/, '');
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        refused++;
      }
    }
    expect(refused).toBe(8 * end);
    // all but a few flips of the fixed first bytes and the length are caught by the checksum, before the JSON is read
    expect(kinds.get('is corrupt')).toBeGreaterThan(8 * end - 8 * (8 + HEAD.length));
    expect([...kinds.keys()].sort()).toEqual(['is corrupt', 'is truncated or not a checkpoint']);
  });

  it("refuses the issue's flips by name: epoch 2 -> 3, momentum 0.9 -> 1.9, a stored checksum digit", () => {
    const dir = tmp(), path = join(dir, 'c.safetensors');
    const good = small(path);
    const text = good.toString('latin1');
    const flips: [string, string, string][] = [
      ['epoch', '\\"epoch\\":2', '\\"epoch\\":3'],
      ['momentum', '\\"momentum\\":0.9', '\\"momentum\\":1.9'],
    ];
    for (const [name, from, to] of flips) {
      expect(text.split(from).length, name).toBe(2);
      const bad = join(dir, `${name}.safetensors`);
      writeFileSync(bad, Buffer.from(text.replace(from, to), 'latin1'));
      expect(() => loadCheckpoint(bad), name).toThrow(new RegExp(`^loadCheckpoint: file ${bad} is corrupt: its header's checksum is [0-9a-f]{8} but its header_crc32 is "[0-9a-f]{8}"; expected them to match \\(the header changed after it was written\\)$`));
    }
    const b = Buffer.from(good);
    const at = 8 + HEAD.length;
    b[at] = b[at]! ^ 0x10; // a hex digit turns into another character
    const bad = join(dir, 'digit.safetensors');
    writeFileSync(bad, b);
    expect(() => loadCheckpoint(bad)).toThrow(`is corrupt: its header's checksum is ${good.toString('latin1', at, at + 8)} but its header_crc32 is ${JSON.stringify(b.toString('latin1', at, at + 8))}`);
  });

  it('a damaged beginning sends the file down the version-1 path, which refuses version 2', () => {
    const dir = tmp(), path = join(dir, 'c.safetensors');
    const good = small(path);
    const b = Buffer.from(good);
    b.write('"header_crc33"', 8 + '{"__metadata__":{'.length, 'latin1'); // still valid JSON
    writeFileSync(path, b);
    expect(() => loadCheckpoint(path)).toThrow(`loadCheckpoint: file ${path} is corrupt: format version 2 but its header does not begin with ${HEAD}; expected the header checksum first`);
  });

  it('an integer-like tensor name stays after __metadata__ (JSON.stringify would move it first)', () => {
    const path = join(tmp(), 'c.safetensors');
    saveCheckpoint(path, { model: { 7: tensor([1, 2]), 'a.weight': tensor([3]) }, epoch: 0 });
    expect(readFileSync(path).toString('latin1', 8, 8 + HEAD.length)).toBe(HEAD);
    expect(Object.keys(loadCheckpoint(path).model)).toEqual(['7', 'a.weight']);
  });
});

describe('checkpoints written before header checksums (format version 1)', () => {
  it('still load, with every part, and restore into the model and optimiser', () => {
    const path = join(tmp(), 'v1.safetensors');
    writeFileSync(path, V1);
    expect(V1.toString('latin1', 8, 80)).toContain('"version":"1"');
    const ck = loadCheckpoint(path);
    expect(ck.epoch).toBe(2);
    expect(Array.from(ck.model['0.weight']!.toArray())).toEqual([-0.19007787108421326, -0.7964705228805542, -0.6652987003326416, -0.3001258969306946]);
    expect(ck.meta!['history']).toEqual([{ loss: 0.25 }, { loss: NaN }]);
    expect(ck.optimizer!.paramGroups[0]!['lr']).toBe(0.25);
    const model = new Sequential(new Linear(2, 2));
    const opt = new SGD(model.parameters(), { lr: 0.5, momentum: 0.9 });
    const sched = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    restoreCheckpoint(ck, { model, optimizer: opt, scheduler: sched, generators: { global: new Generator(0) } }, path);
    expect(opt.paramGroups[0]!.lr).toBe(0.25);
    // saved again, it is version 2
    saveCheckpoint(path, { ...ck, model: model.stateDict() });
    expect(readFileSync(path).toString('latin1', 8, 8 + HEAD.length)).toBe(HEAD);
    expect(loadCheckpoint(path).epoch).toBe(2);
  });

  it('another format version is refused naming it', () => {
    const dir = tmp(), path = join(dir, 'v3.safetensors');
    writeFileSync(path, Buffer.from(V1.toString('latin1').replace('"version":"1"', '"version":"3"'), 'latin1'));
    expect(() => loadCheckpoint(path)).toThrow(`loadCheckpoint: file ${path} has format version 3; expected 2, or 1 (written before tapegrad checked headers)`);
  });
});

describe('stale temporary files', () => {
  it("a run killed in the middle of a save leaves a .tmp- file; the next save into that directory removes it", async () => {
    const dir = tmp(), path = join(dir, 'c.safetensors');
    const script = fileURLToPath(new URL('./helpers/saveLoop.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('saved')) resolve(); });
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    const deadline = Date.now() + 20_000;
    while (!readdirSync(dir).some((f) => f.includes('.tmp-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    const left = readdirSync(dir).filter((f) => f.includes('.tmp-'));
    expect(left).toEqual([expect.stringMatching(new RegExp(`^\\.c\\.safetensors\\.tmp-${child.pid}-[0-9a-f]{8}$`))]);
    saveCheckpoint(path, { model: { w: tensor([1]) }, epoch: 0 });
    expect(readdirSync(dir)).toEqual(['c.safetensors']);
  });

  it('removes those of dead processes and of an earlier process with this id; keeps live writers and other files', () => {
    const dir = tmp();
    const dead = '.c.safetensors.tmp-4194305-0123abcd'; // above Linux's largest pid: no such process
    const reused = `.metrics.jsonl.tmp-${process.pid}-89abcdef`; // this pid, but older than this process
    const ours = `.c.safetensors.tmp-${process.pid}-aaaaaaaa`; // a write under way in this process
    const parent = `.c.safetensors.tmp-${process.ppid}-bbbbbbbb`; // a live process
    const other = ['.c.safetensors.tmp-notes', 'c.safetensors.tmp-1-cccccccc', 'keep.txt'];
    for (const f of [dead, reused, ours, parent, ...other]) writeFileSync(join(dir, f), 'x');
    utimesSync(join(dir, reused), new Date(2000, 0, 1), new Date(2000, 0, 1));
    saveCheckpoint(join(dir, 'c.safetensors'), { model: { w: tensor([1]) }, epoch: 0 });
    expect(readdirSync(dir).sort()).toEqual([ours, parent, ...other, 'c.safetensors'].sort());
  });
});
