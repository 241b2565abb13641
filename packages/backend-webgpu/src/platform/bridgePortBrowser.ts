// `#bridgePort` in browsers: the GPU worker's messages arrive on the Worker's own scope.
import type { BridgeMessage } from '../bridge/protocol.js';

export function listen(handler: (m: BridgeMessage) => void): void {
  (globalThis as unknown as { addEventListener(t: 'message', f: (e: { data: BridgeMessage }) => void): void })
    .addEventListener('message', (e) => handler(e.data));
}

/** Stops listening: the Worker closes itself. */
export function stop(): void {
  (globalThis as unknown as { close(): void }).close();
}
