// The body of a response the runtime streams (`Lambda-Runtime-Function-Response-Mode: streaming`)
// while it is being written: the Runtime API server writes the chunks as they arrive, whoever owns
// the invocation closes it when the response is over (complete, failed, cut off by the platform),
// and one reader takes the chunks in order as soon as they are there. Nothing waits for a slow
// reader: what it has not read yet stays queued (the streaming limit bounds it).

/** Lambda's limit on a streamed response: 200 MB by default since July 2025 (20 MB before), counted in MiB as the 6 MB buffered limit is. */
export const MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024;

export class ResponseStream implements AsyncIterable<Buffer> {
  /** Bytes written so far. */
  bytes = 0;
  private readonly queued: Buffer[] = [];
  private head = 0;
  private closed = false;
  private discarded = false;
  private reading = false;
  private wake: (() => void) | undefined;

  /** `contentType`: the runtime's Content-Type header. */
  constructor(readonly contentType: string | undefined) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** A chunk from the runtime (ignored once closed). */
  write(chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return;
    this.bytes += chunk.length;
    if (this.discarded) return;
    this.queued.push(chunk);
    this.signal();
  }

  /** No more chunks: the reader's iteration ends once it has read what is queued. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signal();
  }

  /** The reader is gone (its client hung up): chunks are no longer kept. */
  discard(): void {
    this.discarded = true;
    this.queued.length = 0;
    this.head = 0;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    if (this.reading) throw new Error('A response stream has one reader');
    this.reading = true;
    for (;;) {
      if (this.head < this.queued.length) {
        const chunk = this.queued[this.head++]!;
        if (this.head === this.queued.length) {
          this.queued.length = 0;
          this.head = 0;
        }
        yield chunk;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
