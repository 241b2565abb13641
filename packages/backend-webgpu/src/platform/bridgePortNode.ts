// `#bridgePort` on Node: the GPU worker's messages arrive on worker_threads' parentPort.
import { parentPort } from 'node:worker_threads';
import type { BridgeMessage } from '../bridge/protocol.js';

export function listen(handler: (m: BridgeMessage) => void): void {
  if (parentPort === null) throw new Error('backend-webgpu: bridge/worker.js runs only as a worker thread');
  parentPort.on('message', handler);
}

/** Stops listening: with the port closed the worker's event loop empties and the thread ends. */
export function stop(): void {
  parentPort?.close();
}
