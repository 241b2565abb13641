// The GPU worker's entry: the bridge served on this platform's worker messages (#bridgePort: Node's
// parentPort, or a browser Worker's self), `stop` ending it after the close message.
import { listen, stop } from '#bridgePort';
import { serveBridge } from './serve.js';

serveBridge(listen, stop);
