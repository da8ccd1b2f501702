import { StateStore } from './stateStore';

// One LevelDB per state directory, opened on first use and shared by everything that keeps
// durable state in it (asynchronous invocation, embedded queues and streams); closed once, by
// the engine, after all of them stopped.

export class SharedStore {
  private store: StateStore | undefined;
  private opening: Promise<StateStore> | undefined;
  private closed = false;

  constructor(readonly location: string) {}

  /** True if a store was ever created here (so there may be state to resume). */
  exists(): boolean {
    return StateStore.exists(this.location);
  }

  /** The open store (opening it once; StoreLockedError when another engine holds it). */
  open(): Promise<StateStore> {
    if (this.store) return Promise.resolve(this.store);
    if (this.closed) return Promise.reject(new Error(`The state store ${this.location} is closed`));
    this.opening ??= StateStore.open(this.location).then(
      (store) => {
        this.store = store;
        return store;
      },
      (error: unknown) => {
        this.opening = undefined;
        throw error;
      },
    );
    return this.opening;
  }

  /** The store if it is open already (no side effect). */
  get current(): StateStore | undefined {
    return this.store;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    await this.store?.close();
  }
}
