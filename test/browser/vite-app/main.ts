// A Vite app (built with Vite's default config): the program on the page's main thread and, through
// Vite's own worker syntax, in a dedicated Worker with two threads. The test reads globalThis.__tapegrad.
import { twoSteps, type ProgramResult } from '../program/twoSteps.js';

interface PageWorker {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { readonly data: { result?: ProgramResult; error?: string } }) => void): void;
  addEventListener(type: 'error', listener: (event: { readonly message: string }) => void): void;
}

// The browser's Worker (the project's lib has no DOM); written as `new Worker(new URL(...))` so that
// Vite sees and bundles the worker.
declare const Worker: new (url: URL, options: { type: 'module' }) => PageWorker;

async function inWorker(): Promise<ProgramResult> {
  const w = new Worker(new URL('../program/workerMain.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    w.addEventListener('message', (e) => (e.data.result !== undefined ? resolve(e.data.result) : reject(new Error(e.data.error))));
    w.addEventListener('error', (e) => reject(new Error(e.message)));
    w.postMessage({ threads: 2, thresholds: 'none' });
  });
}

(globalThis as { __tapegrad?: unknown }).__tapegrad = (async () => ({ main: await twoSteps(), worker: await inWorker() }))();
