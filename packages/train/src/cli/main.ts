#!/usr/bin/env node
// The `tapegrad` bin.
import { runCli } from './run.js';
import { processIO } from './io.js';

process.exitCode = runCli(process.argv.slice(2), processIO);
