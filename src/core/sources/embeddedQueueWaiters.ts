// Long polling for an embedded queue: a receive with nothing to deliver waits here until a send (or
// anything else that may have made a message visible) wakes it, its wait time runs out, or its
// caller aborts. Waking is a hint: the woken receive looks again and may wait once more.

export class ReceiveWaiters {
  private readonly waiters = new Set<() => void>();

  /** Wakes every waiting receive. */
  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves when a message may have arrived, after `ms`, or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // setTimeout's limit; a longer wait (nothing scheduled: Infinity) is cut short, and the receive looks again.
      const timer = setTimeout(done, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
