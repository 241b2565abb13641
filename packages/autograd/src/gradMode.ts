let enabled = true;

/** True while operations are being recorded. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` without recording: results do not require grad. */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs `fn` with recording on (inside a `noGrad`, for example). */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
