// The GPU worker's entry: the bridge served on this platform's worker messages (#bridgePort: Node's
// parentPort, or a browser Worker's self).
import { listen } from '#bridgePort';
import { serveBridge } from './serve.js';

serveBridge(listen);
