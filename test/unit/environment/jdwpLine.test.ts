import { strict as assert } from 'node:assert';
import { jdwpUrlOf } from '../../../src/core/environment/runtimeProcess';

// A JVM's JDWP agent announces where it listens on stdout; the environment reports it as its
// debugger's URL. The port alone (a loopback address, as our runtime starts it) or host:port.

describe("the JDWP agent's line", () => {
  it('gives jdwp://host:port', () => {
    assert.equal(jdwpUrlOf('Listening for transport dt_socket at address: 40123'), 'jdwp://127.0.0.1:40123');
    assert.equal(jdwpUrlOf('Listening for transport dt_socket at address: 127.0.0.1:5005'), 'jdwp://127.0.0.1:5005');
    assert.equal(jdwpUrlOf('Listening for transport dt_socket at address: localhost:5005'), 'jdwp://localhost:5005');
    assert.equal(jdwpUrlOf('Listening for transport dt_socket at address: [::1]:5005'), 'jdwp://[::1]:5005');
  });

  it('anything else is not an announcement', () => {
    for (const line of [
      'Listening for transport dt_socket at address: ',
      'Listening for transport dt_socket at address: 0',
      'Listening for transport dt_socket at address: 70000',
      'Listening for transport dt_shmem at address: javadebug',
      'Listening for transport dt_socket at address: 5005 and more',
      'said: Listening for transport dt_socket at address: 5005',
      'ERROR: transport error 202: bind failed: Address already in use',
    ]) {
      assert.equal(jdwpUrlOf(line), undefined, line);
    }
  });
});
