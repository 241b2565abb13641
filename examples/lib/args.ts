// Command-line flags shared by the examples, handled as the `tapegrad` CLI handles its own: `--help`
// lists the flags with their defaults (exit code 0); an unknown flag, a missing or bad value prints
// one line on stderr and exits with code 2; any other failure prints its message and exits with 1.
// Self-contained: the CLI's helpers are not part of the `tapegrad` package's public names.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DATASET_NAMES, getBackend, resetBackend, setBackend, useWasmBackend, type DatasetName } from 'tapegrad';

/** A command-line mistake: one line on stderr, exit code 2. */
export class UsageError extends Error {}

/** Thrown for --help: `text` goes to stdout and the script exits with code 0. */
export class HelpRequest extends Error {
  readonly text: string;
  constructor(text: string) {
    super('help requested');
    this.text = text;
  }
}

export type ExampleFlag = 'epochs' | 'subset' | 'seed' | 'out' | 'backend' | 'model' | 'checkpoint' | 'dataset' | 'data';
const ALL_FLAGS: readonly ExampleFlag[] = ['epochs', 'subset', 'seed', 'out', 'backend', 'model', 'checkpoint', 'dataset', 'data'];

export interface ExampleArgs {
  /** Epochs per model. */
  epochs: number;
  /** Use only this many training and test images (spread over every class); null: all. */
  subset: number | null;
  seed: number;
  out: string;
  /** null: the backend `tapegrad` installed when imported (the fastest that loads, or TAPEGRAD_BACKEND's). */
  backend: 'cpu' | 'wasm' | null;
  model: string;
  /** A checkpoint to start from instead of training (examples that support it). */
  checkpoint: string | null;
  /** The dataset (`loadDataset`'s names); --data DIR alone means mnist, as in the tapegrad CLI. */
  dataset: DatasetName;
  /** The folder of its IDX files; null: the embedded set, or found ($TAPEGRAD_DATA/<name>, /usr/share/datasets/<name>). */
  data: string | null;
}

export interface ExampleDefaults {
  /** @default 1 */
  epochs?: number;
  /** `<model>` in it stands for the model's name. @default '' */
  out?: string;
  /** @default 'nin-bn' */
  model?: string;
}

export interface ExampleSpec {
  /** The script from the repository root (`examples/train.ts`): the prefix of every message. */
  script: string;
  /** What the example does, under the usage line of --help. */
  summary?: string;
  /** The flags the example reads; any other is refused. @default all of them */
  flags?: readonly ExampleFlag[];
  /** The values --model takes. @default any */
  models?: readonly string[];
  /** Pairs of flags that make no sense together (one would be ignored). */
  exclusive?: readonly (readonly [ExampleFlag, ExampleFlag])[];
}

const HELP: Record<ExampleFlag, { value: string; help: string; default: (d: ExampleDefaults) => string }> = {
  epochs: { value: 'N', help: 'epochs of training', default: (d) => String(d.epochs ?? 1) },
  subset: { value: 'N', help: 'use only N training and N test images (spread over every class), for quick runs', default: () => 'all' },
  seed: { value: 'N', help: 'seed of the random numbers (initialisation, data order, dropout)', default: () => '0' },
  out: { value: 'DIR', help: 'output directory', default: (d) => d.out || 'none' },
  backend: { value: 'cpu|wasm', help: 'kernels: the CPU reference or WebAssembly SIMD on worker threads', default: () => 'the one tapegrad installs: wasm where it loads, else cpu; TAPEGRAD_BACKEND overrides' },
  model: { value: 'NAME', help: 'model', default: (d) => d.model ?? 'nin-bn' },
  checkpoint: { value: 'FILE', help: 'start from this checkpoint instead of training', default: () => 'none: train first' },
  dataset: { value: 'NAME', help: `dataset: ${DATASET_NAMES.join(' | ')} (docs/datasets.md)`, default: () => 'embedded' },
  data: { value: 'DIR', help: "folder of the dataset's IDX files; alone it means --dataset mnist", default: () => '$TAPEGRAD_DATA/<dataset>, then /usr/share/datasets/<dataset>' },
};

/** The --help text: usage line (as a pnpm script and as a file), summary, one line per flag with its default. */
export function exampleHelp(spec: ExampleSpec, defaults: ExampleDefaults): string {
  const name = spec.script.replace(/^.*\//, '').replace(/\.ts$/, '');
  const flags = spec.flags ?? ALL_FLAGS;
  const rows = flags.map((f) => {
    const h = HELP[f];
    const help = f === 'model' && spec.models ? `model: ${spec.models.join(' | ')}` : h.help;
    return `  ${`--${f} ${h.value}`.padEnd(20)} ${help} (default: ${h.default(defaults)})`;
  });
  rows.push(`  ${'--help'.padEnd(20)} show this help`);
  const usage = `Usage: pnpm --filter examples run ${name} -- [flags]   (or, from the repository root: pnpm exec tsx ${spec.script} [flags])`;
  return `${usage}\n${spec.summary ? `\n${spec.summary}\n` : ''}\nFlags:\n${rows.join('\n')}\n`;
}

/** Levenshtein distance between two flag names (for "did you mean"). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

function unknownFlag(script: string, flag: string, known: readonly string[]): UsageError {
  const name = flag.replace(/^-+/, '').replace(/=.*$/, '');
  const near = known.find((k) => distance(name, k) <= 2 || (name.length >= 3 && k.startsWith(name)));
  return new UsageError(`${script}: unknown flag '${flag}'${near ? ` (did you mean --${near}?)` : ''}; see ${script} --help`);
}

/** The flags as node:util parses them; its messages reworded the way the CLI words them. */
function readFlags(argv: readonly string[], script: string, flags: readonly ExampleFlag[]): Record<string, string | boolean | undefined> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const f of flags) options[f] = { type: 'string' };
  // a leading `--` is what `pnpm run <script> -- --epochs 5` hands through
  const rest = argv[0] === '--' ? argv.slice(1) : argv;
  // `--seed -1` would read as two flags: keep a negative number with its flag so it is validated as a value
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!, next = rest[i + 1];
    if (a.startsWith('--') && options[a.slice(2)]?.type === 'string' && next !== undefined && /^-\d/.test(next)) { args.push(`${a}=${next}`); i++; } else args.push(a);
  }
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    if (positionals.length > 0) throw new UsageError(`${script}: unexpected argument '${positionals[0]}'; flags take the form --name value (see ${script} --help)`);
    return values;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const msg = (e as Error).message.split('\n')[0]!;
    const unknown = /^Unknown option '([^']+)'/.exec(msg);
    if (unknown) throw unknownFlag(script, unknown[1]!, flags);
    throw new UsageError(`${script}: ${msg.replace(/\. To specify a positional argument.*$/s, '').replace(/\.$/, '')}; see ${script} --help`);
  }
}

function int(script: string, name: string, v: string | boolean | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n) || n < min) throw new UsageError(`${script}: --${name} ${String(v)} is not an integer >= ${min}`);
  return n;
}

/**
 * Parses the example's flags (by default --epochs, --subset, --seed, --out, --backend, --model and
 * --checkpoint). `--help` throws a HelpRequest; a mistake throws a one-line UsageError naming the
 * flag. A leading `--` is dropped: `pnpm run <script> -- --epochs 5` hands it through to the script.
 */
export function parseExampleArgs(argv: readonly string[], defaults: ExampleDefaults, spec: ExampleSpec = { script: 'example' }): ExampleArgs {
  const { script } = spec;
  const flags = spec.flags ?? ALL_FLAGS;
  const v = readFlags(argv, script, flags);
  if (v['help'] === true) throw new HelpRequest(exampleHelp(spec, defaults));
  for (const [a, b] of spec.exclusive ?? []) {
    if (v[a] !== undefined && v[b] !== undefined) throw new UsageError(`${script}: --${a} and --${b} exclude each other (one would be ignored); pass one`);
  }
  const str = (f: ExampleFlag): string | undefined => (typeof v[f] === 'string' ? v[f] : undefined);
  const backend = str('backend') ?? null;
  if (backend !== null && backend !== 'cpu' && backend !== 'wasm') throw new UsageError(`${script}: --backend '${backend}' is not one of cpu, wasm`);
  const model = str('model') ?? defaults.model ?? 'nin-bn';
  if (spec.models && !spec.models.includes(model)) throw new UsageError(`${script}: --model '${model}' is not one of ${spec.models.join(', ')}`);
  const checkpoint = str('checkpoint') ?? null;
  if (checkpoint !== null && !existsSync(checkpoint)) throw new UsageError(`${script}: --checkpoint ${checkpoint} does not exist`);
  const { dataset, data } = datasetFlags(script, str('dataset'), str('data'));
  return {
    epochs: int(script, 'epochs', v['epochs'], defaults.epochs ?? 1, 1),
    subset: v['subset'] === undefined ? null : int(script, 'subset', v['subset'], 0, 1),
    seed: int(script, 'seed', v['seed'], 0, 0),
    out: (str('out') ?? defaults.out ?? '').replace('<model>', model),
    backend,
    model,
    checkpoint,
    dataset,
    data,
  };
}

/** --dataset and --data: a known name, a folder that exists, and no folder for the embedded set. */
function datasetFlags(script: string, name: string | undefined, data: string | undefined): { dataset: DatasetName; data: string | null } {
  if (name !== undefined && !(DATASET_NAMES as readonly string[]).includes(name)) throw new UsageError(`${script}: --dataset '${name}' is not one of ${DATASET_NAMES.join(', ')}`);
  const dataset = (name ?? (data === undefined ? 'embedded' : 'mnist')) as DatasetName;
  if (data === undefined) return { dataset, data: null };
  if (dataset === 'embedded') throw new UsageError(`${script}: --data ${data} does not go with --dataset embedded (the embedded set reads no files); expected --dataset mnist or fashion-mnist`);
  if (!existsSync(data) || !statSync(data).isDirectory()) throw new UsageError(`${script}: --data ${data} is not a directory; expected the folder of the ${dataset} IDX files`);
  return { dataset, data };
}

/**
 * Runs `main` with the command line when `url` (the example's `import.meta.url`) is the script
 * Node started, not when a test imports it. --help prints the flags (exit code 0); a UsageError
 * prints its one line (exit code 2); any other error prints its message (exit code 1). No stack trace.
 */
export function runIfMain(url: string, main: (argv: readonly string[]) => unknown): void {
  if (url !== pathToFileURL(resolve(process.argv[1] ?? '')).href) return;
  try {
    main(process.argv.slice(2));
  } catch (e) {
    if (e instanceof HelpRequest) {
      process.stdout.write(e.text);
      return;
    }
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}

/** Installs the chosen backend (null: keep the active one); `close()` puts the previous one back. */
export function startBackend(name: 'cpu' | 'wasm' | null): { label: string; close(): void } {
  const before = getBackend();
  if (name === 'cpu') resetBackend();
  else if (name === 'wasm') useWasmBackend();
  const active = getBackend();
  return {
    label: active.threads !== undefined ? `${active.name} (${active.threads} thread${active.threads === 1 ? '' : 's'})` : active.name,
    close() { setBackend(before); },
  };
}
