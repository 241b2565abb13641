#!/usr/bin/env node
// The `tapegrad` bin. The package is imported dynamically so that a failure to set up the backend
// (a bad TAPEGRAD_BACKEND, say) prints one line instead of a stack trace.
import { processIO } from './io.js';

try {
  const { runCli } = await import('../index.js');
  process.exitCode = runCli(process.argv.slice(2), processIO);
} catch (e) {
  // only the import can throw here (runCli reports its own errors): one line, never a stack trace
  processIO.err(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
