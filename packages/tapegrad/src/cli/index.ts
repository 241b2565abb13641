export { runCli } from './run.js';
export type { CliIO } from './io.js';
export type { TrainSettings } from './train.js';
