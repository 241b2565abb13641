// What `#platform` (package.json `imports`) hands to device.ts: the ways this platform can reach a
// WebGPU implementation, in the order to try them.

/** One way to get an adapter: a `GPU` object (made on demand) and the options to ask it with. */
export interface GpuCandidate {
  /** How the candidate is named in logs and in the no-adapter error, e.g. 'dawn opengles'. */
  readonly name: string;
  /** The backend as a word for adapterInfo(): 'native' (whatever the implementation picks) or 'opengles'. */
  readonly backend: string;
  /** Makes (or returns) the `GPU` object; throws when the implementation cannot load. */
  readonly gpu: () => GPU;
  readonly options: GPURequestAdapterOptions;
}
