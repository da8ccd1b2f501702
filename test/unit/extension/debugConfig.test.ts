import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import {
  checkConfiguration,
  childDebugType,
  missingChildDebugger,
  debugFunctionArgs,
  dynamicConfigurations,
  eventFromPayload,
  initialConfigurations,
  invokeAgainArgs,
  launchConfiguration,
  resolveConfiguration,
  templateReference,
  type TemplateFunctions,
} from '../../../src/extension/debug/debugConfig';

// The `lambda` debug configurations: built from templates, resolved and checked as the extension's
// providers do before VS Code starts the adapter.

const root = path.resolve('/ws');
const app: TemplateFunctions = {
  templateFile: path.join(root, 'app', 'template.yaml'),
  folderPath: path.join(root, 'app'),
  label: 'app',
  functions: [
    { logicalId: 'Hello', functionName: 'Hello' },
    { logicalId: 'Orders', functionName: 'orders-fn' },
  ],
};
const api: TemplateFunctions = {
  templateFile: path.join(root, 'api', 'infra', 'sam.yaml'),
  folderPath: path.join(root, 'api'),
  label: 'api/infra/sam.yaml',
  functions: [
    { logicalId: 'Hello', functionName: 'api-hello' },
    { logicalId: 'Users', functionName: 'Users' },
  ],
};

describe('lambda debug configurations', () => {
  it('refers to a template inside its folder through ${workspaceFolder}', () => {
    assert.equal(templateReference(app.templateFile, app.folderPath), '${workspaceFolder}/template.yaml');
    assert.equal(templateReference(api.templateFile, api.folderPath), '${workspaceFolder}/infra/sam.yaml');
    assert.equal(templateReference(app.templateFile, api.folderPath), app.templateFile);
  });

  it('builds a launch configuration for a function (qualifier, event, label)', () => {
    assert.deepEqual(launchConfiguration(app, 'Hello'), {
      type: 'lambda',
      request: 'launch',
      name: 'Debug Hello',
      template: app.templateFile,
      function: 'Hello',
      event: {},
    });
    assert.deepEqual(launchConfiguration(app, 'Orders', { qualifier: 'prod', event: 's3/put', withLabel: true, portable: true }), {
      type: 'lambda',
      request: 'launch',
      name: 'Debug Orders:prod (app)',
      template: '${workspaceFolder}/template.yaml',
      function: 'Orders',
      qualifier: 'prod',
      event: 's3/put',
    });
    assert.equal(launchConfiguration(app, 'Hello', { qualifier: '$LATEST' }).name, 'Debug Hello');
  });

  it('offers one initial (portable) and one dynamic (absolute) configuration per function', () => {
    assert.deepEqual(
      initialConfigurations([app]).map((c) => [c.name, c.template, c.function]),
      [
        ['Debug Hello', '${workspaceFolder}/template.yaml', 'Hello'],
        ['Debug Orders', '${workspaceFolder}/template.yaml', 'Orders'],
      ],
    );
    assert.deepEqual(
      dynamicConfigurations([app, api]).map((c) => [c.name, c.template]),
      [
        ['Debug Hello (app)', app.templateFile],
        ['Debug Orders (app)', app.templateFile],
        ['Debug Hello (api/infra/sam.yaml)', api.templateFile],
        ['Debug Users (api/infra/sam.yaml)', api.templateFile],
      ],
    );
    assert.deepEqual(initialConfigurations([]), []);
  });

  it("hands the adapter's child configurations (started as `lambda` by VS Code) to their own debugger", () => {
    // VS Code gives a startDebugging child the parent's type; the resolver gives it back its own.
    const node = { type: 'lambda', request: 'attach', name: 'Hello env-1', port: 9229, address: '127.0.0.1', __lambdaEnvironmentId: 'env-1' };
    assert.equal(childDebugType(node), 'pwa-node');
    assert.equal(
      childDebugType({ type: 'lambda', request: 'attach', name: 'P env-2', connect: { host: '127.0.0.1', port: 5678 }, __lambdaEnvironmentId: 'env-2' }),
      'debugpy',
    );
    assert.equal(childDebugType({ ...node, __lambdaChildType: 'node' }), 'node');
    assert.equal(
      childDebugType({
        type: 'lambda',
        request: 'attach',
        name: 'R env-3',
        debugPort: '127.0.0.1:4711',
        __lambdaEnvironmentId: 'env-3',
        __lambdaChildType: 'rdbg',
      }),
      'rdbg',
    );
    assert.equal(childDebugType({ type: 'lambda', request: 'attach', name: 'J env-4', __lambdaEnvironmentId: 'env-4', __lambdaChildType: 'java' }), 'java');
    assert.equal(childDebugType({ ...node, __lambdaChildType: 'lambda' }), 'pwa-node');
    assert.equal(childDebugType({ type: 'lambda', request: 'launch', name: 'n', function: 'Hello' }), undefined);
    assert.deepEqual(resolveConfiguration(node, [app]), { kind: 'config', config: { ...node, type: 'pwa-node' } });
  });

  it('names the extension to install when a child needs a debugger nobody contributes (debugpy, rdbg, java); js-debug is built in', () => {
    const none = new Set<string>(['pwa-node', 'node']);
    assert.deepEqual(missingChildDebugger('rdbg', none), {
      extensionId: 'KoichiSasada.vscode-rdbg',
      message:
        "Debugging Ruby functions needs the 'rdbg' debugger of the KoichiSasada.vscode-rdbg extension, which is not installed. Install it, then debug again.",
    });
    assert.equal(missingChildDebugger('debugpy', none)?.extensionId, 'ms-python.debugpy');
    assert.deepEqual(missingChildDebugger('java', none), {
      extensionId: 'vscjava.vscode-java-debug',
      message:
        "Debugging Java functions needs the 'java' debugger of the vscjava.vscode-java-debug extension, which is not installed. Install it, then debug again.",
    });
    assert.equal(missingChildDebugger('java', new Set(['java'])), undefined);
    assert.equal(missingChildDebugger('rdbg', new Set(['rdbg'])), undefined);
    assert.equal(missingChildDebugger('pwa-node', new Set()), undefined, 'js-debug ships with VS Code');
  });

  it('asks for a pick when F5 hands over an empty configuration, and says when there is no template', () => {
    assert.deepEqual(resolveConfiguration({}, [app]), { kind: 'pick', templates: [app] });
    const none = resolveConfiguration({}, []);
    assert.equal(none.kind, 'error');
    assert.match((none as { message: string }).message, /No SAM template/);
  });

  it('fills a missing template with the one declaring the function, preferring the folder', () => {
    const byName = resolveConfiguration({ type: 'lambda', request: 'launch', name: 'n', function: 'orders-fn' }, [app, api]);
    assert.deepEqual(byName, { kind: 'config', config: { type: 'lambda', request: 'launch', name: 'n', function: 'orders-fn', template: app.templateFile } });
    const inFolder = resolveConfiguration({ type: 'lambda', request: 'launch', name: 'n', function: 'Hello' }, [app, api], api.folderPath);
    assert.equal(inFolder.kind === 'config' && inFolder.config.template, api.templateFile);
    const ambiguous = resolveConfiguration({ type: 'lambda', request: 'launch', name: 'n', function: 'Hello' }, [app, api]);
    assert.equal(ambiguous.kind, 'error');
    assert.match((ambiguous as { message: string }).message, /several templates \(app, api\/infra\/sam\.yaml\); set "template"/);
    const several = resolveConfiguration({ type: 'lambda', request: 'launch', name: 'n', function: ['Hello', 'Users'] }, [app, api]);
    assert.equal(several.kind === 'config' && several.config.template, api.templateFile);
  });

  it('keeps a given template (variables are substituted later) and defaults request and name', () => {
    const given = resolveConfiguration({ type: 'lambda', function: 'X', template: '${workspaceFolder}/other.yaml' }, [app]);
    assert.deepEqual(given, {
      kind: 'config',
      config: { type: 'lambda', request: 'launch', name: 'Lambda', function: 'X', template: '${workspaceFolder}/other.yaml' },
    });
  });

  it('refuses configurations without a function, unknown functions and bad requests, saying what exists', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ type: 'lambda', request: 'launch', name: 'n' }, /"n" needs a "function"/],
      [{ type: 'lambda', request: 'launch', name: 'n', function: [] }, /needs a "function"/],
      [{ type: 'lambda', request: 'launch', name: 'n', function: 'Nope' }, /no function Nope in app \(it has Hello, Orders\)/],
      [{ type: 'lambda', request: 'debug', name: 'n', function: 'Hello' }, /Unknown request "debug"/],
      [{ type: 'lambda', request: 'attach', name: 'n', function: ['Hello', 'Orders'] }, /attach takes one function/],
    ];
    for (const [config, message] of cases) {
      const r = resolveConfiguration(config, [app]);
      assert.equal(r.kind, 'error', JSON.stringify(config));
      assert.match((r as { message: string }).message, message);
    }
  });

  it('checks substituted configurations: the template exists, the engine has the functions, attach needs an engine', () => {
    const exists = (f: string) => f === app.templateFile || f === path.join(root, 'solo.yaml');
    const ok = checkConfiguration(
      { type: 'lambda', request: 'launch', name: 'n', function: 'Orders', template: 'template.yaml' },
      [app],
      app.folderPath,
      exists,
    );
    assert.deepEqual(ok, { kind: 'config', config: { type: 'lambda', request: 'launch', name: 'n', function: 'Orders', template: app.templateFile } });
    const missing = checkConfiguration(
      { type: 'lambda', request: 'launch', name: 'n', function: 'Orders', template: 'nope.yaml' },
      [app],
      app.folderPath,
      exists,
    );
    assert.match((missing as { message: string }).message, /the template .*nope\.yaml does not exist/);
    const unknown = checkConfiguration(
      { type: 'lambda', request: 'launch', name: 'n', function: ['Hello', 'Gone'], template: app.templateFile },
      [app],
      undefined,
      exists,
    );
    assert.match((unknown as { message: string }).message, /no function Gone in app/);
    // No engine for the template: launch lets the adapter open its own; attach cannot.
    const own = checkConfiguration(
      { type: 'lambda', request: 'launch', name: 'n', function: 'Any', template: path.join(root, 'solo.yaml') },
      [app],
      undefined,
      exists,
    );
    assert.equal(own.kind, 'config');
    const attach = checkConfiguration(
      { type: 'lambda', request: 'attach', name: 'n', function: 'Any', template: path.join(root, 'solo.yaml') },
      [app],
      undefined,
      exists,
    );
    assert.match((attach as { message: string }).message, /attach needs the template's engine/);
    assert.match(
      (checkConfiguration({ type: 'lambda', request: 'launch', name: 'n', function: 'x' }, [app], undefined, exists) as { message: string }).message,
      /needs a "template"/,
    );
  });

  it('reads debugFunction arguments and remembered payloads', () => {
    assert.deepEqual(debugFunctionArgs({ template: 't.yaml', function: 'Hello', qualifier: '2', event: { a: 1 } }), {
      template: 't.yaml',
      function: 'Hello',
      qualifier: '2',
      event: { a: 1 },
    });
    assert.deepEqual(debugFunctionArgs({ function: 'Hello', qualifier: 3 }), { function: 'Hello' });
    assert.equal(debugFunctionArgs({ functionName: 'Hello' }), undefined);
    assert.equal(debugFunctionArgs('Hello'), undefined);
    assert.deepEqual(eventFromPayload('{"a":1}'), { a: 1 });
    assert.deepEqual(eventFromPayload('[1]'), [1]);
    assert.deepEqual(eventFromPayload('"text"'), {});
    assert.deepEqual(eventFromPayload('not json'), {});
    assert.deepEqual(eventFromPayload(undefined), {});
  });

  it("invokes again with the session's event unless given another, taking only known keys", () => {
    assert.deepEqual(invokeAgainArgs(undefined, { a: 1 }), { event: { a: 1 } });
    assert.deepEqual(invokeAgainArgs({ sessionId: 'x' }, 's3/put'), { event: 's3/put' });
    assert.deepEqual(invokeAgainArgs({ event: { b: 2 }, qualifier: 'prod', invocationType: 'Event', function: 'Orders' }, { a: 1 }), {
      event: { b: 2 },
      qualifier: 'prod',
      invocationType: 'Event',
      function: 'Orders',
    });
    assert.deepEqual(invokeAgainArgs({ invocationType: 'DryRun' }, undefined), {});
    assert.deepEqual(invokeAgainArgs([{ event: 1 }], undefined), {});
  });
});
