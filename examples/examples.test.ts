// Smoke tests: every example runs end to end on a tiny slice of the data, so none of them rots.
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as gapVsFc } from './gap-vs-fc.js';
import { main as train } from './train.js';
import { main as cam } from './cam.js';
import { main as mlpDemo } from './mlp-demo.js';
import { writeIdxFolder } from '../test-utils/idxFiles.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'tapegrad-example-'));
}

/** A folder of the four IDX files (gzip), `n` images per split with labels 0..9 in turn. */
function idxFolder(n: number): string {
  return writeIdxFolder(tmp(), { train: n, test: n, pixel: (i) => (i * 7 + (i >> 5)) % 256 });
}

describe('examples (smoke, tiny data)', () => {
  it('gap-vs-fc: four heads, a table, the FC head refuses 36x36 inputs, GAP ways agree', () => {
    const out = tmp();
    try {
      const { rows, ways, markdown } = gapVsFc(['--epochs', '1', '--subset', '32', '--backend', 'cpu', '--out', out]);
      expect(rows.map((r) => r.head)).toEqual(['gap', 'gap-fc', 'fc', 'gem']);
      const fc = rows.find((r) => r.head === 'fc')!;
      expect(fc.padded36).toBe('linear: input shape [32, 10368] does not fit weight [256, 6272]; expected (*, 6272)');
      for (const r of rows.filter((x) => x.head !== 'fc')) expect(typeof r.padded36).toBe('number');
      expect(rows.find((r) => r.head === 'gap')!.totalParams).toBe(155294);
      for (const w of ways) {
        expect(w.maxDiff).toBeLessThan(1e-5);
        expect(w.maxGradDiff).toBeLessThan(1e-6);
      }
      expect(markdown).toContain('| (c) Flatten + FC (nin-fc) | 1,608,458 | 1,762,442 |');
      for (const f of ['results.md', 'accuracy.svg', 'loss.svg']) expect(existsSync(join(out, f))).toBe(true);
      expect(readFileSync(join(out, 'accuracy.svg'), 'utf8')).toContain('<polyline');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('train: squeezenet for one epoch writes a checkpoint and metrics', () => {
    const out = tmp();
    try {
      const res = train(['--model', 'squeezenet', '--epochs', '1', '--subset', '64', '--backend', 'cpu', '--out', out]);
      expect(res.history).toHaveLength(1);
      expect(res.val!.count).toBe(64);
      expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(true);
      expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('cam: writes a PNG grid of correct and wrong predictions', () => {
    const out = tmp();
    try {
      const res = cam(['--epochs', '1', '--subset', '64', '--backend', 'cpu', '--out', out]);
      expect(res.correct + res.wrong).toBeGreaterThan(0);
      const png = readFileSync(res.file);
      expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('gap-vs-fc and cam take --dataset fashion-mnist --data DIR; cam.md names the classes', () => {
    const data = idxFolder(20), out = tmp();
    try {
      const { rows } = gapVsFc(['--epochs', '1', '--subset', '20', '--backend', 'cpu', '--out', out, '--dataset', 'fashion-mnist', '--data', data]);
      expect(rows).toHaveLength(4);
      expect(readFileSync(join(out, 'results.md'), 'utf8').split('\n')[0]).toMatch(/^# GAP versus flatten\+FC \(Fashion-MNIST, 20 train \/ 20 test, /);
      const res = cam(['--epochs', '1', '--backend', 'cpu', '--out', out, '--dataset', 'fashion-mnist', '--data', data]);
      expect(res.correct + res.wrong).toBeGreaterThan(0);
      const md = readFileSync(join(out, 'cam.md'), 'utf8');
      expect(md).toContain('# Class activation maps (Fashion-MNIST)');
      expect(md).toMatch(/true (T-shirt\/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot) \/ predicted /);
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('mlp-demo: the MLP learns the quadrant problem (train accuracy above 95 %)', () => {
    expect(mlpDemo(['--seed', '0'])).toBeGreaterThan(0.95);
  });
});
