/** Where a command writes: stdout lines and stderr lines (tests capture them). */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Whether stdout is a terminal (live progress bar). */
  isTTY: boolean;
}

export const processIO: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: process.stdout.isTTY === true,
};
