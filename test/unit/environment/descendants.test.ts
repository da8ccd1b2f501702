import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { buildIfStale } from '../helpers/build';
import { httpRequest } from '../helpers/http';
import { isAlive, json, openProject, samTemplate, writeProject } from '../helpers/project';
import { listening, startServe, stopServe, type ServeProcess } from '../helpers/serveProcess';

// Lambda's sandbox ends every process of an environment. A handler's subprocess started with
// `detached: true` (its own process group and session) is outside the runtime's process group;
// it must still end with the environment: at SHUTDOWN (engine close, serve's SIGTERM) and reset.

const CODE = `
  const { spawn } = require('child_process');
  const detached = (args) => { const c = spawn(args[0], args.slice(1), { detached: true, stdio: 'ignore' }); c.unref(); return c.pid; };
  exports.spawn = async () => ({
    sleep: detached(['sleep', '97']),
    // A detached shell that keeps a child of its own: a grandchild two sessions away.
    shell: detached(['sh', '-c', 'sleep 96; echo done']),
  });
  exports.spawnAndHang = async () => { detached(['sleep', '95']); await new Promise(() => setInterval(() => {}, 1000)); };
`;

async function gone(pids: number[], ms = 5000): Promise<number[]> {
  const until = Date.now() + ms;
  while (pids.some(isAlive) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  return pids.filter(isAlive);
}

/** Pids of processes running `sleep <seconds>` (any parent), from /proc. */
function sleepers(seconds: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0');
      if (cmdline[0] === 'sleep' && cmdline[1] === seconds && isAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

describe("an environment's detached descendants end with it", function () {
  this.timeout(40000);
  const serves: ServeProcess[] = [];
  after(async () => {
    for (const s of serves) await stopServe(s);
  });

  function project(): string {
    return writeProject({
      'template.yaml': samTemplate({ Spawn: { handler: 'index.spawn' }, Hang: { handler: 'index.spawnAndHang', props: 'Timeout: 1' } }),
      'src/index.js': CODE,
    });
  }

  it("engine close (SHUTDOWN) ends a detached sleep and a detached shell's own child", async () => {
    const workbench = await openProject(project());
    let pids: number[] = [];
    try {
      const result = await workbench.invoke('Spawn', '{}');
      assert.equal(result.functionError, undefined, result.payload.toString());
      const { sleep, shell } = json(result.payload) as { sleep: number; shell: number };
      await new Promise((r) => setTimeout(r, 100)); // the shell starts its sleep
      pids = [sleep, shell, ...sleepers('96')];
      assert.ok(pids.length >= 3 && pids.every(isAlive), `the subprocesses run: ${pids}`);
    } finally {
      await workbench.close();
    }
    assert.deepEqual(await gone(pids), [], 'still running after the engine closed');
  });

  it('a reset (timeout) ends the detached subprocess of the timed-out environment', async () => {
    const before = new Set(sleepers('95'));
    const workbench = await openProject(project());
    try {
      const result = await workbench.invoke('Hang', '{}');
      assert.equal(result.errorType, 'Sandbox.Timedout');
      // The environment is reset after a timeout; its sleep goes with it.
      const until = Date.now() + 5000;
      while (sleepers('95').some((p) => !before.has(p)) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      assert.deepEqual(
        sleepers('95').filter((p) => !before.has(p)),
        [],
      );
    } finally {
      await workbench.close();
    }
  });

  it("serve's SIGTERM ends the detached subprocess", async () => {
    buildIfStale();
    const serve = startServe(['--port', '0', '-t', `${project()}/template.yaml`]);
    serves.push(serve);
    const url = await listening(serve);
    const response = await httpRequest('POST', `${url}/2015-03-31/functions/Spawn/invocations`, '{}');
    assert.equal(response.status, 200, response.body);
    const { sleep, shell } = JSON.parse(response.body) as { sleep: number; shell: number };
    assert.ok(isAlive(sleep) && isAlive(shell));
    await stopServe(serve);
    assert.deepEqual(await gone([sleep, shell]), [], `still running after serve ended; stderr: ${serve.stderr()}`);
  });
});
