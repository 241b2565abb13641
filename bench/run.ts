// `pnpm bench`: the measurements of docs/benchmark.md plus GEMM and per-kernel timings, per backend and
// thread count, each part in a fresh process (so peak RSS is that part's own). One JSON line per
// figure goes to bench/results/<time>.jsonl; a summary table is printed at the end.
//
//   pnpm bench [--backend cpu,wasm,webgpu] [--threads 1,2] [--only gemm,kernels,micro,models,default,peers,browser]
//              [--models nin,nin-fc,squeezenet] [--train-batch 64,1024] [--budget S] [--quick] [--torch] [--torch-script PATH]
//              [--subset N]   (--only browser: its training images, default 2,048)
//   pnpm bench --summary bench/results/<file>.jsonl     (prints the tables of an earlier run)
//
// --torch also runs PyTorch's side (../shared/bench/torch_bench.py with Debian's /usr/bin/python3,
// models and --micro) in the same session, one after the other, and quotes ratios to it.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { parseArgs, type BenchArgs } from './args.js';
import { runPart } from './part.js';
import { isLightPart } from './lightPart.js';
import { printSummary } from './summary.js';
import { defaultSummary, runDefault } from './default.js';
import type { BenchRecord } from './measure.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * How a part's process starts: the light parts (models, micro, kernels, gemm) as plain Node on
 * lightPart.ts bundled by esbuild into bench/.light-part.mjs, so their peak RSS is the program's own
 * (tsx's loader adds ~40 MiB); the others (peers, browser) under tsx, as this process runs.
 */
let lightProgram: string | null = null;
function partProgram(part: string): string[] {
  if (!isLightPart(part)) return [...process.execArgv, fileURLToPath(import.meta.url)];
  if (lightProgram === null) {
    lightProgram = `${here}.light-part.mjs`;
    buildSync({
      entryPoints: [`${here}lightPart.ts`], bundle: true, platform: 'node', format: 'esm',
      packages: 'external', outfile: lightProgram, logLevel: 'error',
    });
  }
  return [lightProgram];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.part !== null) {
    await runPart(args);
    return;
  }
  if (args.summary !== null) {
    const records = readFileSync(args.summary, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as BenchRecord);
    printSummary(records);
    for (const line of defaultSummary(records)) console.log(line);
    return;
  }
  mkdirSync(`${here}results`, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const file = `${here}results/${stamp}${args.quick ? '-quick' : ''}.jsonl`;
  const records: BenchRecord[] = [];
  const keep = (rec: BenchRecord): void => {
    records.push(rec);
    appendFileSync(file, `${JSON.stringify(rec)}\n`);
  };
  process.stderr.write(`bench: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; results -> ${file}\n`);
  for (const backend of args.backends) {
    const threadList = backend === 'wasm' ? args.threads : [1];
    for (const threads of threadList) {
      for (const part of partsOf(args)) {
        if (backend === 'webgpu' && !isLightPart(part)) {
          process.stderr.write(`bench: webgpu: ${part} is measured on cpu and wasm only\n`);
          continue;
        }
        const childArgs = [...partProgram(part), '--part', part, '--budget', String(args.budget), '--train-batch', args.trainBatches.join(',')];
        if (args.quick) childArgs.push('--quick');
        const env = { ...process.env, TAPEGRAD_BACKEND: backend, TAPEGRAD_THREADS: String(threads) };
        process.stderr.write(`bench: ${backend} ${threads} thread(s): ${part}\n`);
        // webgpu: from test/webgpu, whose project has @tapegrad/backend-webgpu
        await runChild(process.execPath, childArgs, env, keep, backend === 'webgpu' ? `${here}../test/webgpu` : undefined);
      }
    }
  }
  if (args.only.includes('peers')) await runPeersChild(args, keep);
  if (args.only.includes('default')) await runDefault(keep);
  if (args.only.includes('browser')) await runBrowserChildren(args, keep);
  if (args.torch) await runTorch(args, keep);
  printSummary(records);
  for (const line of defaultSummary(records)) console.log(line);
}

function partsOf(args: BenchArgs): string[] {
  const parts: string[] = [];
  for (const o of args.only) {
    if (o === 'default' || o === 'peers' || o === 'browser') continue;
    if (o === 'models') for (const m of args.models) parts.push(`model:${m}`);
    else parts.push(o);
  }
  return parts;
}

/**
 * The inference peers (bench/peers.ts), once per session: their thread count is --threads' first
 * value, else 2; tapegrad's side there (the reference output only) runs on the CPU backend so
 * that no worker pool of ours shares the cores with the peers.
 */
async function runPeersChild(args: BenchArgs, keep: (r: BenchRecord) => void): Promise<void> {
  const threads = process.argv.includes('--threads') ? args.threads[0]! : 2;
  const childArgs = [...process.execArgv, fileURLToPath(import.meta.url), '--part', 'peers', '--budget', String(args.budget),
    '--models', args.models.join(','), '--threads', String(threads)];
  if (args.quick) childArgs.push('--quick');
  const env = { ...process.env, TAPEGRAD_BACKEND: 'cpu', TAPEGRAD_THREADS: '1' };
  process.stderr.write(`bench: peers (onnxruntime-node, onnxruntime-web wasm), ${threads} thread(s)\n`);
  await runChild(process.execPath, childArgs, env, keep);
}

/**
 * Training in the browser (bench/browser.ts), once per session with --threads' first value, else 2:
 * the Node side (recipeRun.ts on the wasm backend) in one fresh process, then the Chromium side (the
 * page's worker, isolated and not) in another, whose own tapegrad runs on the CPU backend so that
 * no worker pool of ours shares the cores with the browser.
 */
async function runBrowserChildren(args: BenchArgs, keep: (r: BenchRecord) => void): Promise<void> {
  const threads = process.argv.includes('--threads') ? args.threads[0]! : 2;
  for (const side of ['node', 'chromium'] as const) {
    const childArgs = [...process.execArgv, fileURLToPath(import.meta.url), '--part', `browser:${side}`,
      '--threads', String(threads), '--subset', String(args.subset)];
    if (args.quick) childArgs.push('--quick');
    const env = side === 'node'
      ? { ...process.env, TAPEGRAD_BACKEND: 'wasm', TAPEGRAD_THREADS: String(threads) }
      : { ...process.env, TAPEGRAD_BACKEND: 'cpu', TAPEGRAD_THREADS: '1' };
    process.stderr.write(`bench: nin-bn training, ${side === 'node' ? 'examples/web/src/recipeRun.ts in Node' : "examples/web's worker in Chromium"}, wasm, ${threads} thread(s), ${args.subset} images\n`);
    await runChild(process.execPath, childArgs, env, keep);
  }
}

async function runTorch(args: BenchArgs, keep: (r: BenchRecord) => void): Promise<void> {
  const script = args.torchScript ?? `${here}../../shared/bench/torch_bench.py`;
  if (!existsSync(script)) {
    process.stderr.write(`bench: ${script} not found; PyTorch figures skipped\n`);
    return;
  }
  const budget = ['--budget', String(args.budget)];
  const runs: string[][] = [];
  if (args.only.includes('models')) runs.push([script, '--models', args.models.join(','), '--threads', '2', ...budget]);
  if (args.only.includes('micro')) runs.push([script, '--micro', '--threads', '2', ...budget]);
  for (const r of runs) {
    process.stderr.write(`bench: PyTorch ${r.slice(1).join(' ')}\n`);
    await runChild('/usr/bin/python3', r, process.env, keep);
  }
}

/** Runs a child, keeps every JSON line of its stdout (echoed to stderr as it comes). */
function runChild(cmd: string, argv: string[], env: NodeJS.ProcessEnv, keep: (r: BenchRecord) => void, cwd?: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { env, cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          keep(JSON.parse(line) as BenchRecord);
          process.stderr.write(`  ${line}\n`);
        } catch {
          process.stderr.write(`  (unparsed) ${line}\n`);
        }
      }
    });
    child.on('close', (code) => {
      if (code !== 0) process.stderr.write(`bench: ${cmd} ${argv.slice(-6).join(' ')} exited with ${code}\n`);
      resolve();
    });
  });
}

await main();
