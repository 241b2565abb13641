// The synchronous bridge's view of the Backend interface: which arguments of each kernel are
// outputs (read back after the GPU ran it), and how arguments travel to the GPU worker and are
// turned into GPU operands there. Shared by the main-thread side (node.ts) and the worker (worker.ts).

/**
 * Output argument positions of each kernel the bridge can route, in the Backend's argument order
 * (packages/tensor/src/backend/*Kernels.ts). A position may hold null (an output the caller skips),
 * a Float32Array, or a StridedArray (copy's `out`), whose whole buffer comes back.
 */
export const OUTPUTS: Readonly<Record<string, readonly number[]>> = {
  unary: [4],
  reluBackward: [5],
  binary: [4],
  where: [4],
  copy: [2],
  reduce: [4],
  argReduce: [5, 6],
  gemm: [11],
  indexSelect: [5],
  indexAdd: [5],
  softmax: [5],
  softmaxBackward: [6],
  conv2d: [4],
  conv2dBackward: [4, 5, 6],
  maxPool2d: [2, 3],
  maxPoolBackward: [5],
  avgPool2d: [4],
  avgPool2dBackward: [4],
  adaptiveAvgPool2d: [6],
  adaptiveAvgPool2dBackward: [6],
  globalAvgPool2d: [3],
  globalAvgPool2dBackward: [3],
  batchNormTrain: [7, 8, 9],
  batchNormForward: [9],
  batchNormBackward: [11, 12, 13],
  sgdUpdate: [0, 2],
  adamUpdate: [0, 2, 3, 4],
  rmspropUpdate: [0, 2, 3, 4],
};

/** A StridedArray ({ data, strides, offset }) as the kernels take it. */
export interface HostStrided {
  readonly data: Float32Array;
  readonly strides: readonly number[];
  readonly offset: number;
}

export function isStrided(v: unknown): v is HostStrided {
  return typeof v === 'object' && v !== null && (v as { data?: unknown }).data instanceof Float32Array &&
    Array.isArray((v as { strides?: unknown }).strides);
}

/** An EpilogueOutput ({ kind, out }) as conv2dBackward and batchNormBackward take it. */
export interface HostEpilogueOutput {
  readonly kind: string;
  readonly out: Float32Array;
}

export function isEpilogueOutput(v: unknown): v is HostEpilogueOutput {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string' &&
    (v as { out?: unknown }).out instanceof Float32Array;
}

/**
 * The arrays a call of `method` writes, in the order of OUTPUTS (null outputs skipped; copy's
 * StridedArray `out` as its whole buffer): the order in which they travel back in shared memory.
 */
export function outputArrays(method: string, args: readonly unknown[]): Float32Array[] {
  const hosts: Float32Array[] = [];
  for (const i of OUTPUTS[method] ?? []) {
    const a = args[i];
    if (isStrided(a)) hosts.push(a.data);
    else if (a instanceof Float32Array) hosts.push(a);
  }
  return hosts;
}

/** A StridedArray as it travels in a message: `data` a plain array or a ResidentRef. */
export interface StridedMessage {
  readonly data: unknown;
  readonly strides: readonly number[];
  readonly offset: number;
}

export function isStridedMessage(v: unknown): v is StridedMessage {
  return typeof v === 'object' && v !== null && 'data' in v && Array.isArray((v as { strides?: unknown }).strides);
}

/** An EpilogueOutput as it travels in a message: `out` a plain array or a ResidentRef. */
export function isEpilogueMessage(v: unknown): v is { readonly kind: string; readonly out: unknown } {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string' && 'out' in v &&
    typeof (v as { out?: unknown }).out === 'object';
}

/**
 * The array of a strided operand on the training thread: a Tensor's `storage` (never its
 * host-syncing `data` getter) or a plain view's own `data`; null for anything else.
 */
export function stridedArrayOf(v: unknown): Float32Array | null {
  if (typeof v !== 'object' || v === null || !Array.isArray((v as { strides?: unknown }).strides)) return null;
  const storage = (v as { storage?: unknown }).storage;
  if (storage instanceof Float32Array) return storage;
  const data = Object.getOwnPropertyDescriptor(v, 'data')?.value as unknown;
  return data instanceof Float32Array ? data : null;
}
