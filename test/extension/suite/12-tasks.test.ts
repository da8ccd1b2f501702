// The `lambda-workbench` task type in a real extension host: the provided `serve` task of the
// fixture's template, a tasks.json entry resolved by the provider and run with vscode.tasks (its
// serve answers the Lambda API beside the extension's own engine on the same template), and the
// same entry as a launch configuration's preLaunchTask — VS Code starts the debug session only once
// the problem matcher's endsPattern has seen serve's "listening" line.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { alive } from './dapRecorder';
import { EXTENSION_ID, eventually, fixtureEngine } from './helpers';

const TYPE = 'lambda-workbench';
/** A tasks.json entry of the fixture: serve on a free port (3001 may be taken on the test machine). */
const LABEL = 'serve on a free port (extension test)';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Resolves with the first event that `accept`s, or rejects after `ms`. */
function nextEvent<T>(what: string, event: vscode.Event<T>, accept: (e: T) => boolean, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const listener = event((e) => {
      if (!accept(e)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(e);
    });
  });
}

describe('serve task', function () {
  this.timeout(120_000);
  let folder: vscode.WorkspaceFolder;
  let templateFile: string;
  const tasksJson = () => path.join(folder.uri.fsPath, '.vscode', 'tasks.json');
  const discoveryFile = () => path.join(folder.uri.fsPath, '.lambda-workbench', 'serve.json');
  const ours = (task: vscode.Task) => task.definition.type === TYPE && task.name === LABEL;

  before(async () => {
    const { engine } = await fixtureEngine();
    folder = engine.folder;
    templateFile = engine.templateFile;
    fs.mkdirSync(path.dirname(tasksJson()), { recursive: true });
    fs.writeFileSync(
      tasksJson(),
      JSON.stringify({ version: '2.0.0', tasks: [{ type: TYPE, command: 'serve', template: 'template.yaml', port: 0, label: LABEL }] }, null, 2),
    );
  });

  afterEach(async () => {
    // Nothing of ours left running, whatever failed.
    for (const execution of vscode.tasks.taskExecutions.filter((e) => e.task.definition.type === TYPE)) execution.terminate();
    await eventually('no lambda-workbench task running', () => !vscode.tasks.taskExecutions.some((e) => e.task.definition.type === TYPE), 30_000);
  });

  after(() => {
    fs.rmSync(path.dirname(tasksJson()), { recursive: true, force: true });
  });

  /** The tasks.json entry as VS Code fetches it (resolved by the extension's provider). */
  async function configuredTask(): Promise<vscode.Task> {
    return eventually('the tasks.json serve task', async () => (await vscode.tasks.fetchTasks({ type: TYPE })).find(ours), 30_000);
  }

  /** serve.json written by the serve of this process id (it carries its pid). */
  async function discoveryOf(pid: number): Promise<{ url: string; pid: number }> {
    return eventually(
      `.lambda-workbench/serve.json of pid ${pid}`,
      () => {
        const found = JSON.parse(fs.readFileSync(discoveryFile(), 'utf8')) as { url: string; pid: number };
        return found.pid === pid ? found : undefined;
      },
      30_000,
    );
  }

  async function assertServes(url: string): Promise<void> {
    const list = await get(`${url}/2015-03-31/functions/`);
    assert.strictEqual(list.status, 200, list.body);
    const names = (JSON.parse(list.body) as { Functions: { FunctionName: string }[] }).Functions.map((f) => f.FunctionName);
    assert.ok(names.includes('Hello') && names.includes('Greet'), `the fixture's functions are listed: ${names.join(', ')}`);
  }

  it("provides a background serve task for the fixture's template, running the bundled CLI with the extension host's node", async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: TYPE });
    const task = tasks.find((t) => t.source === 'lambda-workbench' && t.name === 'serve');
    assert.ok(task, `a provided "serve" task; got ${tasks.map((t) => `${t.source}: ${t.name}`).join(', ')}`);
    assert.deepStrictEqual(task.definition, { type: TYPE, command: 'serve', template: path.basename(templateFile) });
    assert.strictEqual((task.scope as vscode.WorkspaceFolder).uri.toString(), folder.uri.toString());
    assert.strictEqual(task.isBackground, true);
    assert.deepStrictEqual(task.problemMatchers, ['$lambda-workbench-serve']);
    const execution = task.execution as vscode.ProcessExecution;
    assert.strictEqual(execution.process, process.execPath, 'the Node (or Electron) running the extension host');
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    assert.deepStrictEqual(execution.args.slice(0, 4), [path.join(extensionPath, 'dist', 'cli.js'), 'serve', '-t', 'template.yaml']);
    assert.strictEqual(execution.options?.env?.ELECTRON_RUN_AS_NODE, '1');
    assert.strictEqual(execution.options?.cwd, folder.uri.fsPath);
  });

  it("runs a tasks.json serve task: its API answers beside the extension's engine, and terminating it ends the process", async () => {
    const task = await configuredTask();
    const args = (task.execution as vscode.ProcessExecution).args;
    assert.deepStrictEqual(args.slice(1, 6), ['serve', '-t', 'template.yaml', '--port', '0'], 'resolved by the provider from the definition');

    const started = nextEvent('the task process to start', vscode.tasks.onDidStartTaskProcess, (e) => ours(e.execution.task), 30_000);
    const execution = await vscode.tasks.executeTask(task);
    const { processId } = await started;
    assert.ok(processId > 0);
    const discovery = await discoveryOf(processId);
    await assertServes(discovery.url);

    // Two engines on one template: the task's serve and the extension's own both invoke.
    const served = await post(`${discovery.url}/2015-03-31/functions/Hello/invocations`, '{"name":"task"}');
    assert.strictEqual(served.status, 200, served.body);
    // The greeting itself is whatever 5-versions left in the code: the event's name ends it.
    assert.match((JSON.parse(served.body) as { message: string }).message, / task$/);
    const { engine } = await fixtureEngine();
    const own = await engine.workbench.invoke('Hello', '{"name":"extension"}');
    assert.match(JSON.parse(own.payload.toString('utf8')).message, / extension$/);

    const ended = nextEvent('the task process to end', vscode.tasks.onDidEndTaskProcess, (e) => e.execution === execution || ours(e.execution.task), 30_000);
    execution.terminate();
    await ended;
    await eventually(`serve (pid ${processId}) gone`, () => !alive(processId), 15_000);
  });

  it('is a preLaunchTask: the debug session starts once serve listens', async () => {
    const started = nextEvent('the task process to start', vscode.tasks.onDidStartTaskProcess, (e) => ours(e.execution.task), 30_000);
    const debugStarted = nextEvent('the debug session', vscode.debug.onDidStartDebugSession, (s) => s.name === 'after serve', 60_000);
    const launched = vscode.debug.startDebugging(folder, {
      type: 'node',
      request: 'launch',
      name: 'after serve',
      program: path.join(folder.uri.fsPath, 'hello', 'index.js'),
      preLaunchTask: LABEL,
    });
    const { processId } = await started;
    // VS Code waits for the background task to go inactive (endsPattern) before it starts the session.
    const session = await debugStarted;
    assert.strictEqual(await launched, true, 'startDebugging succeeded');
    // serve writes serve.json before its "listening" line: there by now.
    const discovery = await eventually(
      'serve.json of the preLaunchTask',
      () => {
        const found = JSON.parse(fs.readFileSync(discoveryFile(), 'utf8')) as { url: string; pid: number };
        return found.pid === processId ? found : undefined;
      },
      5_000,
    );
    await assertServes(discovery.url);
    await vscode.debug.stopDebugging(session).then(undefined, () => undefined);
    const execution = vscode.tasks.taskExecutions.find((e) => ours(e.task));
    assert.ok(execution, 'the task still runs after the session started');
    const ended = nextEvent('the task process to end', vscode.tasks.onDidEndTaskProcess, (e) => ours(e.execution.task), 30_000);
    execution.terminate();
    await ended;
    await eventually(`serve (pid ${processId}) gone`, () => !alive(processId), 15_000);
  });
});
