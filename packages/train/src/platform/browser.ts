// `#platform` outside Node (browsers): no host modules; functions that need them say so.
import type { NodeHost } from './nodeHost.js';

export const host: NodeHost | null = null;
