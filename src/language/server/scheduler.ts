// When to analyse a document. An edit after a quiet moment is analysed at once (after the
// messages already read, so a multi-message edit is one analysis); edits coming closer together
// than the debounce — a burst, fast typing — wait until it has been quiet that long. A run in
// progress is abandoned at its next checkpoint once a newer version is waiting; so diagnostics
// still flow while someone types without pause, a stale result is published anyway when nothing
// was published for a while.

export interface AnalysisRun {
  /** A newer version arrived since this run started. */
  readonly superseded: boolean;
  /** Whether to drop the result of a superseded run (false when diagnostics are overdue). */
  readonly abandon: boolean;
  /** Lets pending messages (a newer didChange) in, then says whether to go on. */
  checkpoint(): Promise<boolean>;
  /** Call when the result was published. */
  published(): void;
}

export class AnalysisScheduler {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; generation: number }>();
  private readonly generations = new Map<string, number>();
  private readonly lastPublished = new Map<string, number>();
  private readonly lastChange = new Map<string, number>();

  constructor(
    private readonly analyse: (uri: string, run: AnalysisRun) => Promise<void>,
    private readonly debounceMs: number,
    private readonly onError: (err: unknown) => void = () => undefined,
    /** A superseded result older than this is still published. */
    private readonly overdueMs = 300,
  ) {}

  /** Analyse on the next turn of the event loop, or after the debounce when changes come in a burst. */
  schedule(uri: string, delayMs?: number): void {
    const at = performance.now();
    const previous = this.lastChange.get(uri);
    this.lastChange.set(uri, at);
    const delay = delayMs ?? (previous !== undefined && at - previous < this.debounceMs ? this.debounceMs : 0);
    const generation = (this.generations.get(uri) ?? 0) + 1;
    this.generations.set(uri, generation);
    clearTimeout(this.pending.get(uri)?.timer);
    const timer = setTimeout(() => {
      this.pending.delete(uri);
      void this.analyse(uri, this.run(uri, generation)).catch(this.onError);
    }, delay);
    this.pending.set(uri, { timer, generation });
  }

  cancel(uri: string): void {
    clearTimeout(this.pending.get(uri)?.timer);
    this.pending.delete(uri);
    this.generations.set(uri, (this.generations.get(uri) ?? 0) + 1);
    this.lastPublished.delete(uri);
    this.lastChange.delete(uri);
  }

  private run(uri: string, generation: number): AnalysisRun {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the run's getters read the scheduler's state when asked
    const scheduler = this;
    return {
      get superseded() {
        return scheduler.generations.get(uri) !== generation;
      },
      get abandon() {
        const last = scheduler.lastPublished.get(uri);
        return this.superseded && last !== undefined && performance.now() - last < scheduler.overdueMs;
      },
      async checkpoint() {
        await new Promise((resolve) => setImmediate(resolve));
        return !this.abandon;
      },
      published() {
        scheduler.lastPublished.set(uri, performance.now());
      },
    };
  }
}
