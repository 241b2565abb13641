/**
 * The few WebAssembly JS-API entry points the backend uses, typed here because the project's `lib`
 * (ES2022, no DOM) has no WebAssembly declarations and declaring the global namespace would clash
 * with consumers that include the DOM library.
 */
export interface WasmMemoryObject {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}

/** A compiled module (opaque; it can be posted to worker threads). */
export interface WasmModuleObject {
  readonly [Symbol.toStringTag]: string;
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModuleObject;
  compile(bytes: Uint8Array): Promise<WasmModuleObject>;
  Instance: new (module: WasmModuleObject, imports: Record<string, Record<string, unknown>>) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemoryObject;
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
