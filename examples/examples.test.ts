// Smoke tests: every example runs end to end on a tiny slice of the data, so none of them rots.
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as gapVsFc } from './gap-vs-fc.js';
import { main as train } from './train.js';
import { main as cam } from './cam.js';
import { main as mlpDemo } from './mlp-demo.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'tapegrad-example-'));
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

  it('mlp-demo: the MLP learns the quadrant problem (train accuracy above 95 %)', () => {
    expect(mlpDemo(['--seed', '0'])).toBeGreaterThan(0.95);
  });
});
