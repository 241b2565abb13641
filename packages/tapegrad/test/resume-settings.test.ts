// `tapegrad train --resume` keeps its word (a setting that differs from the saved run is refused,
// --epochs re-plans the schedule), and `tapegrad train` never silently replaces an earlier run.
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, type TrainSettings } from '../src/index.js';
import { run } from './helpers/runCli.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tapegrad-resume-'));


// 8 images in batches of 4: two steps per epoch
const tiny = ['--subset', '8', '--batch-size', '4', '--backend', 'cpu', '--progress', 'lines'];
const runtime = ['--backend', 'cpu', '--progress', 'lines'];
const epochLines = (r: { out: string[] }): string[] => r.out.filter((l) => l.startsWith('epoch '));
const lrs = (dir: string): number[] => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { lr: number }).lr);

describe('tapegrad train --resume: a setting that differs from the saved run', () => {
  const dir = tmp();
  beforeAll(() => {
    expect(run('train', ...tiny, '--epochs', '2', '--stop-after', '1', '--out', dir).code).toBe(0);
  });

  it('is refused, naming the flag, the directory and both values (exit 2); nothing is trained', () => {
    const cases: [string[], string][] = [
      [['--lr', '0.5'], `tapegrad train: --lr 0.5 differs from the run in ${dir} (0.1); --resume continues the saved run as it was: drop --lr, or start a new run with --out`],
      [['--optimizer', 'adam'], `tapegrad train: --optimizer adam differs from the run in ${dir} (sgd); --resume continues the saved run as it was: drop --optimizer, or start a new run with --out`],
      [['--batch-size', '2'], `tapegrad train: --batch-size 2 differs from the run in ${dir} (4); --resume continues the saved run as it was: drop --batch-size, or start a new run with --out`],
      [['--model', 'nin'], `tapegrad train: --model nin differs from the run in ${dir} (nin-bn); --resume continues the saved run as it was: drop --model, or start a new run with --out`],
      [['--seed', '3'], `tapegrad train: --seed 3 differs from the run in ${dir} (0); --resume continues the saved run as it was: drop --seed, or start a new run with --out`],
      [['--schedule', 'cosine'], `tapegrad train: --schedule cosine differs from the run in ${dir} (warmup-cosine); --resume continues the saved run as it was: drop --schedule, or start a new run with --out`],
      [['--weight-decay', '0'], `tapegrad train: --weight-decay 0 differs from the run in ${dir} (0.0005); --resume continues the saved run as it was: drop --weight-decay, or start a new run with --out`],
      [['--warmup-epochs', '0'], `tapegrad train: --warmup-epochs 0 differs from the run in ${dir} (1); --resume continues the saved run as it was: drop --warmup-epochs, or start a new run with --out`],
      [['--augment-shift', '2'], `tapegrad train: --augment-shift 2 differs from the run in ${dir} (0); --resume continues the saved run as it was: drop --augment-shift, or start a new run with --out`],
      [['--dropout', '0.2'], `tapegrad train: --dropout 0.2 differs from the run in ${dir} (0.5); --resume continues the saved run as it was: drop --dropout, or start a new run with --out`],
      [['--subset', '16'], `tapegrad train: --subset 16 differs from the run in ${dir} (8); --resume continues the saved run as it was: drop --subset, or start a new run with --out`],
      [['--stop-after', '1'], `tapegrad train: --stop-after 1 is not after epoch 1, where the run in ${dir} stopped; expected more than 1`],
      [['--force'], 'tapegrad train: --resume and --force exclude each other (--resume continues the run in --out, --force replaces it); pass one'],
    ];
    for (const [flags, msg] of cases) {
      const r = run('train', '--resume', '--out', dir, ...runtime, ...flags);
      expect(r.err, flags.join(' ')).toEqual([msg]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.out, flags.join(' ')).toEqual([]);
    }
    expect(loadCheckpoint(join(dir, 'checkpoint.safetensors')).epoch).toBe(1);
  });

  it('given with the saved value (however written), is accepted and the banner shows the saved run', () => {
    const r = run('train', '--resume', '--out', dir, ...runtime, '--lr', '0.10', '--weight-decay', '5e-4', '--batch-size', '4', '--subset', '8');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[1]).toMatch(/^ {2}sgd lr 0\.1 wd 0\.0005 momentum 0\.9, schedule warmup-cosine, batch 4, 2 epochs, seed 0, backend /);
    expect(r.out[2]).toBe(`  output: ${dir} (resuming after epoch 1 of 2)`);
    expect(epochLines(r)).toEqual([expect.stringMatching(/^epoch 2\/2 /)]);
  });
});

describe('tapegrad train --resume --epochs N', () => {
  it('on a finished 3-epoch run re-plans the schedule: epochs 4-5 get the learning rates of a 5-epoch run, not lr 0', () => {
    const short = tmp(), long = tmp();
    expect(run('train', ...tiny, '--epochs', '3', '--out', short).code).toBe(0);
    expect(lrs(short)[2]).toBe(0);
    expect(run('train', ...tiny, '--epochs', '5', '--out', long).code).toBe(0);

    const fewer = run('train', '--resume', '--out', short, ...runtime, '--epochs', '2');
    expect(fewer.err).toEqual([`tapegrad train: --epochs 2 is fewer than the 3 epochs the run in ${short} has done; expected --epochs 3 or more`]);
    expect(fewer.code).toBe(2);

    // extended, interrupted after epoch 4, then resumed plainly: the re-planned schedule is what the checkpoint carries on
    const r = run('train', '--resume', '--out', short, ...runtime, '--epochs', '5', '--stop-after', '4');
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const startLr = lrs(long)[2]!; // the rate after epoch 3's last step is the one epoch 4 starts at
    expect(r.out[1]).toContain(', 5 epochs, ');
    expect(r.out.slice(2, 4)).toEqual([
      `  output: ${short} (resuming after epoch 3 of 5)`,
      `  --epochs 5 replaces the run's 3: the warmup-cosine schedule is re-planned over 5 epochs, so epochs 4-5 get the learning rates of a 5-epoch run (lr ${Number(startLr.toPrecision(4))} at the start of epoch 4)`,
    ]);
    expect(epochLines(r).map((l) => l.split(' ')[1])).toEqual(['4/5']);
    const rest = run('train', '--resume', '--out', short, ...runtime);
    expect(rest.out[2]).toBe(`  output: ${short} (resuming after epoch 4 of 5)`);
    expect(epochLines(rest).map((l) => l.split(' ')[1])).toEqual(['5/5']);
    expect(startLr).toBeGreaterThan(0.01);
    expect(lrs(short).slice(3)).toEqual(lrs(long).slice(3));
    const ckpt = loadCheckpoint(join(short, 'checkpoint.safetensors'));
    expect(ckpt.epoch).toBe(5);
    expect((ckpt.meta!['settings'] as unknown as TrainSettings).epochs).toBe(5);
  });

  it('on a finished run without --epochs trains nothing and says how to extend it', () => {
    const dir = tmp();
    expect(run('train', ...tiny, '--epochs', '1', '--out', dir).code).toBe(0);
    const r = run('train', '--resume', '--out', dir, ...runtime);
    expect(r.code).toBe(0);
    expect(r.out[2]).toBe(`  output: ${dir} (finished after epoch 1 of 1: nothing to train; pass --epochs N, more than 1, to extend it)`);
    expect(epochLines(r)).toEqual([]);
    expect(r.out.at(-1)).toMatch(/^test accuracy: \d+\.\d\d% after epoch 1 /);
  });
});

describe('tapegrad train into a directory that holds a run', () => {
  it('refuses a finished run, an unfinished one and stray run files (exit 2, directory named, --resume / --force suggested)', () => {
    const done = tmp(), half = tmp(), stray = tmp();
    expect(run('train', ...tiny, '--epochs', '1', '--out', done).code).toBe(0);
    expect(run('train', ...tiny, '--epochs', '2', '--stop-after', '1', '--out', half).code).toBe(0);
    writeFileSync(join(stray, 'metrics.jsonl'), '{}\n');
    const before = readFileSync(join(done, 'checkpoint.safetensors'));
    const cases: [string, string][] = [
      [done, `tapegrad train: ${done} holds a finished run (nin-bn, 1 epoch); replace it with --force, extend it with --resume --epochs N, or start the new run elsewhere with --out DIR`],
      [half, `tapegrad train: ${half} holds an unfinished run (nin-bn, epoch 1 of 2); continue it with --resume, replace it with --force, or start the new run elsewhere with --out DIR`],
      [stray, `tapegrad train: ${stray} holds files of an earlier run (metrics.jsonl); replace them with --force, or start the new run elsewhere with --out DIR`],
    ];
    for (const [dir, msg] of cases) {
      const r = run('train', ...tiny, '--epochs', '1', '--out', dir);
      expect(r.err).toEqual([msg]);
      expect(r.code).toBe(2);
      expect(r.out).toEqual([]);
    }
    expect(readFileSync(join(done, 'checkpoint.safetensors')).equals(before)).toBe(true);
    expect(readFileSync(join(stray, 'metrics.jsonl'), 'utf8')).toBe('{}\n');
  });

  it('--force replaces the earlier run: its files go, the new run is the only one there', () => {
    const dir = tmp();
    expect(run('train', ...tiny, '--epochs', '2', '--out', dir).code).toBe(0);
    const r = run('train', ...tiny, '--epochs', '1', '--seed', '1', '--force', '--out', dir);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[2]).toBe(`  output: ${dir} (the earlier run there is replaced: --force)`);
    expect(lrs(dir)).toHaveLength(1);
    const ckpt = loadCheckpoint(join(dir, 'checkpoint.safetensors'));
    expect(ckpt.epoch).toBe(1);
    expect((ckpt.meta!['settings'] as unknown as TrainSettings).seed).toBe(1);
    // --force on an empty or missing directory is a plain run
    const fresh = join(tmp(), 'new');
    mkdirSync(fresh);
    const f = run('train', ...tiny, '--epochs', '1', '--force', '--out', fresh);
    expect(f.out[2]).toBe(`  output: ${fresh}`);
    expect(existsSync(join(fresh, 'checkpoint.safetensors'))).toBe(true);
  });

  it('--help documents --force and --resume', () => {
    const help = run('train', '--help').out.join('\n');
    expect(help).toMatch(/--force +replace the run already in --out/);
    expect(help).toMatch(/--resume +continue the run in --out/);
  });
});
