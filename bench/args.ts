// Command-line options of `pnpm bench`.
import { availableParallelism } from 'node:os';

export interface BenchArgs {
  readonly backends: readonly ('cpu' | 'wasm' | 'webgpu')[];
  readonly threads: readonly number[];
  readonly only: readonly string[];
  readonly models: readonly string[];
  /** Seconds per figure. */
  readonly budget: number;
  readonly quick: boolean;
  readonly torch: boolean;
  readonly torchScript: string | null;
  /** `--only browser`: the training images of its run (--subset N), else 2,048 (512 with --quick). */
  readonly subset: number;
  /** `--train-batch`: the training batch sizes of the model parts (default 64). */
  readonly trainBatches: readonly number[];
  /** A results file whose tables to print instead of measuring. */
  readonly summary: string | null;
  /** Internal: the part a child process runs. */
  readonly part: string | null;
}

const PARTS = ['gemm', 'kernels', 'micro', 'models', 'default', 'peers', 'browser'];
/** What runs without --only: not `browser` (it needs Chromium and a Vite build; `--only browser` runs it). */
const DEFAULT_PARTS = PARTS.filter((p) => p !== 'browser');

export function parseArgs(argv: readonly string[]): BenchArgs {
  const get = (name: string): string | null => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return null;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`bench: --${name} needs a value`);
    return v;
  };
  const list = (name: string, dflt: string): string[] => (get(name) ?? dflt).split(',').filter((s) => s !== '');
  const quick = argv.includes('--quick');
  const backends = list('backend', 'cpu,wasm');
  for (const b of backends) if (b !== 'cpu' && b !== 'wasm' && b !== 'webgpu') throw new Error(`bench: --backend ${b} is not a backend; expected cpu, wasm or webgpu`);
  const threads = list('threads', String(availableParallelism())).map(Number);
  for (const t of threads) if (!Number.isInteger(t) || t < 1) throw new Error(`bench: --threads ${t} is not a positive integer`);
  const only = list('only', DEFAULT_PARTS.join(','));
  for (const o of only) if (!PARTS.includes(o)) throw new Error(`bench: --only ${o} is not a part; expected some of ${PARTS.join(', ')}`);
  const budget = Number(get('budget') ?? process.env['BENCH_BUDGET_S'] ?? (quick ? 2 : 10));
  if (!(budget > 0)) throw new Error(`bench: --budget ${budget} is not a positive number of seconds`);
  const trainBatches = list('train-batch', '64').map(Number);
  for (const b of trainBatches) if (!Number.isInteger(b) || b < 1) throw new Error(`bench: --train-batch ${b} is not a positive integer`);
  const subset = Number(get('subset') ?? (quick ? 512 : 2048));
  if (!Number.isInteger(subset) || subset < 1) throw new Error(`bench: --subset ${subset} is not a positive integer`);
  return {
    backends: backends as ('cpu' | 'wasm' | 'webgpu')[],
    trainBatches,
    threads,
    only,
    models: list('models', 'nin,nin-fc,squeezenet'),
    budget,
    quick,
    torch: argv.includes('--torch'),
    torchScript: get('torch-script'),
    subset,
    summary: get('summary'),
    part: get('part'),
  };
}
