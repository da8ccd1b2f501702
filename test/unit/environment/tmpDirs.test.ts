import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildIfStale } from '../helpers/build';
import { httpRequest } from '../helpers/http';
import { json, openProject, samTemplate, writeProject } from '../helpers/project';
import { listening, startServe, stopServe, type ServeProcess } from '../helpers/serveProcess';

// Each environment has its own TMPDIR, removed when it ends. A host killed with SIGKILL cannot remove
// them: the next engine to open removes the folders of host processes that are gone — and never a
// live engine's.

function startTime(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** A process that has ended, with the start time it had. */
async function deadProcess(): Promise<{ pid: number; start: string }> {
  const child = spawn('sleep', ['0.2']);
  const start = startTime(child.pid!);
  await new Promise((r) => child.once('exit', r));
  return { pid: child.pid!, start };
}

function leftover(root: string, host: string, env = 'env-0123abcd-Xy12Z9'): string {
  const dir = path.join(root, host, env);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'scratch.bin'), 'x');
  return path.join(root, host);
}

describe("per-environment TMPDIRs: a killed engine's are removed at the next start, a live engine's kept", function () {
  this.timeout(40000);
  let root: string;
  const children: Array<{ kill: () => void }> = [];
  let serve: ServeProcess | undefined;
  beforeEach(() => {
    root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-tmproot-')), 'lambda-workbench');
  });
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill();
    if (serve) await stopServe(serve);
    serve = undefined;
    fs.rmSync(path.dirname(root), { recursive: true, force: true });
  });

  it("removes dead hosts' folders (and day-old ones of the flat layout) when an engine opens", async () => {
    const dead = await deadProcess();
    const live = spawn('sleep', ['30']);
    children.push(live);
    const deadDir = leftover(root, `${dead.pid}-${dead.start}`);
    const reusedPid = leftover(root, `${process.pid}-1`); // this pid, but another process's start time
    const liveDir = leftover(root, `${live.pid}-${startTime(live.pid!)}`);
    const oldFlat = path.join(root, 'env-89abcdef-Qw3rTy');
    const newFlat = path.join(root, 'env-89abcdef-AbCdEf');
    const unrelated = path.join(root, 'notes');
    for (const d of [oldFlat, newFlat, unrelated]) fs.mkdirSync(d, { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    fs.utimesSync(oldFlat, twoDaysAgo, twoDaysAgo);

    const dir = writeProject({
      'template.yaml': samTemplate({ Tmp: { handler: 'index.handler' } }),
      'src/index.js': 'exports.handler = async () => process.env.TMPDIR;',
    });
    const workbench = await openProject(dir, { tmpRoot: root });
    try {
      for (const gone of [deadDir, reusedPid, oldFlat]) assert.equal(fs.existsSync(gone), false, `${gone} is still there`);
      for (const kept of [liveDir, newFlat, unrelated]) assert.equal(fs.existsSync(kept), true, `${kept} was removed`);
      assert.ok(fs.existsSync(path.join(liveDir, 'env-0123abcd-Xy12Z9', 'scratch.bin')), "a live engine's files are untouched");
      // This engine's environments are in this process's folder.
      const tmp = json((await workbench.invoke('Tmp', '{}')).payload) as string;
      assert.equal(path.dirname(path.dirname(tmp)), root);
      assert.match(path.basename(path.dirname(tmp)), new RegExp(`^${process.pid}-\\d+$`));
    } finally {
      await workbench.close();
    }
    assert.deepEqual(fs.readdirSync(root).sort(), [path.basename(liveDir), 'env-89abcdef-AbCdEf', 'notes'].sort(), 'closing leaves nothing of its own');
  });

  it('after serve is killed with SIGKILL, its TMPDIRs are gone once the next engine opens', async () => {
    buildIfStale();
    const dir = writeProject({
      'template.yaml': samTemplate({ Tmp: { handler: 'index.handler' } }),
      'src/index.js': 'exports.handler = async () => process.env.TMPDIR;',
    });
    serve = startServe(['--port', '0', '-t', path.join(dir, 'template.yaml')], { env: { TMPDIR: path.dirname(root) } });
    const url = await listening(serve);
    const response = await httpRequest('POST', `${url}/2015-03-31/functions/Tmp/invocations`, '{}');
    assert.equal(response.status, 200, response.body);
    const tmp = JSON.parse(response.body) as string;
    assert.equal(path.dirname(path.dirname(tmp)), root);
    serve.child.kill('SIGKILL');
    await serve.exited;
    assert.ok(fs.existsSync(tmp), 'a SIGKILLed serve leaves its TMPDIR');
    const workbench = await openProject(dir, { tmpRoot: root });
    await workbench.close();
    assert.equal(fs.existsSync(path.dirname(tmp)), false, `${tmp} is still there`);
  });
});
