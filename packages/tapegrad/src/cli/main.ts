#!/usr/bin/env node
// The `tapegrad` bin. The package is imported dynamically so that a failure to set up the backend
// (a bad TAPEGRAD_BACKEND, say) prints one line instead of a stack trace.
import { processIO } from './io.js';

try {
  const { runCli, ready, loadWebGpu } = await import('../index.js');
  // TAPEGRAD_BACKEND=webgpu installs asynchronously, and --backend webgpu needs its package loaded
  // before the (synchronous) command runs
  await ready();
  const argv = process.argv.slice(2);
  if (argv.some((a, i) => a === '--backend=webgpu' || (a === '--backend' && argv[i + 1] === 'webgpu'))) await loadWebGpu();
  process.exitCode = runCli(argv, processIO);
} catch (e) {
  // only the import and the backend's loading can throw here (runCli reports its own errors): one
  // line, never a stack trace
  processIO.err(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
