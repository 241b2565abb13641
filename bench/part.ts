// One part of the benchmark, run in its own process; the backend comes from TAPEGRAD_BACKEND and
// TAPEGRAD_THREADS (read by @tapegrad/tensor when it loads).
import { cpus } from 'node:os';
import { getBackend } from 'tapegrad';
import type { BenchArgs } from './args.js';
import { runBrowserChromium, runBrowserNode } from './browser.js';
import { runGemm } from './gemm.js';
import { runKernels } from './kernels.js';
import { runMicro } from './micro.js';
import { runModel } from './models.js';
import { runPeers } from './peers.js';
import type { BenchRecord } from './measure.js';

export async function runPart(args: BenchArgs): Promise<void> {
  const be = getBackend() as ReturnType<typeof getBackend> & { threads?: number };
  const common: BenchRecord = {
    backend: be.name,
    threads: be.threads ?? 1,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    ...(args.quick ? { quick: true } : {}),
  };
  const part = args.part!;
  if (part === 'gemm') runGemm(common, args.budget, args.quick);
  else if (part === 'kernels') runKernels(common, args.budget, args.quick);
  else if (part === 'micro') runMicro(common, args.budget, args.quick);
  else if (part.startsWith('model:')) runModel(part.slice(6), common, args.budget);
  else if (part === 'peers') await runPeers(args.models, args.threads[0] ?? 2, common, args.budget);
  else if (part === 'browser:node') await runBrowserNode(args.threads[0] ?? 2, args.subset, args.quick);
  else if (part === 'browser:chromium') await runBrowserChromium(args.threads[0] ?? 2, args.subset, args.quick);
  else throw new Error(`bench: unknown part ${part}`);
  await Promise.resolve();
}
