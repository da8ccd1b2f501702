// The runtime side of the Runtime API as an explicit state machine. Every call the runtime makes
// is a transition; a call that is not a legal transition from the current state is rejected with
// AWS's 403 InvalidStateTransition (see reference/runtime-api.md §1, RIE's rapi handlers).

export type RuntimeState =
  | 'Started' // process spawned, init running, no /next yet
  | 'Ready' // runtime is parked on /next
  | 'Invoking' // an event was handed out, no response yet
  | 'Streaming' // the runtime is streaming its response (a chunked POST /response in progress)
  | 'Responded' // response or error posted, runtime has not asked for the next event yet
  | 'InitFailed' // runtime posted /init/error
  | 'Closed';

export type RuntimeCall = 'next' | 'response' | 'error' | 'initError' | 'deliver' | 'stream';

const TRANSITIONS: Record<RuntimeState, Partial<Record<RuntimeCall, RuntimeState>>> = {
  Started: { next: 'Ready', initError: 'InitFailed' },
  Ready: { deliver: 'Invoking' },
  Invoking: { response: 'Responded', error: 'Responded', stream: 'Streaming' },
  // A streamed response ends as a response; /error is only for before it started (AWS).
  Streaming: { response: 'Responded' },
  Responded: { next: 'Ready' },
  InitFailed: {},
  Closed: {},
};

/** Names used in error messages, after the RAPID state names AWS's runtimes may log. */
const CALL_TARGET: Record<RuntimeCall, string> = {
  next: 'Ready',
  response: 'InvocationResponse',
  error: 'InvocationErrorResponse',
  initError: 'InitError',
  deliver: 'Invoking',
  stream: 'InvocationResponse',
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: RuntimeState,
    readonly call: RuntimeCall,
  ) {
    super(`State transition from ${from} to ${CALL_TARGET[call]} failed for runtime. Error: State transition is not allowed`);
  }
}

export class RuntimeStateMachine {
  state: RuntimeState = 'Started';

  /** Whether `call` is legal now, without changing state. */
  allows(call: RuntimeCall): boolean {
    return TRANSITIONS[this.state][call] !== undefined;
  }

  /** Performs the transition or throws IllegalTransitionError. */
  apply(call: RuntimeCall): RuntimeState {
    const next = TRANSITIONS[this.state][call];
    if (next === undefined) throw new IllegalTransitionError(this.state, call);
    const previous = this.state;
    this.state = next;
    return previous;
  }

  close(): void {
    this.state = 'Closed';
  }
}
