// Ctrl-C during `tapegrad train`, on the training side. Training is synchronous, so a SIGINT handler in
// the training process would only run once training is over; the `tapegrad` bin therefore trains in a
// child process (supervise.ts) and stays free to take the signal. It asks the child to stop by writing
// to a file the two share as file descriptor CONTROL_FD (its name already unlinked), and the child
// looks at that file's size after every step: one fstat, a few microseconds against a step's hundreds
// of milliseconds.
import { existsSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '@tapegrad/train';

/** Set (to the descriptor's number) in the environment of a training child; absent otherwise. */
export const CONTROL_ENV = 'TAPEGRAD_TRAIN_CONTROL';

/** Thrown when a run stops on Ctrl-C; its message is the one line to print, and the exit code is 130. */
export class InterruptedError extends Error {}

/** Whether the supervising `tapegrad` process asked this one to stop (or is gone). */
export interface StopRequest {
  requested(): boolean;
}

/**
 * The stop request of a training child, or null when this process is not one (the CLI called in
 * process, by a program or a test). A child ignores SIGINT itself: Ctrl-C in a terminal reaches the
 * whole process group, and the supervisor decides what it means (stop after the step, or at once).
 */
export function childStopRequest(env: NodeJS.ProcessEnv = process.env): StopRequest | null {
  const fd = Number(env[CONTROL_ENV]);
  if (env[CONTROL_ENV] === undefined || !Number.isInteger(fd) || fd < 0) return null;
  process.on('SIGINT', () => { /* the supervisor's to handle */ });
  const parent = process.ppid;
  return {
    requested() {
      // an orphaned child (its supervisor killed) stops too: nobody else would stop it on Ctrl-C
      if (process.ppid !== parent) return true;
      try {
        return fstatSync(fd).size > 0;
      } catch {
        return true;
      }
    },
  };
}

/** `s` as one shell word (single-quoted unless it is plain). */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * What is left in `out` for the user, as the end of the line an interruption prints: the
 * checkpoint's place and epoch (read back, so a damaged one is said so) and the command that
 * continues the run, or that there is none yet.
 */
export function resumeAdvice(out: string): string {
  const path = join(out, 'checkpoint.safetensors');
  if (!existsSync(path)) return `no checkpoint was written yet (the first comes after epoch 1); run the same command again to start over`;
  let epoch: number;
  try {
    epoch = loadCheckpoint(path).epoch;
  } catch (e) {
    return `the checkpoint ${path} does not load (${(e as Error).message}); start over with --force`;
  }
  return `the checkpoint after epoch ${epoch} is at ${path}; continue with: tapegrad train --resume --out ${shellWord(out)}`;
}
