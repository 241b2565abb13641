// The program in a dedicated Worker: started with its options by the page's first message, it
// posts { result } or { error }.
import { twoSteps, type ProgramOptions } from './twoSteps.js';

interface WorkerScope {
  addEventListener(type: 'message', listener: (event: { readonly data: ProgramOptions }) => void, options: { once: boolean }): void;
  postMessage(message: unknown): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.addEventListener('message', (event) => {
  twoSteps(event.data).then(
    (result) => scope.postMessage({ result }),
    (e: unknown) => scope.postMessage({ error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }),
  );
}, { once: true });
