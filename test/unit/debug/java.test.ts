import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { TelemetryEvent } from '../../../src/core/telemetry/events';
import { findOnPath } from '../../../src/core/util/executables';
import type { Workbench } from '../../../src/core/workbench';
import { json, openProject, samTemplate, writeProject } from '../helpers/project';
import { waitFor } from '../helpers/wait';
import { responseOf, serveAdapter, startClient, until } from './dapTestSupport';
import { JdbDriver } from './jdbDriver';
import { JAR, JAVAC, buildCoreJar, compileJava } from '../helpers/java';

// Java functions in debug mode, at the JDWP level with the JDK's jdb (a real debugger process): the
// JVM starts held before main with a JDWP agent on a loopback port, the environment reports it as
// `jdwp://127.0.0.1:<port>`, breakpoints in the handler class's static initialiser (INIT) and in its
// handler method bind and are hit, and a pause longer than the function's timeout (and than the INIT
// limit) does not end the invocation while the debugger holds it. Through the engine directly, and
// through the `lambda` adapter, whose child is a `java` attach configuration (vscode-java-debug's).

const JDB = findOnPath('jdb');

const HANDLER = [
  'package example;', // 1
  'import com.amazonaws.services.lambda.runtime.Context;',
  'import com.amazonaws.services.lambda.runtime.RequestHandler;',
  'import java.util.Map;',
  'public class Debugged implements RequestHandler<Map<String, Object>, Map<String, Object>> {', // 5
  '  static final String INIT_VALUE;',
  '  static {',
  '    INIT_VALUE = "set during init";', // 8: static initialiser (INIT)
  '  }',
  '  private static int calls;', // 10
  '  public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {',
  '    calls++;', // 12: handler body
  '    return Map.of("init", INIT_VALUE, "calls", calls, "event", event);',
  '  }',
  '}',
].join('\n');
const INIT_LINE = 8;
const HANDLER_LINE = 12;

/** A project whose function Jv (Timeout: 1) runs example.Debugged from fn/ (classes + lib/aws-lambda-java-core.jar). */
function writeJavaProject(): string {
  const dir = writeProject({
    'template.yaml': samTemplate({ Jv: { handler: 'example.Debugged::handleRequest', runtime: 'java17', codeUri: 'fn', props: 'Timeout: 1' } }),
    'src/example/Debugged.java': HANDLER,
  });
  const build = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-java-debug-'));
  const coreJar = path.join(dir, 'fn', 'lib', 'aws-lambda-java-core.jar');
  buildCoreJar(path.join(build, 'core'), coreJar);
  // -g: local variables too, as a debug build has them.
  compileJava(path.join(dir, 'fn'), [path.join(dir, 'src', 'example', 'Debugged.java')], ['-g', '-cp', coreJar]);
  fs.rmSync(build, { recursive: true, force: true });
  return dir;
}

/** Attaches jdb, sets the INIT and handler breakpoints while the JVM is held before main, and lets it run. */
async function attachWithBreakpoints(host: string, port: number): Promise<JdbDriver> {
  const jdb = new JdbDriver(JDB!, host, port);
  await jdb.expect(/VM Started/);
  jdb.send('stop in example.Debugged.<clinit>');
  await jdb.expect(/Deferring breakpoint example\.Debugged\.<clinit>/);
  jdb.send(`stop at example.Debugged:${HANDLER_LINE}`);
  await jdb.expect(new RegExp(`Deferring breakpoint example\\.Debugged:${HANDLER_LINE}`));
  jdb.send('run');
  return jdb;
}

describe('Java debugging (JDWP, jdb)', function () {
  this.timeout(90000);
  let dir: string;

  before(function () {
    // No JDK (javac, jar, jdb): nothing to compile or debug with.
    if (!JAVAC || !JAR || !JDB) this.skip();
    dir = writeJavaProject();
  });

  describe('the engine', () => {
    let workbench: Workbench;
    const events: TelemetryEvent[] = [];

    before(async () => {
      // An INIT limit of 1 s, shorter than the pause at the static initialiser: not applied in debug mode.
      workbench = await openProject(dir, { initTimeoutSeconds: 1 });
      workbench.telemetry.subscribe((e) => events.push(e));
      workbench.setDebug('Jv', true);
    });
    after(() => workbench?.close());

    it('waits before main for a debugger, stops in the static initialiser (INIT) and the handler, and the paused invocation outlives its timeout', async () => {
      const invocation = workbench.invoke('Jv', '{"a":1}', { collectLogs: true });
      const env = await waitFor(() => workbench.liveEnvironments()[0], 15000, 'an environment');
      const url = await env.waitForInspector();
      const match = /^jdwp:\/\/127\.0\.0\.1:(\d+)$/.exec(url ?? '');
      assert.ok(match, `a JDWP debugger URL: ${url}`);
      env.suspendTimeouts(true);

      // Held before main: no Runtime API call yet, however long the debugger takes.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(env.state, 'Initializing');
      assert.ok(!events.some((e) => e.type === 'platform.initRuntimeDone'));

      const jdb = await attachWithBreakpoints('127.0.0.1', Number(match[1]));
      try {
        await jdb.expect(new RegExp(`Breakpoint hit: "thread=main", example\\.Debugged\\.<clinit>\\(\\), line=${INIT_LINE}`));
        // Paused in INIT past its 1 s limit.
        await new Promise((r) => setTimeout(r, 1300));
        assert.equal(env.state, 'Initializing', 'INIT waits for the paused static initialiser');
        assert.ok(!events.some((e) => e.type === 'platform.initRuntimeDone'));
        jdb.send('cont');

        await jdb.expect(new RegExp(`Breakpoint hit: "thread=main", example\\.Debugged\\.handleRequest\\(\\), line=${HANDLER_LINE}`));
        jdb.send('print example.Debugged.INIT_VALUE');
        await jdb.expect(/example\.Debugged\.INIT_VALUE = "set during init"/);
        // The handler's own frame, its argument bound from the event.
        jdb.send('print event');
        await jdb.expect(/ event = "\{a=1\}"/);
        // Paused in the handler past the function's 1 s timeout.
        await new Promise((r) => setTimeout(r, 1300));
        jdb.send('cont');

        const result = await invocation;
        assert.equal(result.functionError, undefined, String(result.payload));
        assert.deepEqual(json(result.payload), { init: 'set during init', calls: 1, event: { a: 1 } });
        assert.ok(
          events.some((e) => e.type === 'workbench.timeoutSuspended' && e.requestId === result.requestId),
          'the timeout fired while paused and was suspended',
        );
        // INIT's sub-phases with the JVM held: the wait for the debugger (before main) is runtime
        // init; the pause in the static initialiser, function init.
        const initReport = events.find((e) => e.type === 'platform.initReport')?.record as
          { status: string; spans: Array<{ name: string; durationMs: number }> } | undefined;
        assert.equal(initReport?.status, 'success');
        assert.deepEqual(
          initReport.spans.map((span) => span.name),
          ['runtimeInit', 'functionInit'],
        );
        const [runtimeInit, functionInit] = initReport.spans;
        assert.ok(runtimeInit.durationMs >= 300, `runtimeInit ${runtimeInit.durationMs} ms includes the wait for the debugger`);
        assert.ok(functionInit.durationMs >= 1300, `functionInit ${functionInit.durationMs} ms includes the pause in <clinit>`);
        const logs = await result.logs;
        assert.ok(!logs.some((l) => /Task timed out|Listening for transport/.test(l)), logs.join('\n'));
      } finally {
        await jdb.close();
      }

      // Detached: the JVM runs on (its agent listening again, on a new port) and serves warm invocations.
      const warm = await workbench.invoke('Jv', '{"a":2}');
      assert.equal(warm.coldStart, false);
      assert.deepEqual(json(warm.payload), { init: 'set during init', calls: 2, event: { a: 2 } });
    });
  });

  describe('the lambda adapter', () => {
    let adapter: { port: number; close(): Promise<void> };
    before(async () => {
      adapter = await serveAdapter();
    });
    after(() => adapter?.close());

    it('asks for a java attach child on the JVM, where breakpoints in INIT and the handler are hit and the timeout is suspended', async () => {
      const { dc, children, output } = await startClient(adapter.port);
      try {
        await dc.launchRequest({ template: path.join(dir, 'template.yaml'), function: 'Jv', event: { a: 1 } } as DebugProtocol.LaunchRequestArguments);
        await dc.configurationDoneRequest();
        const child = (await until('startDebugging', () => children[0], 20000)) as unknown as Record<string, unknown>;
        assert.equal(child.type, 'java');
        assert.equal(child.request, 'attach');
        assert.equal(child.__lambdaChildType, 'java');
        assert.equal(child.hostName, '127.0.0.1');
        assert.equal(typeof child.port, 'number');
        assert.equal(child.projectName, undefined);
        assert.match(String(child.name), /^Jv env-[0-9a-f]+$/);

        const jdb = await attachWithBreakpoints(String(child.hostName), Number(child.port));
        try {
          await jdb.expect(/Breakpoint hit: "thread=main", example\.Debugged\.<clinit>\(\)/);
          assert.ok(!output.some((l) => l.startsWith('START ')), 'stopped before INIT completed');
          jdb.send('cont');
          await jdb.expect(/Breakpoint hit: "thread=main", example\.Debugged\.handleRequest\(\)/);
          await new Promise((r) => setTimeout(r, 1300)); // past the 1 s timeout, paused
          jdb.send('cont');
          const response = await until('the response', () => output.find((l) => l.includes(' response: ')));
          assert.deepEqual(responseOf(response), { init: 'set during init', calls: 1, event: { a: 1 } });
          assert.ok(!output.some((l) => /Task timed out/.test(l)));
          assert.ok(output.some((l) => /debugger waiting on jdwp:\/\/127\.0\.0\.1:\d+; timeout suspended while debugging/.test(l)));
          assert.ok(!output.some((l) => l.includes('Listening for transport')), "the JDWP agent's line stays out of the function's log");
        } finally {
          await jdb.close();
        }
      } finally {
        await dc.stop();
      }
    });
  });
});
