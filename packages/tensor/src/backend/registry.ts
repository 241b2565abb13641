import type { Backend, PartialBackend } from './Backend.js';
import { cpuBackend } from './cpu/index.js';

let active: Backend = cpuBackend;

/**
 * Makes `backend` the active one. Kernels it does not supply fall back to the CPU kernels one at a
 * time, so a backend can be written and swapped in kernel by kernel.
 */
export function setBackend(backend: PartialBackend): void {
  active = { ...cpuBackend, ...backend } as Backend;
}

/** The active backend (with CPU fallbacks filled in). */
export function getBackend(): Backend {
  return active;
}

/** Restores the CPU backend. */
export function resetBackend(): void {
  active = cpuBackend;
}
