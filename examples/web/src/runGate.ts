// Pause, resume and cancel for a long loop in a worker: the loop awaits `pass()` between steps, which
// also yields to the event loop so that the worker's messages (pause, predict, load) are handled.

/** Resolves after the pending events have run: a message to ourselves, without setTimeout's 4 ms clamp. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

export class RunGate {
  private pausedFlag = false;
  private cancelledFlag = false;
  private wake: (() => void) | null = null;
  /** Milliseconds spent paused so far, so that rates can leave them out. */
  pausedMs = 0;

  get paused(): boolean {
    return this.pausedFlag;
  }

  get cancelled(): boolean {
    return this.cancelledFlag;
  }

  pause(): void {
    this.pausedFlag = true;
  }

  resume(): void {
    this.pausedFlag = false;
    this.wake?.();
  }

  cancel(): void {
    this.cancelledFlag = true;
    this.wake?.();
  }

  /** Yields once, then waits while paused; false once the run is cancelled. */
  async pass(onPause?: (paused: boolean) => void): Promise<boolean> {
    await nextTask();
    if (this.pausedFlag && !this.cancelledFlag) {
      const t0 = performance.now();
      onPause?.(true);
      while (this.pausedFlag && !this.cancelledFlag) await new Promise<void>((r) => { this.wake = r; });
      this.wake = null;
      this.pausedMs += performance.now() - t0;
      if (!this.cancelledFlag) onPause?.(false);
    }
    return !this.cancelledFlag;
  }
}
