/**
 * An AbortController that aborts itself after `ms`, and says whether it was the timer that fired (a caller's own
 * abort is a cancellation, not a timeout). `clear()` stops the timer; call it in `finally`.
 */
export interface TimedAbort {
  readonly controller: AbortController;
  readonly signal: AbortSignal;
  readonly timedOut: boolean;
  clear(): void;
}

export function abortAfter(ms: number): TimedAbort {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ms);
  return {
    controller,
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    clear: () => clearTimeout(timer),
  };
}
