import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '../src/index.js';
import { run } from './helpers/runCli.js';
import { writeIdxFolder } from '../../../test-utils/idxFiles.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tapegrad-runs-cli-'));
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));


/** The built `tapegrad` bin as a child process (what users run), with a time limit instead of a hang. */
function bin(argv: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing; build first (pnpm run build)`);
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tiny = ['--subset', '8', '--batch-size', '4', '--backend', 'cpu', '--progress', 'lines'];

/** A directory of MNIST IDX files (gzip) with `nTrain` and `nTest` images. */
function idxDir(nTrain: number, nTest: number): string {
  return writeIdxFolder(tmp(), { train: nTrain, test: nTest, pixel: (i) => (i * 37) % 256 });
}

describe('tapegrad train: a diverged run', () => {
  it('--lr 1e6 stops with the epoch named, exit 1, and saves no NaN model', () => {
    const out = tmp();
    const r = run('train', ...tiny, '--lr', '1e6', '--epochs', '3', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/^fit: (validation loss NaN after epoch 1|loss (NaN|-?Infinity) at epoch 1, step \d of 2) is not finite; expected a finite loss \(the run diverged; a lower learning rate usually helps; no checkpoint was written\)$/);
    expect(r.out.some((l) => l.startsWith('test accuracy'))).toBe(false);
    expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(false);
  });
});

describe('tapegrad: a damaged checkpoint header', () => {
  it('a one-bit flip of the epoch (2 -> 3) or the momentum (0.9 -> 1.9) is refused by eval and train --resume (exit 1)', () => {
    const out = tmp();
    expect(run('train', ...tiny, '--epochs', '3', '--stop-after', '2', '--out', out).code).toBe(0);
    const path = join(out, 'checkpoint.safetensors');
    const good = readFileSync(path, 'latin1');
    expect(loadCheckpoint(path).epoch).toBe(2);
    for (const [from, to] of [['\\"epoch\\":2', '\\"epoch\\":3'], ['\\"momentum\\":0.9', '\\"momentum\\":1.9']] as const) {
      expect(good.indexOf(from), from).toBeGreaterThan(0); // the first: the state's epoch, the optimiser's momentum
      writeFileSync(path, good.replace(from, to), 'latin1');
      const refused = new RegExp(`^loadCheckpoint: file ${path} is corrupt: its header's checksum is [0-9a-f]{8} but its header_crc32 is "[0-9a-f]{8}"; expected them to match \\(the header changed after it was written\\)$`);
      const ev = run('eval', '--checkpoint', path, '--backend', 'cpu');
      expect(ev.code, `eval after ${to}`).toBe(1);
      expect(ev.err).toEqual([expect.stringMatching(refused)]);
      const resumed = run('train', '--resume', '--out', out, '--backend', 'cpu', '--progress', 'lines');
      expect(resumed.code, `train --resume after ${to}`).toBe(1);
      expect(resumed.err).toEqual([expect.stringMatching(refused)]);
    }
  });
});

describe('tapegrad: empty data sets, an impossible --out', () => {
  it('an IDX set with 0 training or 0 test images is named (exit 1)', () => {
    const noTrain = idxDir(0, 6), noTest = idxDir(6, 0);
    const a = run('train', '--data', noTrain, '--epochs', '1', '--backend', 'cpu', '--out', tmp());
    expect(a.err).toEqual([`tapegrad train: --data ${noTrain} has 0 training images (train-images-idx3-ubyte); expected at least one`]);
    expect(a.code).toBe(1);
    const b = run('train', '--data', noTest, '--epochs', '1', '--backend', 'cpu', '--out', tmp());
    expect(b.err).toEqual([`tapegrad train: --data ${noTest} has 0 test images (t10k-images-idx3-ubyte); expected at least one`]);
    expect(b.code).toBe(1);
    const out = tmp();
    expect(run('train', '--data', idxDir(6, 6), '--epochs', '1', '--batch-size', '3', '--backend', 'cpu', '--progress', 'none', '--out', out).code).toBe(0);
    const ev = run('eval', '--checkpoint', join(out, 'checkpoint.safetensors'), '--data', noTest, '--backend', 'cpu');
    expect(ev.err).toEqual([`tapegrad eval: --data ${noTest} has 0 test images (t10k-images-idx3-ubyte); expected at least one`]);
    expect(ev.code).toBe(1);
    expect(run('eval', '--checkpoint', join(out, 'checkpoint.safetensors'), '--data', noTrain, '--backend', 'cpu').code).toBe(0); // eval needs no training images
  });

  it.runIf(process.platform === 'linux' && existsSync('/proc/self'))('--out under /proc fails at once instead of hanging (exit 1)', () => {
    const r = bin(['train', ...tiny, '--epochs', '1', '--out', '/proc/tapegrad-test/run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^fit: outDir \/proc\/tapegrad-test\/run cannot be created \((ENOENT|EACCES|EPERM) at \/proc\/tapegrad-test\); expected a writable directory\n$/);
  });
});

describe('the tapegrad bin prints one line, never a stack trace', () => {
  it('TAPEGRAD_BACKEND=gpu tapegrad info: one line naming the variable, exit 1', () => {
    const r = bin(['info'], { TAPEGRAD_BACKEND: 'gpu' });
    expect(r.stderr).toBe('tapegrad: TAPEGRAD_BACKEND "gpu" is not a backend; expected cpu, wasm or webgpu\n');
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
  });

  it('tapegrad train | head -n 1: the run stops at the next line with one line on stderr, exit 1', async () => {
    const out = tmp();
    const child = spawn(process.execPath, [BIN, 'train', ...tiny, '--epochs', '3', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    // like head -n 1: read the first chunk, then close the reading end of the pipe
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('tapegrad train: stdout was closed by its reader (EPIPE); stopped early\n');
    expect(code).toBe(1);
    expect(readdirSync(out)).not.toContain('curves.svg'); // stopped at the first epoch line, before epoch 1 was saved
  });
});
