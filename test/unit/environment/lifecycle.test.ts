import { strict as assert } from 'node:assert';
import {
  EnvironmentLifecycle,
  IllegalEnvironmentTransitionError,
  LIFECYCLE_EVENTS,
  TRANSITIONS,
  type LifecycleEvent,
} from '../../../src/core/environment/lifecycle';
import type { EnvironmentState } from '../../../src/core/environment/types';

// The execution environment's state table: every legal transition, every illegal one, listeners.

const STATES: EnvironmentState[] = ['Initializing', 'Idle', 'Invoking', 'ShuttingDown', 'Terminated'];

/** The events that lead from Initializing to `state`. */
const PATH_TO: Record<EnvironmentState, LifecycleEvent[]> = {
  Initializing: [],
  Idle: ['initDone'],
  Invoking: ['initDone', 'invoke'],
  ShuttingDown: ['shutdown'],
  Terminated: ['shutdown', 'terminated'],
};

function lifecycleIn(state: EnvironmentState): EnvironmentLifecycle {
  const lifecycle = new EnvironmentLifecycle();
  for (const event of PATH_TO[state]) lifecycle.apply(event);
  assert.equal(lifecycle.state, state);
  return lifecycle;
}

/** The legal transitions, spelled out (the table must match them exactly). */
const LEGAL: Array<[EnvironmentState, LifecycleEvent, EnvironmentState]> = [
  ['Initializing', 'initDone', 'Idle'],
  ['Initializing', 'shutdown', 'ShuttingDown'],
  ['Initializing', 'reset', 'ShuttingDown'],
  ['Idle', 'invoke', 'Invoking'],
  ['Idle', 'shutdown', 'ShuttingDown'],
  ['Idle', 'reset', 'ShuttingDown'],
  ['Invoking', 'invocationDone', 'Idle'],
  ['Invoking', 'shutdown', 'ShuttingDown'],
  ['Invoking', 'reset', 'ShuttingDown'],
  ['ShuttingDown', 'reset', 'ShuttingDown'],
  ['ShuttingDown', 'terminated', 'Terminated'],
];

describe('environment lifecycle table', () => {
  it('starts Initializing', () => {
    assert.equal(new EnvironmentLifecycle().state, 'Initializing');
  });

  it('the table holds exactly the legal transitions', () => {
    const table: Array<[EnvironmentState, LifecycleEvent, EnvironmentState]> = [];
    for (const from of STATES) {
      for (const event of LIFECYCLE_EVENTS) {
        const to = TRANSITIONS[from][event];
        if (to) table.push([from, event, to]);
      }
    }
    assert.deepEqual(table, LEGAL);
  });

  for (const [from, event, to] of LEGAL) {
    it(`${from} --${event}--> ${to}`, () => {
      const lifecycle = lifecycleIn(from);
      assert.equal(lifecycle.allows(event), true);
      assert.equal(lifecycle.apply(event), from, 'apply returns the state before');
      assert.equal(lifecycle.state, to);
    });
  }

  it('every other event throws IllegalEnvironmentTransitionError and leaves the state alone', () => {
    let illegal = 0;
    for (const from of STATES) {
      for (const event of LIFECYCLE_EVENTS) {
        if (LEGAL.some(([f, e]) => f === from && e === event)) continue;
        const lifecycle = lifecycleIn(from);
        const heard: EnvironmentState[] = [];
        lifecycle.onTransition((state) => heard.push(state));
        assert.equal(lifecycle.allows(event), false, `${event} in ${from}`);
        assert.throws(
          () => lifecycle.apply(event),
          (error: unknown) => {
            assert.ok(error instanceof IllegalEnvironmentTransitionError);
            assert.equal(error.from, from);
            assert.equal(error.event, event);
            assert.match(error.message, new RegExp(`${event} in state ${from}`));
            return true;
          },
        );
        assert.equal(lifecycle.state, from);
        assert.deepEqual(heard, []);
        illegal++;
      }
    }
    assert.equal(illegal, STATES.length * LIFECYCLE_EVENTS.length - LEGAL.length);
  });

  it('Terminated is final', () => {
    const lifecycle = lifecycleIn('Terminated');
    for (const event of LIFECYCLE_EVENTS) assert.equal(lifecycle.allows(event), false);
  });

  it('listeners hear every change of state with the state before and the event, in order', () => {
    const lifecycle = new EnvironmentLifecycle();
    const heard: string[] = [];
    lifecycle.onTransition((state, previous, event) => heard.push(`${previous}-${event}-${state}:${lifecycle.state}`));
    for (const event of ['initDone', 'invoke', 'invocationDone', 'invoke', 'reset', 'terminated'] as const) lifecycle.apply(event);
    assert.deepEqual(heard, [
      'Initializing-initDone-Idle:Idle',
      'Idle-invoke-Invoking:Invoking',
      'Invoking-invocationDone-Idle:Idle',
      'Idle-invoke-Invoking:Invoking',
      'Invoking-reset-ShuttingDown:ShuttingDown',
      'ShuttingDown-terminated-Terminated:Terminated',
    ]);
  });

  it('a reset during a shutdown is legal but not a change: listeners do not hear it', () => {
    const lifecycle = lifecycleIn('ShuttingDown');
    let heard = 0;
    lifecycle.onTransition(() => heard++);
    lifecycle.apply('reset');
    assert.equal(lifecycle.state, 'ShuttingDown');
    assert.equal(heard, 0);
  });

  it('a listener can unsubscribe; a transition made inside a listener reaches every listener', () => {
    const lifecycle = new EnvironmentLifecycle();
    const first: EnvironmentState[] = [];
    const second: EnvironmentState[] = [];
    const unsubscribe = lifecycle.onTransition((state) => {
      first.push(state);
      // As the pool does: an environment that becomes Idle while retired is shut down at once.
      if (state === 'Idle') lifecycle.apply('shutdown');
    });
    lifecycle.onTransition((state) => second.push(state));
    lifecycle.apply('initDone');
    assert.deepEqual(first, ['Idle', 'ShuttingDown']);
    // The nested change reaches the second listener before the outer one does (as setState did).
    assert.deepEqual(second, ['ShuttingDown', 'Idle']);
    unsubscribe();
    lifecycle.apply('terminated');
    assert.deepEqual(first, ['Idle', 'ShuttingDown']);
    assert.ok(second.includes('Terminated'));
  });

  it('queries: is() with several states, live until shutting down', () => {
    const lifecycle = new EnvironmentLifecycle();
    assert.equal(lifecycle.is('Idle', 'Initializing'), true);
    assert.equal(lifecycle.is('Idle', 'Invoking'), false);
    assert.equal(lifecycle.live, true);
    lifecycle.apply('initDone');
    lifecycle.apply('invoke');
    assert.equal(lifecycle.live, true);
    lifecycle.apply('reset');
    assert.equal(lifecycle.live, false);
    lifecycle.apply('terminated');
    assert.equal(lifecycle.live, false);
  });
});
