#!/usr/bin/env node
// The `tapegrad` bin: a committed file, so package managers can link it before the build runs;
// the CLI itself is the build of src/cli/main.ts.
import '../dist/cli/main.js';
