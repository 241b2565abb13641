import type { Backend, PartialBackend } from './Backend.js';
import { cpuBackend } from './cpu/index.js';
import { backendChanging } from './residency.js';

/** What `recordAllocations` adds each buffer to (a WeakSet, or any collector with `add`). */
export interface AllocationRecord {
  add(buffer: Float32Array): unknown;
}

/** Buffers allocated inside `recordAllocations`, or null outside it. */
let recording: AllocationRecord | null = null;

/** The backend with its `alloc` and `empty` reporting to `recording`. */
function recorded(backend: Backend): Backend {
  const { alloc, empty } = backend;
  return {
    ...backend,
    alloc(length: number): Float32Array {
      const a = alloc(length);
      if (recording !== null) recording.add(a);
      return a;
    },
    empty(length: number): Float32Array {
      const a = empty(length);
      if (recording !== null) recording.add(a);
      return a;
    },
  };
}

let active: Backend = recorded(cpuBackend);

/**
 * Makes `backend` the active one. Kernels it does not supply fall back to the CPU kernels one at a
 * time, so a backend can be written and swapped in kernel by kernel.
 */
export function setBackend(backend: PartialBackend): void {
  backendChanging(backend);
  // a backend with convolutions of its own says itself whether they take outputs apart
  const ownConv = backend.conv2d !== undefined || backend.conv2dBackward !== undefined;
  const placesConvOutput = ownConv ? backend.placesConvOutput === true : cpuBackend.placesConvOutput === true;
  active = recorded({ ...cpuBackend, ...backend, placesConvOutput } as Backend);
}

/** The active backend (with CPU fallbacks filled in). */
export function getBackend(): Backend {
  return active;
}

/** Restores the CPU backend. */
export function resetBackend(): void {
  backendChanging(cpuBackend);
  active = recorded(cpuBackend);
}

/**
 * Runs `fn`, adding every buffer the active backend allocates meanwhile to `into`: whoever knows
 * that nothing else holds such a buffer (the autograd engine with a gradient computed during its
 * own backward pass) may then take it over instead of copying it.
 */
export function recordAllocations<T>(into: AllocationRecord, fn: () => T): T {
  const outer = recording;
  recording = into;
  try {
    return fn();
  } finally {
    recording = outer;
  }
}
