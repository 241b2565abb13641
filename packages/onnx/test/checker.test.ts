// The committed verdict of onnx.checker (scripts/fixtures/onnx_check.py, Debian's python3-onnx)
// covers every exported test model, each passed, and it is about the current exporter: the op
// types it recorded are those of a fresh export.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkerModels } from './writeCheckerModels.js';
import { opTypes } from './decodeModel.js';

interface Verdict {
  onnx: string;
  check: string;
  failed: string[];
  models: { name: string; opset: number; irVersion: number; opTypes: string[]; checker: string }[];
}

function readVerdict(): Verdict {
  const raw: unknown = JSON.parse(readFileSync(new URL('./fixtures/onnx_check.json', import.meta.url), 'utf8'));
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { models?: unknown }).models)) {
    throw new Error('onnx_check.json: no models list; expected the output of scripts/fixtures/onnx_check.py');
  }
  return raw as Verdict;
}

describe('onnx.checker verdict (packages/onnx/test/fixtures/onnx_check.json)', () => {
  const verdict = readVerdict();

  it(`every model passed onnx ${verdict.onnx}'s ${verdict.check}`, () => {
    expect(verdict.failed).toEqual([]);
    for (const m of verdict.models) expect(m.checker, m.name).toBe('ok');
  });

  it('it is about the current export: the same models with the same op types, opset 17, IR 8', () => {
    const byName = new Map(verdict.models.map((m) => [m.name, m]));
    const fresh = checkerModels();
    expect(fresh.map((m) => m.name).sort()).toEqual([...byName.keys()].sort());
    for (const { name, bytes } of fresh) {
      const recorded = byName.get(name)!;
      expect(opTypes(bytes), `${name}: op types differ from onnx_check.json; rerun /usr/bin/python3 scripts/fixtures/onnx_check.py`).toEqual(recorded.opTypes);
      expect([recorded.opset, recorded.irVersion], name).toEqual([17, 8]);
    }
  });
});
