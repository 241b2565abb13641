// One part of the benchmark, run in its own process; the backend comes from TAPEGRAD_BACKEND and
// TAPEGRAD_THREADS (read by @tapegrad/tensor when it loads). run.ts runs the light parts (lightPart.ts)
// as a bundled plain-Node program and these here (peers, browser) under tsx.
import type { BenchArgs } from './args.js';
import { runBrowserChromium, runBrowserNode } from './browser.js';
import { commonRecord } from './common.js';
import { isLightPart, runLightPart } from './lightPart.js';
import { runPeers } from './peers.js';

export async function runPart(args: BenchArgs): Promise<void> {
  const part = args.part!;
  if (isLightPart(part)) runLightPart(args);
  else if (part === 'peers') await runPeers(args.models, args.threads[0] ?? 2, commonRecord(args.quick), args.budget);
  else if (part === 'browser:node') await runBrowserNode(args.threads[0] ?? 2, args.subset, args.quick);
  else if (part === 'browser:chromium') await runBrowserChromium(args.threads[0] ?? 2, args.subset, args.quick);
  else throw new Error(`bench: unknown part ${part}`);
  await Promise.resolve();
}
