// tapegrad for browsers (package.json `exports`, the `default` condition: what esbuild
// --platform=browser, Vite and webpack's web target pick): the names of index.ts, with a `runCli`
// that throws instead of the CLI, which reads files and drives a terminal. Importing it starts
// installing the fastest backend that loads (asynchronously: `await ready()` before training).
export * from './publicApi.js';
export { runCli } from './cliUnavailable.js';
export type { CliIO, TrainSettings } from './cliUnavailable.js';

import { installDefaultBackend } from './backend.js';

installDefaultBackend();
