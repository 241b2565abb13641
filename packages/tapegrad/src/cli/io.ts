/** Where a command writes: stdout lines and stderr lines (tests capture them). */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Whether stdout is a terminal (live progress bar). */
  isTTY: boolean;
}

/**
 * Thrown by `processIO.out` once stdout cannot be written any more, typically because its reader
 * exited (`tapegrad train | head -n 1`: EPIPE). `runCli` ends the command with one line on stderr.
 */
export class OutputClosedError extends Error {
  constructor(readonly code: string) {
    super(`stdout was closed by its reader (${code})`);
  }
}

let watching = false;

/**
 * A failed write to a pipe is reported again as an 'error' event on the stream, after the write;
 * with no listener Node prints a stack trace and exits. EPIPE is expected (the reader is gone,
 * `out` already stopped the command); anything else still surfaces.
 */
function watchStreams(): void {
  if (watching) return;
  watching = true;
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
}

/** Writes `text` to `s`; false when the stream has failed (on Linux a write to a pipe with no reader fails at once). */
function write(s: NodeJS.WriteStream, text: string): boolean {
  watchStreams();
  if (s.errored === null && !s.destroyed) s.write(text);
  return s.errored === null && !s.destroyed;
}

function codeOf(s: NodeJS.WriteStream): string {
  return (s.errored as NodeJS.ErrnoException | null)?.code ?? 'closed';
}

export const processIO: CliIO = {
  out: (line) => {
    if (!write(process.stdout, `${line}\n`)) throw new OutputClosedError(codeOf(process.stdout));
  },
  err: (line) => {
    write(process.stderr, `${line}\n`); // nowhere left to report a closed stderr
  },
  isTTY: process.stdout.isTTY === true,
};
