// The `lambda` debugger in a real extension host: the inline adapter on the host's engine, VS Code
// starting js-debug (code-server's built-in) as a child session per environment, breakpoints in
// init code, in a handler and in a TypeScript source through its source map; the configuration
// providers, the debugFunction command and the template CodeLens.
import * as assert from 'node:assert';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as vscode from 'vscode';
import type { Engine, WorkbenchHost } from '../../../src/extension/workbenchHost';
import { alive, ancestry, DapRecorder, topFrame, type Recorded } from './dapRecorder';
import { activateExtension, eventually, fixtureEngine, functionsNode, run, screenshot } from './helpers';

const STOP_TIMEOUT_MS = 60_000;

describe('lambda debugger', function () {
  this.timeout(180_000);
  let recorder: DapRecorder;
  let host: WorkbenchHost;
  let engine: Engine;
  let folder: vscode.WorkspaceFolder;
  const breakpoints: vscode.Breakpoint[] = [];
  // Diagnostics for a failure: where this test's messages start, and the engine's own events.
  let testStart = 0;
  let engineEvents: string[] = [];
  let telemetry: vscode.Disposable | undefined;

  before(async () => {
    ({ host, engine } = await fixtureEngine());
    folder = engine.folder;
    recorder = new DapRecorder();
  });
  beforeEach(() => {
    testStart = recorder.mark();
    engineEvents = [];
    telemetry = host.onTelemetry(({ event }) => {
      if (event.type.startsWith('workbench.')) {
        engineEvents.push(`${event.type} ${event.functionName ?? ''} ${event.environmentId ?? ''} ${JSON.stringify(event.record).slice(0, 200)}`);
      }
    });
  });
  afterEach(async function () {
    telemetry?.dispose();
    // What the adapters and the engine said, to tell a failure of ours from the adapter's or js-debug's.
    if (this.currentTest?.state === 'failed') console.log(`${recorder.describe(testStart)}\n--- engine ---\n${engineEvents.join('\n')}`);
    await stopAll();
    vscode.debug.removeBreakpoints(breakpoints.splice(0));
  });
  after(() => recorder.dispose());

  const workspaceFile = (...parts: string[]) => path.join(folder.uri.fsPath, ...parts);

  function breakpoint(file: string, line1: number): vscode.SourceBreakpoint {
    const bp = new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(file), new vscode.Position(line1 - 1, 0)));
    breakpoints.push(bp);
    return bp;
  }

  async function lambdaSession(name: string): Promise<vscode.DebugSession> {
    const { debug } = await activateExtension();
    return eventually(`the lambda session "${name}"`, () => debug.sessions.sessions().find((s) => s.name === name), 30_000);
  }

  async function stopAll(): Promise<void> {
    const { debug } = await activateExtension();
    for (const session of debug.sessions.sessions()) await vscode.debug.stopDebugging(session);
    await eventually('every lambda session ended', () => debug.sessions.sessions().length === 0, 30_000);
  }

  /** The next `stopped` event of a session under `lambda`; asserts where it is. */
  async function stoppedAt(
    lambda: vscode.DebugSession,
    from: number,
    file: string,
    line1: number,
  ): Promise<Recorded & { index: number; frame: Awaited<ReturnType<typeof topFrame>> }> {
    const stop = await recorder.next(
      `a stop under ${lambda.name}`,
      from,
      (r) => r.message.type === 'event' && (r.message as DebugProtocol.Event).event === 'stopped' && ancestry(r.session).includes(lambda),
      STOP_TIMEOUT_MS,
    );
    const frame = await topFrame(stop);
    assert.deepStrictEqual(
      { path: frame.path, line: frame.line },
      { path: file, line: line1 },
      `stopped (${(stop.message as DebugProtocol.StoppedEvent).body.reason}) in ${frame.name}`,
    );
    return { ...stop, frame };
  }

  /** `<fn> <requestId> response: <json>` in the lambda session's output, from `from` on. */
  async function responseOf(lambda: vscode.DebugSession, fn: string, from: number): Promise<Record<string, unknown>> {
    const pattern = new RegExp(`^${fn} (\\S+) response: (.*)$`, 'm');
    const match = await eventually(`${fn}'s response in the debug output`, () => pattern.exec(recorder.outputOf(lambda, from)), 60_000);
    return JSON.parse(match[2]) as Record<string, unknown>;
  }

  async function evaluate(session: vscode.DebugSession, frameId: number, expression: string): Promise<string> {
    const body = (await session.customRequest('evaluate', { expression, frameId, context: 'watch' })) as DebugProtocol.EvaluateResponse['body'];
    return body.result;
  }

  it('stops in init code, then in the handler, evaluates, continues to the response; Invoke Again reuses the environment; stopping ends it', async () => {
    const file = workspaceFile('hello', 'index.js');
    vscode.debug.addBreakpoints([breakpoint(file, 2), breakpoint(file, 6)]); // `const startedAt`, `invocations += 1`
    const from = recorder.mark();
    const name = 'Debug Hello (extension test)';
    const started = await vscode.debug.startDebugging(folder, {
      type: 'lambda',
      request: 'launch',
      name,
      template: '${workspaceFolder}/template.yaml',
      function: 'Hello',
      event: { name: 'debugger' },
    });
    assert.strictEqual(started, true, 'startDebugging');
    const lambda = await lambdaSession(name);
    assert.strictEqual(lambda.configuration.template, engine.templateFile, "the template is resolved to the engine's");

    const init = await stoppedAt(lambda, from, file, 2);
    assert.notStrictEqual(init.session.id, lambda.id, 'the stop comes from a child session');
    assert.ok(init.session.type.includes('node'), `a JavaScript debugger child (${init.session.type})`);
    const child = ancestry(init.session).find((s) => typeof s.configuration.__lambdaEnvironmentId === 'string');
    assert.ok(child, 'a child session carries __lambdaEnvironmentId');
    const environmentId = child.configuration.__lambdaEnvironmentId as string;
    const env = engine.workbench.environments().find((e) => e.id === environmentId);
    assert.ok(env?.pid, `the environment ${environmentId} of the host's engine runs`);
    assert.strictEqual(env.functionName, 'Hello');
    const { debug } = await activateExtension();
    assert.strictEqual(debug.sessions.current()?.id, lambda.id, 'the focused child belongs to the lambda session');
    await init.session.customRequest('continue', { threadId: init.frame.threadId });

    const inHandler = await stoppedAt(lambda, init.index + 1, file, 6);
    assert.strictEqual(await evaluate(inHandler.session, inHandler.frame.id, 'event.name'), "'debugger'");
    assert.strictEqual(await evaluate(inHandler.session, inHandler.frame.id, 'invocations'), '0');
    // The paused handler as a user sees it: the editor at the breakpoint, the call stack with the
    // lambda session and its child (test-artifacts/extension/debug.png).
    await vscode.commands.executeCommand('workbench.view.debug');
    await screenshot('debug.png');
    await inHandler.session.customRequest('continue', { threadId: inHandler.frame.threadId });
    const response = await responseOf(lambda, 'Hello', from);
    // The greeting itself is whatever 5-versions left in the code: the event's name ends it.
    assert.match(String(response.message), / debugger$/);
    assert.strictEqual(response.invocations, 1);

    // Invoke Again: the same (warm) environment stops in the handler only.
    const again = recorder.mark();
    const invoked = run<{ requestId: string; payload?: string }>('lambdaWorkbench.debugInvoke', { event: { name: 'again' } });
    const second = await stoppedAt(lambda, again, file, 6);
    assert.strictEqual(await evaluate(second.session, second.frame.id, 'event.name'), "'again'");
    await second.session.customRequest('continue', { threadId: second.frame.threadId });
    const result = await invoked;
    assert.ok(result?.payload, 'debugInvoke returns the invocation');
    const payload = JSON.parse(result.payload) as Record<string, unknown>;
    assert.match(String(payload.message), / again$/);
    assert.strictEqual(payload.invocations, 2, 'the warm environment answered');
    assert.deepStrictEqual(
      engine.workbench
        .environments()
        .filter((e) => e.functionName === 'Hello')
        .map((e) => e.id),
      [environmentId],
    );

    await vscode.debug.stopDebugging(lambda);
    await eventually('the lambda session ended', () => !debug.sessions.sessions().includes(lambda), 30_000);
    await eventually(`the environment's process ${env.pid} exited`, () => !alive(env.pid!), 15_000);
    assert.ok(!engine.workbench.environments().some((e) => e.id === environmentId), 'the environment is gone from the engine');
    assert.strictEqual(engine.workbench.isDebugging('Hello'), false, 'Hello is out of debug mode');
    assert.ok(host.engines().includes(engine), "the host's engine stays open");
    await eventually(
      'the child session ended',
      () => recorder.messages.some((r) => r.session.id === child.id && r.message.type === 'event' && (r.message as DebugProtocol.Event).event === 'terminated'),
      15_000,
    );
  });

  it('stops at a breakpoint in a TypeScript source (bundled, source-mapped) at the right line', async () => {
    const ts = workspaceFile('ts-hello', 'src', 'handler.ts');
    vscode.debug.addBreakpoints([breakpoint(ts, 11)]); // const message = `${prefix}, ${name}`;
    const from = recorder.mark();
    const name = 'Debug TsHello (extension test)';
    assert.ok(
      await vscode.debug.startDebugging(folder, { type: 'lambda', request: 'launch', name, function: 'TsHello', event: '{"name":"typescript"}' }),
      'startDebugging',
    );
    const lambda = await lambdaSession(name);
    assert.strictEqual(lambda.configuration.template, engine.templateFile, 'a missing template is filled with the engine declaring the function');
    const stop = await stoppedAt(lambda, from, ts, 11);
    assert.strictEqual(await evaluate(stop.session, stop.frame.id, 'name'), "'typescript'");
    await stop.session.customRequest('continue', { threadId: stop.frame.threadId });
    assert.deepStrictEqual(await responseOf(lambda, 'TsHello', from), { message: 'Hello from TypeScript, typescript', typed: true });
  });

  it('offers one dynamic configuration per function and starts one; detaching its js-debug child reports childEnded', async () => {
    const { debug } = await activateExtension();
    const configs = await debug.dynamicConfigurations.provideDebugConfigurations!(folder);
    assert.deepStrictEqual(
      configs?.map((c) => [c.name, c.request, c.function, c.template]),
      ['Hello', 'Greet', 'Worker', 'TsHello'].map((fn) => [`Debug ${fn}`, 'launch', fn, engine.templateFile]),
    );
    const greet = configs!.find((c) => c.function === 'Greet')!;
    const from = recorder.mark();
    assert.ok(await vscode.debug.startDebugging(folder, greet), 'startDebugging');
    const lambda = await lambdaSession('Debug Greet');
    const response = await responseOf(lambda, 'Greet', from);
    assert.strictEqual(response.greeting, 'Hi there');
    const { session: child } = await recorder.next(
      "the environment's child session under the Greet session",
      from,
      (r) => r.session.id !== lambda.id && ancestry(r.session).includes(lambda) && typeof r.session.configuration.__lambdaEnvironmentId === 'string',
    );
    const environmentId = child.configuration.__lambdaEnvironmentId as string;
    // Detaching the child alone (the toolbar's Disconnect: stopDebugging would send terminateDebuggee,
    // and js-debug kills an attached process then): the extension tells the adapter (childEnded),
    // which restores the timeout; the session and the environment go on.
    const detached = recorder.mark();
    await child.customRequest('disconnect', { restart: false, terminateDebuggee: false });
    await eventually('the adapter acknowledging childEnded', () => recorder.outputOf(lambda, detached).includes(`${environmentId}: debugger detached`), 30_000);
    assert.ok(debug.sessions.sessions().includes(lambda), 'the lambda session goes on');
    assert.ok(
      engine.workbench.environments().some((e) => e.id === environmentId),
      'the environment stays',
    );
  });

  it('debugFunction on a Functions view node starts a lambda session for that function', async () => {
    const node = await functionsNode('Greet');
    const from = recorder.mark();
    const session = await run<vscode.DebugSession | undefined>('lambdaWorkbench.debugFunction', node);
    assert.ok(session, 'debugFunction returns the session');
    assert.strictEqual(session.type, 'lambda');
    assert.strictEqual(session.configuration.function, 'Greet');
    assert.strictEqual(session.configuration.template, engine.templateFile);
    await responseOf(session, 'Greet', from);
  });

  it('resolves configurations: a missing template is filled, an unknown function is refused', async () => {
    const { debug } = await activateExtension();
    const resolved = await debug.configurations.resolveDebugConfiguration!(folder, { type: 'lambda', request: 'launch', name: 'x', function: 'Hello' });
    assert.strictEqual(resolved?.template, engine.templateFile);
    assert.strictEqual(
      debug.configurations.resolveDebugConfigurationWithSubstitutedVariables!(folder, {
        type: 'lambda',
        request: 'launch',
        name: 'x',
        function: 'Nope',
        template: engine.templateFile,
      }),
      undefined,
    );
    const initial = await debug.configurations.provideDebugConfigurations!(folder);
    assert.deepStrictEqual(
      initial?.map((c) => c.template),
      Array(4).fill('${workspaceFolder}/template.yaml'),
    );
  });

  it("the template's Debug CodeLens (from the language server) debugs a built TypeScript function to its breakpoint", async () => {
    const ts = workspaceFile('ts-hello', 'src', 'handler.ts');
    vscode.debug.addBreakpoints([breakpoint(ts, 11)]); // const message = `${prefix}, ${name}`;
    const uri = vscode.Uri.file(engine.templateFile);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const text = (await vscode.workspace.openTextDocument(uri)).getText().split('\n');
    const lens = await eventually(
      'a Debug lens on TsHello',
      async () => {
        const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
        return lenses.find((l) => l.command?.title === 'Debug' && text[l.range.start.line].trim() === 'TsHello:');
      },
      30_000,
    );
    const from = recorder.mark();
    const session = await vscode.commands.executeCommand<vscode.DebugSession | undefined>(lens.command!.command, ...(lens.command!.arguments ?? []));
    assert.ok(session, 'the lens returns the session');
    assert.strictEqual(session.type, 'lambda');
    assert.strictEqual(session.configuration.function, 'TsHello');
    assert.strictEqual(session.configuration.template, engine.templateFile);
    // The lens's session runs the esbuild-built artefact; the breakpoint set in the .ts binds through its source map.
    const stop = await stoppedAt(session, from, ts, 11);
    await stop.session.customRequest('continue', { threadId: stop.frame.threadId });
    assert.strictEqual((await responseOf(session, 'TsHello', from)).typed, true);
  });
});
