import type { EnvironmentState } from './types';

// The lifecycle of an execution environment as an explicit state machine (as the Runtime API's
// runtimeStateMachine is for the runtime's side). EnvironmentLifecycle is the only place an
// environment's state changes; an event that is not a legal transition from the current state is
// a programming error in the engine and throws.
//
//   Initializing ──initDone──▶ Idle ──invoke──▶ Invoking
//                               ▲                  │
//                               └──invocationDone──┘
//   Initializing | Idle | Invoking ──shutdown | reset──▶ ShuttingDown ──terminated──▶ Terminated
//
// - shutdown: the graceful SHUTDOWN (reaped, retired, engine closing): SIGTERM, the extensions'
//   budget, then the kill.
// - reset: the environment ends now after a failure, as Lambda resets it: a failed INIT, a crash
//   (during or between invocations), a timeout, out of memory, a failed extension. A reset during
//   a graceful shutdown turns it into a kill: the state stays ShuttingDown.
// - terminated: the processes are gone, the Runtime API server is closed.
//
// Invoking is subdivided by InvokePhase (its own bookkeeping, not states of this table):
//   1. awaiting the answer: the event is delivered, the timeout and the memory watch are armed;
//   2. answered (`finishing`): the runtime responded, or the platform gave up on it (timeout,
//      crash, out of memory). The caller gets the answer one turn of the event loop later
//      (`answered.flushed`), so the lines already in the pipes are read first;
//   3. REPORT pending: END and REPORT wait until the runtime is back on /next (`runtimeReady`) and
//      every extension asked for its next event; then `invocationDone` makes the environment Idle.
//      The scheduler counts such an environment (`isFinishing`) as about to be Idle and waits for
//      it rather than cold-starting another.
// When the invocation ends the environment (`answered.final`: timeout, crash, out of memory,
// failed extension), REPORT goes out without waiting and the environment takes `reset` instead of
// `invocationDone`.

export type LifecycleEvent = 'initDone' | 'invoke' | 'invocationDone' | 'shutdown' | 'reset' | 'terminated';

export const LIFECYCLE_EVENTS: readonly LifecycleEvent[] = ['initDone', 'invoke', 'invocationDone', 'shutdown', 'reset', 'terminated'];

export const TRANSITIONS: Readonly<Record<EnvironmentState, Readonly<Partial<Record<LifecycleEvent, EnvironmentState>>>>> = {
  Initializing: { initDone: 'Idle', shutdown: 'ShuttingDown', reset: 'ShuttingDown' },
  Idle: { invoke: 'Invoking', shutdown: 'ShuttingDown', reset: 'ShuttingDown' },
  Invoking: { invocationDone: 'Idle', shutdown: 'ShuttingDown', reset: 'ShuttingDown' },
  ShuttingDown: { reset: 'ShuttingDown', terminated: 'Terminated' },
  Terminated: {},
};

export class IllegalEnvironmentTransitionError extends Error {
  constructor(
    readonly from: EnvironmentState,
    readonly event: LifecycleEvent,
  ) {
    super(`Illegal environment transition: ${event} in state ${from}`);
  }
}

export type TransitionListener = (state: EnvironmentState, previous: EnvironmentState, event: LifecycleEvent) => void;

export class EnvironmentLifecycle {
  private current: EnvironmentState = 'Initializing';
  private readonly listeners = new Set<TransitionListener>();

  get state(): EnvironmentState {
    return this.current;
  }

  is(...states: EnvironmentState[]): boolean {
    return states.includes(this.current);
  }

  /** Whether `event` is legal now, without changing state. */
  allows(event: LifecycleEvent): boolean {
    return TRANSITIONS[this.current][event] !== undefined;
  }

  /** Not yet shutting down: the environment may still serve (or finish INIT). */
  get live(): boolean {
    return this.allows('shutdown');
  }

  /**
   * Performs the transition or throws IllegalEnvironmentTransitionError. Listeners hear of a change
   * of state only (a reset while ShuttingDown is not one). Returns the state before.
   */
  apply(event: LifecycleEvent): EnvironmentState {
    const previous = this.current;
    const next = TRANSITIONS[previous][event];
    if (next === undefined) throw new IllegalEnvironmentTransitionError(previous, event);
    if (next === previous) return previous;
    this.current = next;
    for (const listener of this.listeners) listener(next, previous, event);
    return previous;
  }

  onTransition(listener: TransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
