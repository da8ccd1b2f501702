import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { samTemplate, writeProject } from '../helpers/project';
import { responseOf, serveAdapter, startClient, until } from './dapTestSupport';

// Ruby functions under the `lambda` adapter: the runtime waits in Ruby's debug gem (rdbg) before
// any user code, the adapter asks for an `rdbg` child, and a DAP client on the gem's port (standing
// in for the vscode-rdbg extension) sets breakpoints in top-level (init) code and in the handler
// and sees both hit. The debug gem is bundled with Ruby 3.1 and later (Debian's ruby has 1.4).

const RUBY = '/usr/bin/ruby';

function hasDebugGem(): boolean {
  return spawnSync(RUBY, ['-e', "require 'debug/session'"]).status === 0;
}

describe('lambda debug adapter (Ruby, rdbg)', function () {
  this.timeout(60000);
  let adapter: { port: number; close(): Promise<void> };
  let dir: string;

  before(async function () {
    if (!hasDebugGem()) {
      // No Ruby, or a Ruby without the debug gem: nothing to debug with.
      this.skip();
    }
    dir = writeProject({
      'template.yaml': samTemplate({ Rb: { handler: 'app.handler', runtime: 'ruby3.3', props: 'Timeout: 1' } }),
      'src/app.rb': [
        "INIT_VALUE = 'set during init'", // line 1: top level, INIT
        '$calls = 0',
        'def handler(event:, context:)',
        '  $calls += 1',
        '  { init: INIT_VALUE, calls: $calls, event: event }', // line 5: handler body
        'end',
      ].join('\n'),
    });
    adapter = await serveAdapter();
  });
  after(() => adapter?.close());

  it('an rdbg child: breakpoints in init code and in the handler are hit, variables evaluate, the paused handler outlives its timeout', async () => {
    const { dc, children, output } = await startClient(adapter.port);
    const file = path.join(dir, 'src', 'app.rb');
    try {
      await dc.launchRequest({ template: path.join(dir, 'template.yaml'), function: 'Rb', event: { a: 1 } } as DebugProtocol.LaunchRequestArguments);
      await dc.configurationDoneRequest();
      const child = (await until('startDebugging', () => children[0], 10000)) as unknown as {
        type: string;
        request: string;
        debugPort: string;
        localfs: boolean;
      };
      assert.equal(child.type, 'rdbg');
      assert.equal(child.request, 'attach');
      assert.equal(child.localfs, true);
      const [host, port] = child.debugPort.split(':');
      assert.equal(host, '127.0.0.1');

      const rb = new DebugClient('ruby', '', 'rdbg');
      await rb.start(Number(port));
      try {
        await rb.initializeRequest({ adapterID: 'rdbg', clientID: 'lambda-workbench-test', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
        await rb.attachRequest({ localfs: true } as DebugProtocol.AttachRequestArguments);
        const set = await rb.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 1 }, { line: 5 }] });
        assert.equal(set.body.breakpoints.length, 2);
        const attachPause = rb.waitForEvent('stopped', 30000);
        await rb.configurationDoneRequest();

        const top = async (event: DebugProtocol.Event) => {
          const trace = await rb.stackTraceRequest({ threadId: event.body.threadId, levels: 1 });
          return trace.body.stackFrames[0];
        };
        // The gem pauses the program when a client attaches: in the runtime, before any user code.
        const paused = await attachPause;
        assert.equal(paused.body.reason, 'pause');
        assert.match((await top(paused)).source?.path ?? '', /bootstrap\.rb$/);
        assert.ok(!output.some((l) => l.startsWith('START ')), 'paused before INIT completed');

        const init = rb.waitForEvent('stopped', 30000);
        await rb.continueRequest({ threadId: paused.body.threadId });
        const first = await init;
        assert.equal(first.body.reason, 'breakpoint');
        const initFrame = await top(first);
        assert.equal(initFrame.line, 1);
        assert.equal(initFrame.source?.path, file);
        assert.ok(!output.some((l) => l.startsWith('START ')), 'stopped before INIT completed');

        const handlerStop = rb.waitForEvent('stopped', 30000);
        await rb.continueRequest({ threadId: first.body.threadId });
        const second = await handlerStop;
        const handlerFrame = await top(second);
        assert.equal(handlerFrame.line, 5);
        const value = await rb.evaluateRequest({ expression: "INIT_VALUE + '!'", frameId: handlerFrame.id, context: 'repl' });
        assert.equal(value.body.result, '"set during init!"');
        await new Promise((r) => setTimeout(r, 1300)); // past the 1 s timeout, paused
        await rb.continueRequest({ threadId: second.body.threadId });

        const response = await until('the response', () => output.find((l) => l.includes(' response: ')));
        assert.deepEqual(responseOf(response), { init: 'set during init', calls: 1, event: { a: 1 } });
        assert.ok(!output.some((l) => /Task timed out/.test(l)));
        assert.ok(output.some((l) => /timeout suspended while debugging/.test(l)));
        assert.ok(!output.some((l) => l.startsWith('DEBUGGER: ')), "the debug gem's own lines stay out of the function's log");
      } finally {
        // With arguments: debug 1.4 reads them (and drops the connection on a bare disconnect).
        await rb.disconnectRequest({ terminateDebuggee: false }).catch(() => undefined);
        // Not rb.stop(): its bare disconnect would wait for an answer on the dropped connection.
        (rb as unknown as { stopAdapter(): void }).stopAdapter();
      }
    } finally {
      await dc.stop();
    }
  });
});
