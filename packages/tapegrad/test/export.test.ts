import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator, createModel, exportOnnx, save, saveCheckpoint } from '../src/index.js';
import { run as runCli } from './helpers/runCli.js';

function run(...argv: string[]): { code: number; out: string; err: string } {
  const r = runCli(...argv);
  return { code: r.code, out: r.out.join('\n'), err: r.err.join('\n') };
}

describe('tapegrad export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-export-'));
  const model = createModel('nin', { generator: new Generator(3) });
  const expected = exportOnnx(model.eval(), { inputShape: [1, 1, 28, 28], dynamicBatch: true });

  it('writes the ONNX file of a checkpoint, taking the model name it records', () => {
    const ckpt = join(dir, 'checkpoint.safetensors');
    saveCheckpoint(ckpt, { model: model.stateDict(), epoch: 1, meta: { modelName: 'nin' } });
    const out = join(dir, 'onnx', 'nin.onnx');
    const r = run('export', '--checkpoint', ckpt, '--onnx', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote ${out} (${expected.length} bytes, nin, opset 17, input [N, 1, 28, 28], output [N, 10])`);
    expect(new Uint8Array(readFileSync(out))).toEqual(expected);
  });

  it('takes a plain safetensors state dict with --model', () => {
    const weights = join(dir, 'weights.safetensors');
    save(model.stateDict(), weights);
    const out = join(dir, 'plain.onnx');
    expect(run('export', '--checkpoint', weights, '--onnx', out).err)
      .toBe(`tapegrad export: ${weights} records no model name; expected --model NAME (nin, nin-fc, squeezenet, nin-bn)`);
    expect(run('export', '--checkpoint', weights, '--model', 'nin', '--onnx', out).code).toBe(0);
    expect(new Uint8Array(readFileSync(out))).toEqual(expected);
  });

  it('refuses missing flags (exit 2) and weights of another model (exit 1) in one line', () => {
    const weights = join(dir, 'weights.safetensors');
    expect(run('export', '--checkpoint', weights)).toMatchObject({ code: 2, err: 'tapegrad export: --onnx OUT is required; see tapegrad export --help' });
    const r = run('export', '--checkpoint', weights, '--model', 'squeezenet', '--onnx', join(dir, 'x.onnx'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^loadStateDict: state dict does not match the module: /);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});
