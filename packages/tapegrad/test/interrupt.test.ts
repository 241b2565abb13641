// Ctrl-C during `tapegrad train`: the CLI as users start it (a child process, here through tsx from
// the sources), interrupted with SIGINT once its first checkpoint is on disk.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '../src/index.js';
import { shellWord } from '../src/cli/interrupt.js';
import { run } from './helpers/runCli.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const MAIN = 'packages/tapegrad/src/cli/main.ts';
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tapegrad-interrupt-'));

interface Ended { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/**
 * `tapegrad train ...args` via tsx; once `out` holds a checkpoint, sends SIGINT `times` times (to
 * the process, or to its whole group as a terminal's Ctrl-C does), `gapMs` apart.
 */
function trainAndInterrupt(out: string, args: readonly string[], times: number, group: boolean, gapMs = 0): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'train', ...args, '--out', out], { cwd: root, detached: group, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const kill = (): void => { if (group) process.kill(-child.pid!, 'SIGINT'); else child.kill('SIGINT'); };
    const poll = setInterval(() => {
      if (!existsSync(join(out, 'checkpoint.safetensors'))) return;
      clearInterval(poll);
      kill();
      for (let i = 1; i < times; i++) setTimeout(kill, i * gapMs);
    }, 20);
    child.on('error', reject);
    child.on('close', (code, signal) => { clearInterval(poll); resolve({ code, signal, stdout, stderr }); });
  });
}

const args = ['--subset', '32', '--batch-size', '8', '--epochs', '3', '--backend', 'cpu', '--progress', 'lines'];

describe('tapegrad train on Ctrl-C (SIGINT)', () => {
  it('stops after the current step, prints where the checkpoint is and how to resume, exits 130; --resume continues', async () => {
    const out = tmp();
    const r = await trainAndInterrupt(out, args, 1, false);
    expect(r.code).toBe(130);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const ckpt = loadCheckpoint(join(out, 'checkpoint.safetensors'));
    expect(ckpt.epoch).toBeGreaterThanOrEqual(1);
    expect(ckpt.epoch).toBeLessThan(3);
    expect(lines[0]).toMatch(new RegExp(`^tapegrad train: interrupted in epoch ${ckpt.epoch + 1} of 3, after step \\d of 4; `
      + `the checkpoint after epoch ${ckpt.epoch} is at ${join(out, 'checkpoint.safetensors')}; continue with: tapegrad train --resume --out ${shellWord(out)}$`));
    expect(r.stdout).not.toContain('test accuracy');
    // metrics.jsonl holds the finished epochs only
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(ckpt.epoch);
    const resumed = run('train', '--resume', '--out', out, '--backend', 'cpu', '--progress', 'lines');
    expect(resumed.err).toEqual([]);
    expect(resumed.code).toBe(0);
    expect(resumed.out.filter((l) => l.startsWith('epoch ')).map((l) => l.split(' ')[1])).toEqual(
      Array.from({ length: 3 - ckpt.epoch }, (_, i) => `${ckpt.epoch + 1 + i}/3`));
    expect(loadCheckpoint(join(out, 'checkpoint.safetensors')).epoch).toBe(3);
  });

  it('Ctrl-C twice (to the process group, as a terminal sends it) stops at once; the checkpoint on disk still loads', async () => {
    const out = tmp();
    const r = await trainAndInterrupt(out, args, 2, true, 30);
    expect(r.code).toBe(130);
    const ckpt = loadCheckpoint(join(out, 'checkpoint.safetensors'));
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^tapegrad train: (stopped at once \(Ctrl-C twice\)|interrupted in epoch \d of 3, after step \d of 4); /),
    ]);
    expect(r.stderr).toContain(`the checkpoint after epoch ${ckpt.epoch} is at ${join(out, 'checkpoint.safetensors')}; continue with: tapegrad train --resume --out ${shellWord(out)}`);
  });

  it('shellWord quotes what a shell would split', () => {
    expect(shellWord('/tmp/runs/a-1')).toBe('/tmp/runs/a-1');
    expect(shellWord("/tmp/my runs/it's")).toBe("'/tmp/my runs/it'\\''s'");
  });
});
