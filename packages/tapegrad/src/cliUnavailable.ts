// The CLI in the browser entry (browser.ts): it reads files and drives a terminal, so a browser
// bundle of `tapegrad` leaves it out and gets this stand-in. Only types come from cli/.
import type { CliIO } from './cli/io.js';

export type { CliIO } from './cli/io.js';
export type { TrainSettings } from './cli/train.js';

/** The `tapegrad` CLI needs Node; in a browser this throws saying what to call instead. */
export function runCli(_argv: readonly string[], _io: CliIO): number {
  throw new Error('runCli: the tapegrad CLI needs Node; in a browser call fit() and evaluate() directly');
}
