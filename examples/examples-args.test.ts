// The examples answer --help and command-line mistakes as the tapegrad CLI does: the flags with their
// defaults (exit code 0), or one line on stderr naming the flag (exit code 2), never a stack trace.
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExampleArgs, UsageError, HelpRequest } from './lib/args.js';
import { SPEC as TRAIN } from './train.js';
import { SPEC as GAP_VS_FC } from './gap-vs-fc.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `node --import tsx examples/<script> ...args` from the repository root, as `pnpm exec tsx` runs it. */
function runScript(script: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, timeout: 60_000 }, (e, stdout, stderr) => {
      done({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : -1, stdout, stderr });
    });
  });
}

const SCRIPTS = [
  { name: 'train', flags: ['model', 'epochs', 'subset', 'seed', 'backend', 'out'], typo: ' (did you mean --epochs?)' },
  { name: 'gap-vs-fc', flags: ['epochs', 'subset', 'seed', 'backend', 'out', 'dataset', 'data'], typo: ' (did you mean --epochs?)' },
  { name: 'cam', flags: ['epochs', 'checkpoint', 'subset', 'seed', 'backend', 'out', 'dataset', 'data'], typo: ' (did you mean --epochs?)' },
  { name: 'mlp-demo', flags: ['seed'], typo: '' },
].map((s) => ({ ...s, script: `examples/${s.name}.ts` }));

describe('examples on the command line (child processes)', () => {
  it('a typo flag (--epoch 3): one line naming it, exit code 2, no stack trace; --help: the flags with defaults, exit code 0', async () => {
    const runs = await Promise.all(SCRIPTS.flatMap(({ script }) => [runScript(script, ['--epoch', '3']), runScript(script, ['--', '--help'])]));
    SCRIPTS.forEach(({ script, name, flags, typo }, i) => {
      const bad = runs[2 * i]!, help = runs[2 * i + 1]!;
      expect(bad.stderr, name).toBe(`${script}: unknown flag '--epoch'${typo}; see ${script} --help\n`);
      expect(bad.code, name).toBe(2);
      expect(bad.stdout, name).toBe('');
      expect(help.stderr, name).toBe('');
      expect(help.code, name).toBe(0);
      expect(help.stdout.split('\n')[0], name).toBe(`Usage: pnpm --filter examples run ${name} -- [flags]   (or, from the repository root: pnpm exec tsx ${script} [flags])`);
      const listed = help.stdout.split('\n').filter((l) => l.startsWith('  --')).map((l) => l.trim().split(' ')[0]);
      expect(listed, name).toEqual([...flags.map((f) => `--${f}`), '--help']);
      for (const l of help.stdout.split('\n').filter((x) => x.startsWith('  --') && !x.includes('--help'))) expect(l, name).toMatch(/\(default: [^)]+\)$/);
    });
  });

  it('a bad value: one line naming the flag and the value, exit code 2', async () => {
    const r = await runScript('examples/train.ts', ['--epochs', '0', '--backend', 'cpu']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'examples/train.ts: --epochs 0 is not an integer >= 1\n' });
  });
});

describe('parseExampleArgs', () => {
  const mistake = (argv: string[], spec = TRAIN, defaults = { epochs: 15, out: 'runs/example-<model>' }): string => {
    try {
      parseExampleArgs(argv, defaults, spec);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error(`${argv.join(' ')} was accepted`);
  };

  it('refuses each kind of mistake with one line naming the flag', () => {
    expect(mistake(['--epochs', '1.5'])).toBe('examples/train.ts: --epochs 1.5 is not an integer >= 1');
    expect(mistake(['--seed', '-1'])).toBe('examples/train.ts: --seed -1 is not an integer >= 0');
    expect(mistake(['--subset', ''])).toBe('examples/train.ts: --subset  is not an integer >= 1');
    expect(mistake(['--backend', 'gpu'])).toBe("examples/train.ts: --backend 'gpu' is not one of cpu, wasm");
    expect(mistake(['--model', 'resnet'])).toBe("examples/train.ts: --model 'resnet' is not one of nin, nin-fc, squeezenet, nin-bn");
    expect(mistake(['--epochs'])).toBe("examples/train.ts: Option '--epochs <value>' argument missing; see examples/train.ts --help");
    expect(mistake(['5'])).toBe("examples/train.ts: unexpected argument '5'; flags take the form --name value (see examples/train.ts --help)");
    expect(mistake(['--checkpoint', 'x.safetensors'])).toBe("examples/train.ts: unknown flag '--checkpoint'; see examples/train.ts --help");
    expect(mistake(['--model', 'nin'], GAP_VS_FC)).toBe("examples/gap-vs-fc.ts: unknown flag '--model'; see examples/gap-vs-fc.ts --help");
  });

  it('--dataset and --data: a known name, an existing folder, none for the embedded set; --data alone means mnist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-examples-args-'));
    const parse = (argv: string[]) => parseExampleArgs(argv, { epochs: 5 }, GAP_VS_FC);
    expect(parse(['--dataset', 'fashion-mnist'])).toMatchObject({ dataset: 'fashion-mnist', data: null });
    expect(parse(['--data', dir])).toMatchObject({ dataset: 'mnist', data: dir });
    expect(parse(['--dataset', 'fashion-mnist', '--data', dir])).toMatchObject({ dataset: 'fashion-mnist', data: dir });
    expect(mistake(['--dataset', 'cifar10'], GAP_VS_FC)).toBe("examples/gap-vs-fc.ts: --dataset 'cifar10' is not one of embedded, mnist, fashion-mnist");
    expect(mistake(['--dataset', 'embedded', '--data', dir], GAP_VS_FC)).toBe(`examples/gap-vs-fc.ts: --data ${dir} does not go with --dataset embedded (the embedded set reads no files); expected --dataset mnist or fashion-mnist`);
    expect(mistake(['--dataset', 'fashion-mnist', '--data', join(dir, 'none')], GAP_VS_FC)).toBe(`examples/gap-vs-fc.ts: --data ${join(dir, 'none')} is not a directory; expected the folder of the fashion-mnist IDX files`);
    expect(mistake(['--dataset', 'mnist'])).toBe("examples/train.ts: unknown flag '--dataset'; see examples/train.ts --help");
  });

  it('missing IDX files: one line saying how to get them (exit code 2)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tapegrad-examples-args-'));
    const r = await runScript('examples/gap-vs-fc.ts', ['--dataset', 'fashion-mnist', '--data', empty, '--backend', 'cpu']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^examples/gap-vs-fc\\.ts: --dataset fashion-mnist found no Fashion-MNIST files in ${empty} \\(missing [^)]+\\); expected the four IDX files .*'sudo apt-get install dataset-fashion-mnist'.* into a folder and pass --data DIR\n$`));
  });

  it('cam: a missing --checkpoint, and --epochs with --checkpoint (which skips training), are refused', async () => {
    const { SPEC: CAM } = await import('./cam.js');
    const missing = join(mkdtempSync(join(tmpdir(), 'tapegrad-examples-args-')), 'none.safetensors');
    expect(mistake(['--checkpoint', missing], CAM)).toBe(`examples/cam.ts: --checkpoint ${missing} does not exist`);
    expect(mistake(['--epochs', '2', '--checkpoint', missing], CAM)).toBe('examples/cam.ts: --epochs and --checkpoint exclude each other (one would be ignored); pass one');
  });

  it('reads the flags, with a leading `--` and with defaults; --help and -h throw a HelpRequest with the flag list', () => {
    expect(parseExampleArgs(['--', '--model', 'nin', '--seed', '2'], { epochs: 15, out: 'runs/example-<model>' }, TRAIN))
      .toEqual({ epochs: 15, subset: null, seed: 2, out: 'runs/example-nin', backend: null, model: 'nin', checkpoint: null, dataset: 'embedded', data: null });
    for (const flag of ['--help', '-h']) {
      expect(() => parseExampleArgs([flag], { epochs: 15, out: 'runs/example-<model>' }, TRAIN)).toThrow(HelpRequest);
    }
  });
});
