import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadCheckpoint } from '../src/index.js';
import { run } from './helpers/runCli.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tapegrad-cli-'));

const tiny = ['--subset', '8', '--batch-size', '4', '--backend', 'cpu', '--progress', 'lines'];

describe('tapegrad CLI', () => {
  it('info --model nin prints the layer table and 18,351,872 multiply-adds (docs/benchmark.md: about 18.3 M)', () => {
    const r = run('info', '--model', 'nin');
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toBe('total: 154,186 parameters, 18,351,872 multiply-adds per image (18.35 M)');
    expect(r.out.some((l) => /^22 +GlobalAvgPool2d/.test(l))).toBe(true);
  });

  it('bad flags and values give a clear error and exit code 2', () => {
    const cases: [string[], string][] = [
      [['train', '--bogus'], "tapegrad train: unknown flag '--bogus'; see tapegrad train --help"],
      [['train', '--epochs', '0'], 'tapegrad train: --epochs 0 must be a positive integer'],
      [['train', '--batch-size', 'abc'], 'tapegrad train: --batch-size abc must be a positive integer'],
      [['train', '--lr', '-1'], 'tapegrad train: --lr -1 must be a positive number'],
      [['train', '--dropout', '1'], 'tapegrad train: --dropout 1 is not below 1; expected a probability in [0, 1)'],
      [['train', '--dropout', '-0.5'], 'tapegrad train: --dropout -0.5 must be a non-negative number'],
      [['train', '--optimizer', 'lbfgs'], "tapegrad train: --optimizer 'lbfgs' is not one of sgd, adam, adamw, rmsprop"],
      [['train', '--model', 'resnet'], "tapegrad train: --model 'resnet' is not one of nin, nin-fc, squeezenet, nin-bn"],
      [['train', 'extra'], "tapegrad train: unexpected argument 'extra'; flags take the form --name value (see tapegrad train --help)"],
      [['info', '--model'], "tapegrad info: Option '--model <value>' argument missing; see tapegrad info --help"],
      [['eval'], 'tapegrad eval: --checkpoint FILE is required; see tapegrad eval --help'],
      [['fly'], "tapegrad: unknown command 'fly'; expected train, eval, info or export (see tapegrad --help)"],
    ];
    for (const [argv, msg] of cases) {
      const r = run(...argv);
      expect(r.err, argv.join(' ')).toEqual([msg]);
      expect(r.code, argv.join(' ')).toBe(2);
    }
    const resume = run('train', '--resume', '--out', join(tmp(), 'none'));
    expect(resume.code).toBe(2);
    expect(resume.err[0]).toMatch(/^tapegrad train: --resume found no checkpoint at .*checkpoint\.safetensors; expected the --out directory of an earlier run$/);
  });

  it('--help documents every flag of every command', () => {
    for (const [cmd, flags] of [['train', ['model', 'epochs', 'batch-size', 'lr', 'optimizer', 'dropout', 'seed', 'out', 'resume', 'force']], ['eval', ['checkpoint']], ['info', ['model']]] as const) {
      const r = run(cmd, '--help');
      expect(r.code).toBe(0);
      for (const f of flags) expect(r.out.join('\n')).toContain(`--${f}`);
    }
  });

  it('train, then eval the checkpoint: the same test accuracy; --resume continues bit-identically', () => {
    const a = tmp(), b = tmp();
    const straight = run('train', ...tiny, '--epochs', '2', '--out', a);
    expect(straight.err).toEqual([]);
    expect(straight.code).toBe(0);
    expect(straight.out.filter((l) => l.startsWith('epoch '))).toHaveLength(2);
    const final = straight.out.at(-1)!;
    expect(final).toMatch(/^test accuracy: \d+\.\d\d% after epoch 2 \(nin-bn, /);
    expect(readFileSync(join(a, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);

    const ev = run('eval', '--checkpoint', join(a, 'checkpoint.safetensors'), '--backend', 'cpu');
    expect(ev.code).toBe(0);
    expect(ev.out[1]).toContain(`accuracy ${final.match(/(\d+\.\d\d)%/)![1]}%`);
    expect(ev.out).toContain('confusion matrix (rows: true class, columns: predicted):');

    const first = run('train', ...tiny, '--epochs', '2', '--stop-after', '1', '--out', b);
    expect(first.out.filter((l) => l.startsWith('epoch '))).toEqual([expect.stringMatching(/^epoch 1\/2 /)]);
    const resumed = run('train', '--resume', '--out', b, '--backend', 'cpu', '--progress', 'lines');
    expect(resumed.err).toEqual([]);
    expect(resumed.out.filter((l) => l.startsWith('epoch '))).toHaveLength(1);
    const ca = loadCheckpoint(join(a, 'checkpoint.safetensors')), cb = loadCheckpoint(join(b, 'checkpoint.safetensors'));
    for (const [k, t] of Object.entries(ca.model)) expect(cb.model[k]!.toArray(), k).toEqual(t.toArray());
    expect(cb.optimizer).toEqual(ca.optimizer);
  });

  it('eval of a checkpoint with the wrong --model names the first mismatched key (exit 1)', () => {
    const a = tmp();
    expect(run('train', ...tiny, '--epochs', '1', '--out', a).code).toBe(0);
    const r = run('eval', '--checkpoint', join(a, 'checkpoint.safetensors'), '--model', 'nin', '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(r.err[0]).toContain('does not fit the model: at position 2 the model has key 2.weight but the checkpoint has key 1.weight');
  });

  it('--data DIR trains on MNIST IDX files (gzip), --data on a missing directory is a usage error', () => {
    const dir = tmp();
    const idx = (type: number, shape: number[], body: Uint8Array): Buffer => {
      const head = Buffer.alloc(4 + 4 * shape.length);
      head[2] = type; head[3] = shape.length;
      shape.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
      return gzipSync(Buffer.concat([head, body]));
    };
    const pixels = new Uint8Array(6 * 784).map((_, i) => (i * 37) % 256);
    const labels = Uint8Array.from([0, 1, 2, 3, 4, 5]);
    for (const stem of ['train', 't10k']) {
      writeFileSync(join(dir, `${stem}-images-idx3-ubyte.gz`), idx(8, [6, 28, 28], pixels));
      writeFileSync(join(dir, `${stem}-labels-idx1-ubyte.gz`), idx(8, [6], labels));
    }
    const r = run('train', '--data', dir, '--epochs', '1', '--batch-size', '3', '--backend', 'cpu', '--progress', 'lines', '--out', tmp());
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(`tapegrad train: nin-bn (155,294 parameters) on MNIST in ${dir}: 6 train / 6 test images`);
    const bad = run('train', '--data', join(dir, 'nope'));
    expect(bad.code).toBe(2);
    expect(bad.err).toEqual([`tapegrad train: --data ${join(dir, 'nope')} is neither 'embedded' nor a directory; expected 'embedded' or a directory of MNIST IDX files`]);
  });

  it('an output path that cannot be a directory fails clearly (exit 1)', () => {
    const file = join(tmp(), 'file');
    writeFileSync(file, 'x');
    const r = run('train', ...tiny, '--epochs', '1', '--out', join(file, 'run'));
    expect(r.code).toBe(1);
    expect(r.err).toEqual([`fit: outDir ${join(file, 'run')} cannot be created (ENOTDIR); expected a writable directory`]);
  });
});
