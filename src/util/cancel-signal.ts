// Every chat request needs a "the client went away" signal and every upstream
// call an "abort this call" signal. Node's AbortController/AbortSignal cost
// ≈4 µs to create and ≈3 µs per listener (EventTarget machinery), twice per
// request; this is the part of AbortSignal the gateway and undici use
// (`aborted`, `reason`, `throwIfAborted`, `abort` listeners), for a fraction of
// that. undici accepts it: it needs only `addEventListener`/`removeEventListener`.

/** What the request pipeline reads of a signal; a real AbortSignal fits too. */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A signal and its controller in one object: `abort(reason)` runs the listeners once. */
export class Cancellation implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> | undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        listener();
      } catch (err) {
        // As EventTarget does: one failing listener does not stop the others; the error surfaces as uncaught.
        process.nextTick(() => {
          throw err;
        });
      }
    }
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** Listeners run once in any case: a signal aborts only once. */
  addEventListener(type: 'abort', listener: () => void): void {
    if (type !== 'abort' || this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(type: 'abort', listener: () => void): void {
    const listeners = this.listeners;
    if (type !== 'abort' || listeners === undefined) return;
    const at = listeners.indexOf(listener);
    if (at !== -1) listeners.splice(at, 1);
  }
}

/** A real AbortSignal following `signal`, for APIs that need one (AbortSignal.any, fetch). */
export function toAbortSignal(signal: CancelSignal): AbortSignal {
  if (signal instanceof AbortSignal) return signal;
  const controller = new AbortController();
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller.signal;
}
