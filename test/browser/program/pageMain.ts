// The program on a page's main thread: the test reads globalThis.__tapegrad.
import { twoSteps } from './twoSteps.js';

(globalThis as { __tapegrad?: unknown }).__tapegrad = twoSteps();
