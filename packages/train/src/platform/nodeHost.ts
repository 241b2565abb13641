// What @tapegrad/train takes from Node: its file system and the terminal, for the functions that
// read or write files by path or draw the progress bar. The package reaches them through the
// `#platform` import (package.json `imports`): on Node (the `node` condition) platform/node.js, which
// imports them; everywhere else (browsers, bundles for browsers) platform/browser.js, which holds
// null, so nothing from `node:*` is imported there and those functions throw a one-line error
// naming the bytes-based alternative.
import type * as Fs from 'node:fs';
import type * as Path from 'node:path';
import type * as Os from 'node:os';
import type * as Zlib from 'node:zlib';
import type * as Crypto from 'node:crypto';
import type { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';

/** Node's modules and the process's terminal, as the package's Node-only functions use them. */
export interface NodeHost {
  readonly fs: typeof Fs;
  readonly path: typeof Path;
  readonly os: typeof Os;
  readonly zlib: typeof Zlib;
  readonly crypto: typeof Crypto;
  readonly createRequire: typeof createRequire;
  /** Writes `chunks` to `path` atomically (platform/atomicWrite.ts). */
  readonly atomicWrite: (path: string, chunks: Iterable<Uint8Array>) => void;
  /** The cli-progress package (the terminal progress bar). */
  readonly cliProgress: typeof CliProgress;
  /** The process's resident memory now and its peak so far, in bytes. */
  readonly memory: () => { readonly rss: number; readonly peakRss: number };
  /** process.stdout. */
  readonly stdout: { readonly isTTY?: boolean };
}
