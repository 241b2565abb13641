import { UsageError } from './args.js';
import { runTrain, trainOutDir } from './train.js';
import { runEval } from './eval.js';
import { runInfo } from './info.js';
import { runExport } from './export.js';
import { releaseBackend } from './backend.js';
import { OutputClosedError, processIO, type CliIO } from './io.js';
import { InterruptedError } from './interrupt.js';
import { isTrainingChild, superviseTrain } from './supervise.js';

const USAGE = `Usage: tapegrad <command> [flags]

Commands:
  train   train a model on MNIST or Fashion-MNIST (default: the nin-bn recipe of docs/recipe.md on the embedded set)
  eval    evaluate a checkpoint on the test set
  info    print a model's layers, parameters and multiply-adds
  export  write a trained model as an ONNX file

Run tapegrad <command> --help for the flags of a command.
`;

/**
 * Runs the CLI on `argv` (without node and the script) and returns the exit code: 0 ok, 1 failure
 * (a diverged run, a damaged checkpoint, stdout closed by its reader, ...), 2 bad usage, 130 a
 * training run stopped by Ctrl-C. The `tapegrad` bin trains in a child process that it can stop
 * on Ctrl-C (supervise.ts): then this returns at once and the exit code comes with the child's end.
 */
export function runCli(argv: readonly string[], io: CliIO): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train': {
        const script = process.argv[1];
        if (io === processIO && !isTrainingChild() && script !== undefined) return superviseTrain(rest, script, trainOutDir(rest), io);
        runTrain(rest, io);
        return 0;
      }
      case 'eval': runEval(rest, io); return 0;
      case 'info': runInfo(rest, io); return 0;
      case 'export': runExport(rest, io); return 0;
      case undefined: case 'help': case '--help': case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`tapegrad: unknown command '${command}'; expected train, eval, info or export (see tapegrad --help)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(e.message);
      return 2;
    }
    if (e instanceof InterruptedError) {
      io.err(e.message);
      return 130;
    }
    if (e instanceof OutputClosedError) {
      // `tapegrad train | head -n 1`: the reader has what it wanted; stop, with one line instead of a stack trace
      io.err(`tapegrad${command === undefined ? '' : ` ${command}`}: ${e.message}; stopped early`);
      return 1;
    }
    io.err((e as Error).message);
    return 1;
  } finally {
    releaseBackend();
  }
}
