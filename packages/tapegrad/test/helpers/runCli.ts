// Runs the CLI in-process, capturing what it prints.
import { runCli, type CliIO } from '../../src/index.js';

export interface CliRun { code: number; out: string[]; err: string[] }

export function run(...argv: string[]): CliRun {
  const out: string[] = [], err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false };
  const code = runCli(argv, io);
  return { code, out, err };
}
