import type { Poller } from '../../../src/core/esm/types';

/** Starts pollers for the tests of the enclosing describe: each one started is stopped after its test. */
export function pollersStoppedAfterEach(): <P extends Poller>(poller: P) => P {
  const pollers: Poller[] = [];
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
  });
  return (poller) => {
    pollers.push(poller);
    poller.start();
    return poller;
  };
}
