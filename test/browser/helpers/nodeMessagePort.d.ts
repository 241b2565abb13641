// Node's MessagePort (the global MessageChannel's ports, from worker_threads) has the browser's
// `onmessage` property at run time, which @types/node 20 leaves out. examples/web/src/runGate.ts,
// typed with the DOM library, sets it; page.test.ts runs that file in Node for its reference run.
import 'worker_threads';

declare module 'worker_threads' {
  interface MessagePort {
    onmessage: ((event: { readonly data: unknown }) => void) | null;
  }
}
