// The parts that measure tapegrad alone (gemm, kernels, micro, model:*), as a program of their own:
// run.ts bundles this file with esbuild (packages left as imports) into bench/.light-part.mjs and
// runs it with plain Node, so a part's peak RSS is the training program's own, without tsx's loader
// (~40 MiB) or the packages of the browser and peer parts (Vite, playwright, onnxruntime).
//   node bench/.light-part.mjs --part model:nin --budget 10 [--train-batch 64,1024]
// With TAPEGRAD_BACKEND=webgpu run.ts starts it in test/webgpu, the project that has
// @tapegrad/backend-webgpu (tapegrad finds it from the working directory).
import { ready } from 'tapegrad';
import { parseArgs } from './args.js';
import { commonRecord } from './common.js';
import { runGemm } from './gemm.js';
import { runKernels } from './kernels.js';
import { runMicro } from './micro.js';
import { runModel } from './models.js';

/** True for the parts this program runs. */
export function isLightPart(part: string): boolean {
  return part === 'gemm' || part === 'kernels' || part === 'micro' || part.startsWith('model:');
}

/** Runs one light part (args.part), printing its JSON lines. */
export function runLightPart(args: ReturnType<typeof parseArgs>): void {
  const common = commonRecord(args.quick);
  const part = args.part!;
  if (part === 'gemm') runGemm(common, args.budget, args.quick);
  else if (part === 'kernels') runKernels(common, args.budget, args.quick);
  else if (part === 'micro') runMicro(common, args.budget, args.quick);
  else if (part.startsWith('model:')) runModel(part.slice(6), common, args.budget, args.trainBatches);
  else throw new Error(`bench: ${part} is not a part of lightPart.ts`);
}

// Run as the bundled program (not when run.ts or part.ts import this module under tsx); ready():
// TAPEGRAD_BACKEND=webgpu installs asynchronously.
if (import.meta.url.endsWith('/.light-part.mjs')) {
  await ready();
  runLightPart(parseArgs(process.argv.slice(2)));
}
