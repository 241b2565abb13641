// Command-line flags shared by the examples.
import { parseArgs } from 'node:util';
import { getBackend, resetBackend, setBackend, useWasmBackend } from 'tapegrad';

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
}

function int(name: string, v: string | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} ${v} is not an integer >= ${min}`);
  return n;
}

/**
 * Parses --epochs, --subset, --seed, --out, --backend, --model and --checkpoint. A leading `--`
 * is dropped: `pnpm run <script> -- --epochs 5` hands it through to the script.
 */
export function parseExampleArgs(argv: readonly string[], defaults: { epochs: number; out: string; model?: string }): ExampleArgs {
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : [...argv],
    options: {
      epochs: { type: 'string' }, subset: { type: 'string' }, seed: { type: 'string' },
      out: { type: 'string' }, backend: { type: 'string' }, model: { type: 'string' }, checkpoint: { type: 'string' },
    },
    strict: true,
  });
  const backend = values.backend ?? null;
  if (backend !== null && backend !== 'cpu' && backend !== 'wasm') throw new Error(`--backend ${backend} is not supported; expected cpu or wasm`);
  return {
    epochs: int('epochs', values.epochs, defaults.epochs, 1),
    subset: values.subset === undefined ? null : int('subset', values.subset, 0, 1),
    seed: int('seed', values.seed, 0, 0),
    out: values.out ?? defaults.out,
    backend,
    model: values.model ?? defaults.model ?? 'nin-bn',
    checkpoint: values.checkpoint ?? null,
  };
}

/** Installs the chosen backend (null: keep the active one); `close()` puts the previous one back. */
export function startBackend(name: 'cpu' | 'wasm' | null): { label: string; close(): void } {
  const before = getBackend();
  if (name === 'cpu') resetBackend();
  else if (name === 'wasm') useWasmBackend();
  const active = getBackend();
  return {
    label: active.threads !== undefined ? `${active.name} (${active.threads} threads)` : active.name,
    close() { setBackend(before); },
  };
}
