// Ctrl-C during `tapegrad train`, on the side of the `tapegrad` process the user started (see
// interrupt.ts for why training runs in a child). The first Ctrl-C asks the child to stop after its
// current step; it prints where the checkpoint is and how to resume, and exits with 130. A second
// Ctrl-C stops it at once (SIGKILL): checkpoints are written atomically (a temporary file renamed
// over the old one), so the last one on disk is whole either way, and this process prints the line.
import { spawn } from 'node:child_process';
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CONTROL_ENV, resumeAdvice } from './interrupt.js';
import type { CliIO } from './io.js';

/** The descriptor number the child sees the control file as (the fourth of its stdio). */
const CONTROL_FD = 3;

/** Whether this process is a training child (then it trains itself, in process). */
export function isTrainingChild(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[CONTROL_ENV] !== undefined;
}

/** An empty file with no name left on disk, open for writing: the stop request. */
function controlFile(): number {
  const path = join(tmpdir(), `.tapegrad-train-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fd = openSync(path, 'wx+', 0o600);
  unlinkSync(path);
  return fd;
}

/** The exit code a shell reports for a child that ended with `code` or was killed by `signal`. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal === null ? undefined : constants.signals[signal];
  return n === undefined ? 1 : 128 + n;
}

/**
 * Runs `tapegrad train argv` in a child process (the same Node, flags and script as this one) and
 * relays Ctrl-C to it; SIGTERM and SIGHUP are passed on as they are. Returns at once with 0; the
 * real exit code is set as `process.exitCode` when the child ends (130 after Ctrl-C). `out` is the
 * run's --out directory, for the line printed after a second Ctrl-C.
 */
export function superviseTrain(argv: readonly string[], script: string, out: string | null, io: CliIO): number {
  const fd = controlFile();
  const flags = process.execArgv.filter((a) => !/^--(inspect|debug)/.test(a)); // one debugger port each
  const child = spawn(process.execPath, [...flags, script, 'train', ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', fd],
    env: { ...process.env, [CONTROL_ENV]: String(CONTROL_FD) },
  });
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts++;
    if (interrupts === 1) writeSync(fd, 'stop\n');
    else child.kill('SIGKILL');
  };
  const relay = (signal: NodeJS.Signals) => (): void => { child.kill(signal); };
  const onTerm = relay('SIGTERM'), onHup = relay('SIGHUP');
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHup);
  const done = (): void => {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHup);
    try { closeSync(fd); } catch { /* closed already */ }
  };
  child.on('error', (e) => {
    done();
    io.err(`tapegrad train: cannot start the training process (${e.message}); expected to run ${process.execPath} ${script}`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    done();
    // the child prints its own line when it stops after a step; killed, it could not
    if (code === null && (signal === 'SIGKILL' || signal === 'SIGINT') && interrupts > 0) {
      io.err(`tapegrad train: stopped at once (Ctrl-C twice); ${out === null ? 'see the run\'s --out directory' : resumeAdvice(out)}`);
      process.exitCode = 130;
      return;
    }
    process.exitCode = exitCodeOf(code, signal);
  });
  return 0;
}
