import { strict as assert } from 'node:assert';
import { childConfiguration } from '../../../src/debug/childConfiguration';

// The child session the `lambda` adapter asks for, per kind of debugger URL an environment reports.

const fn = { functionName: 'my-fn', logicalId: 'Fn', codeUri: '/work/app/fn' };

describe('childConfiguration', () => {
  it("a JDWP agent (jdwp://) → an attach of VS Code's Java debugger (vscode-java-debug) on its host and port, no projectName", () => {
    assert.deepEqual(childConfiguration('env-1', fn, 'jdwp://127.0.0.1:40123', { stopOnAttach: false }), {
      type: 'java',
      request: 'attach',
      name: 'Fn env-1',
      hostName: '127.0.0.1',
      port: 40123,
      __lambdaEnvironmentId: 'env-1',
      __lambdaChildType: 'java',
    });
    // Named by the function when it has no logical id.
    assert.equal(childConfiguration('env-2', { ...fn, logicalId: undefined }, 'jdwp://127.0.0.1:5005', { stopOnAttach: false }).name, 'my-fn env-2');
  });

  it('the other runtimes keep their debuggers: js-debug (ws://), debugpy (tcp://), rdbg (rdbg://)', () => {
    const options = { stopOnAttach: false };
    assert.equal(childConfiguration('e', fn, 'ws://127.0.0.1:9229/abc', options).__lambdaChildType, 'pwa-node');
    assert.deepEqual(childConfiguration('e', fn, 'tcp://127.0.0.1:5678', options).connect, { host: '127.0.0.1', port: 5678 });
    assert.equal(childConfiguration('e', fn, 'rdbg://127.0.0.1:4711', options).debugPort, '127.0.0.1:4711');
  });
});
