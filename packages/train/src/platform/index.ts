import { fail } from '@tapegrad/tensor';
import { host } from '#platform';
import type { NodeHost } from './nodeHost.js';

export type { NodeHost } from './nodeHost.js';

/** Node's modules when running on Node, else null (browsers). */
export function nodeHost(): NodeHost | null {
  return host;
}

/**
 * Node's modules, for a function that needs them; elsewhere throws the one-line error
 * `<fn>: <what> needs Node; in a browser <instead>`, e.g. requireNode('loadSafetensors',
 * 'reading files', 'pass the file\'s bytes (a Uint8Array) instead').
 */
export function requireNode(fn: string, what: string, instead: string): NodeHost {
  if (host === null) return fail(fn, `${what} needs Node; in a browser ${instead}`);
  return host;
}
