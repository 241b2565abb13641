import type { EpochResult } from './curves.js';
import type { BatchProgress, EpochStart, ProgressSink, RunStart } from './progressSink.js';

/** What `messageSink` posts: plain objects, so they survive `postMessage` (structured clone). */
export type ProgressMessage =
  | ({ type: 'runStart' } & RunStart)
  | ({ type: 'epochStart' } & EpochStart)
  | ({ type: 'batch' } & BatchProgress)
  | { type: 'epochEnd'; result: EpochResult; summary: string }
  | { type: 'message'; line: string }
  | { type: 'runEnd'; history: EpochResult[]; stoppedEarly: boolean; error?: string };

/**
 * A sink that hands each report to `post` as a `ProgressMessage`: in a Worker,
 * `fit(model, { ..., progress: messageSink((m) => postMessage(m)) })`, and the page draws the
 * progress. An error that ends the run is posted as its message.
 */
export function messageSink(post: (message: ProgressMessage) => void): ProgressSink {
  return {
    runStart: (info) => post({ type: 'runStart', ...info }),
    epochStart: (info) => post({ type: 'epochStart', ...info }),
    batchEnd: (info) => post({ type: 'batch', ...info }),
    epochEnd: (result, summary) => post({ type: 'epochEnd', result: { ...result }, summary }),
    message: (line) => post({ type: 'message', line }),
    runEnd: ({ history, stoppedEarly, error }) => post({
      type: 'runEnd', history: history.map((r) => ({ ...r })), stoppedEarly,
      ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }),
    }),
  };
}
