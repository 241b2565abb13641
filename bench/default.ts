// `pnpm bench --only default`: what a user gets with no settings. The same training epoch of nin
// (an even subset of the embedded set, batch 64) once through a plain program importing `tapegrad`
// (bench/defaultProgram.ts) and once through the `tapegrad train` CLI, both in fresh processes
// without any TAPEGRAD_* variable; the second epoch's images/s of each (the first warms up).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRecord } from './measure.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const SUBSET = 2048, EPOCHS = 2;

function capture(cmd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => { out += c; });
    child.on('close', (code) => {
      if (code !== 0) process.stderr.write(`bench: ${argv.slice(0, 3).join(' ')} exited with ${code}\n`);
      resolve(out);
    });
  });
}

export async function runDefault(keep: (r: BenchRecord) => void): Promise<void> {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('TAPEGRAD_')) delete env[k];
  process.stderr.write('bench: default settings, a program importing tapegrad\n');
  const program = await capture(process.execPath, [...process.execArgv, `${here}defaultProgram.ts`, String(SUBSET), String(EPOCHS)], env);
  for (const line of program.split('\n')) if (line.startsWith('{')) keep(JSON.parse(line) as BenchRecord);

  process.stderr.write('bench: default settings, tapegrad train\n');
  const out = mkdtempSync(join(tmpdir(), 'tapegrad-bench-cli-'));
  const cli = await capture(process.execPath, [
    `${here}../packages/tapegrad/dist/cli/main.js`, 'train', '--model', 'nin', '--epochs', String(EPOCHS), '--subset', String(SUBSET),
    '--lr', '0.05', '--schedule', 'none', '--progress', 'lines', '--out', out,
  ], env);
  rmSync(out, { recursive: true, force: true });
  const backend = /backend (\S+)(?: \((\d+) threads?\))?/.exec(cli);
  for (const m of cli.matchAll(/^epoch (\d+)\/\d+ .* ([\d.]+) img\/s$/gm)) {
    keep({ part: 'default', what: 'cli', model: 'nin', epoch: Number(m[1]), backend: backend?.[1] ?? 'unknown', threads: Number(backend?.[2] ?? 1), imagesPerSecond: Number(m[2]) });
  }
}

/** The lines of the summary: the last epoch's images/s of the program and of the CLI. */
export function defaultSummary(records: readonly BenchRecord[]): string[] {
  const last = (what: string): BenchRecord | undefined => records.filter((r) => r['part'] === 'default' && r['what'] === what).at(-1);
  const p = last('program'), c = last('cli');
  if (p === undefined && c === undefined) return [];
  const fmt = (r: BenchRecord | undefined): string => r === undefined ? 'not measured'
    : `${Number(r['imagesPerSecond']).toFixed(0)} img/s (${String(r['backend'])}, ${String(r['threads'])} threads)`;
  const ratio = p !== undefined && c !== undefined ? `, program / CLI ${(Number(p['imagesPerSecond']) / Number(c['imagesPerSecond'])).toFixed(2)}` : '';
  return ['', `Default settings, nin training epoch ${EPOCHS} on ${SUBSET} images: program importing tapegrad ${fmt(p)}, tapegrad train ${fmt(c)}${ratio}`];
}
