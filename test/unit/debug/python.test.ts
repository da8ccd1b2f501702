import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { samTemplate, writeProject } from '../helpers/project';
import { responseOf, serveAdapter, startClient, until } from './dapTestSupport';

// Python functions under the `lambda` adapter: the runtime waits in debugpy before any user code,
// the adapter asks for a `debugpy` child, and a DAP client on debugpy's port (standing in for VS
// Code's Python debugger) sets breakpoints in init code and in the handler and sees both hit.
// debugpy comes from the interpreter itself, or from Debian's python3-debugpy for /usr/bin/python3.

function hasDebugpy(): boolean {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import debugpy']).status === 0) return true;
  }
  return false;
}

describe('lambda debug adapter (Python, debugpy)', function () {
  this.timeout(60000);
  let adapter: { port: number; close(): Promise<void> };
  let dir: string;

  before(async function () {
    if (!hasDebugpy()) {
      // scripts/test.sh installs python3-debugpy; a bare `mocha` run on a machine without it skips.
      this.skip();
    }
    dir = writeProject({
      'template.yaml': samTemplate({ Py: { handler: 'app.handler', runtime: 'python3.11', props: 'Timeout: 1' } }),
      'src/app.py': [
        'init_value = "set during init"', // line 1: module scope, INIT
        'calls = 0',
        'def handler(event, context):',
        '    global calls',
        '    calls += 1', // line 5: handler body
        '    return {"init": init_value, "calls": calls, "event": event}',
      ].join('\n'),
    });
    adapter = await serveAdapter();
  });
  after(() => adapter?.close());

  it('a debugpy child: breakpoints in init code and in the handler are hit, variables evaluate, the paused handler outlives its timeout', async () => {
    const { dc, children, output } = await startClient(adapter.port);
    const file = path.join(dir, 'src', 'app.py');
    try {
      await dc.launchRequest({ template: path.join(dir, 'template.yaml'), function: 'Py', event: { a: 1 } } as DebugProtocol.LaunchRequestArguments);
      await dc.configurationDoneRequest();
      const child = (await until('startDebugging', () => children[0])) as unknown as { type: string; connect: { host: string; port: number } };
      assert.equal(child.type, 'debugpy');
      assert.equal(child.connect.host, '127.0.0.1');

      const py = new DebugClient('python3', '', 'debugpy');
      await py.start(child.connect.port);
      try {
        await py.initializeRequest({ adapterID: 'debugpy', clientID: 'lambda-workbench-test', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
        // debugpy answers `attach` only after configurationDone.
        const attached = py.attachRequest({ justMyCode: true } as DebugProtocol.AttachRequestArguments);
        await py.waitForEvent('initialized');
        const set = await py.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 1 }, { line: 5 }] });
        assert.equal(set.body.breakpoints.length, 2);
        const init = py.waitForEvent('stopped', 30000);
        await py.configurationDoneRequest();
        await attached;

        const top = async (event: DebugProtocol.Event) => {
          const trace = await py.stackTraceRequest({ threadId: event.body.threadId, levels: 1 });
          return trace.body.stackFrames[0];
        };
        const first = await init;
        const initFrame = await top(first);
        assert.equal(initFrame.line, 1);
        assert.equal(initFrame.source?.path, file);
        assert.ok(!output.some((l) => l.startsWith('START ')), 'stopped before INIT completed');

        const handlerStop = py.waitForEvent('stopped', 30000);
        await py.continueRequest({ threadId: first.body.threadId });
        const second = await handlerStop;
        const handlerFrame = await top(second);
        assert.equal(handlerFrame.line, 5);
        const value = await py.evaluateRequest({ expression: 'init_value + "!"', frameId: handlerFrame.id, context: 'repl' });
        assert.equal(value.body.result, "'set during init!'");
        await new Promise((r) => setTimeout(r, 1300)); // past the 1 s timeout, paused
        await py.continueRequest({ threadId: second.body.threadId });

        const response = await until('the response', () => output.find((l) => l.includes(' response: ')));
        assert.deepEqual(responseOf(response), { init: 'set during init', calls: 1, event: { a: 1 } });
        assert.ok(!output.some((l) => /Task timed out/.test(l)));
        assert.ok(output.some((l) => /timeout suspended while debugging/.test(l)));
      } finally {
        await py.stop().catch(() => undefined);
      }
    } finally {
      await dc.stop();
    }
  });
});
