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

/**
 * `work`, or an AbortError as soon as `signal` aborts: the caller stops waiting at once, also where the request itself
 * cannot be torn down (then its late outcome is dropped).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DOMException('The operation was aborted', 'AbortError'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
