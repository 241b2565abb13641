// Why the backend runs on one thread, in words for the page. Pure.

export interface ThreadFacts {
  backend: string;
  threads: number;
  cores: number;
  crossOriginIsolated: boolean;
  /** The thread count the page asked for (?threads=N), or null. */
  requested: number | null;
}

/** null when the backend runs on more than one thread. */
export function threadReason(f: ThreadFacts): string | null {
  if (f.threads > 1) return null;
  if (f.backend === 'webgpu') return 'the webgpu backend runs the kernels on the GPU (?backend=webgpu); threads apply to the wasm backend';
  if (!f.crossOriginIsolated) {
    const then = f.backend === 'wasm' ? 'the wasm backend runs on one thread' : `tapegrad runs its ${f.backend} backend (plain TypeScript, about 10x slower than wasm) on one thread`;
    return `crossOriginIsolated is false: the page was served without the Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp headers, so there is no shared memory (SharedArrayBuffer), and ${then}`;
  }
  if (f.backend !== 'wasm') return `the ${f.backend} backend is running (WebAssembly SIMD is missing here), and it has one thread`;
  if (f.requested === 1) return 'one thread was asked for (?threads=1)';
  if (f.cores <= 1) return 'the browser reports one core (navigator.hardwareConcurrency)';
  return 'this build of tapegrad has no worker threads in browsers: the wasm backend runs on the training worker alone';
}
