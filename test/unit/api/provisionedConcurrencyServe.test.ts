import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildIfStale } from '../helpers/build';
import { httpRequest } from '../helpers/http';
import { samTemplate, writeProject } from '../helpers/project';
import { exitWithin, listening, startServe, stopServe, type ServeProcess } from '../helpers/serveProcess';

// A large provisioned concurrency put on a running `serve`: environments come up a few at a time,
// other functions keep answering, and SIGTERM still stops serve promptly, leaving no runtime behind.

/** Processes whose working directory is inside `dir` (the function runtimes of the project). */
function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) pids.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

describe('provisioned concurrency on a running serve', function () {
  this.timeout(60000);
  let serve: ServeProcess | undefined;

  before(() => buildIfStale());
  afterEach(async () => {
    if (serve) await stopServe(serve, 3000);
    serve = undefined;
  });

  it('a hand-written settings.json asking for 100000 never prevents start-up: serve warns, clamps to what the account leaves, and serves', async () => {
    const dir = fs.realpathSync(
      writeProject({
        // Big reserves 895 of the account's 1000: 5 are left for provisioned concurrency beside the 100 kept unreserved.
        'template.yaml': samTemplate({
          Pc: { handler: 'app.handler', props: 'AutoPublishAlias: live' },
          Big: { handler: 'app.handler', props: 'ReservedConcurrentExecutions: 895' },
        }),
        'src/app.js': `exports.handler = async () => ({ type: process.env.AWS_LAMBDA_INITIALIZATION_TYPE });`,
        '.lambda-workbench/functions/Pc/settings.json': JSON.stringify({
          provisionedConcurrency: { live: { count: 100000, lastModified: '2026-01-01T00:00:00.000+0000' } },
        }),
      }),
    );
    serve = startServe(['--template', dir, '--port', '0']);
    const url = await listening(serve, 20000);
    assert.match(
      serve.stderr(),
      /WARNING the provisioned concurrency of Pc:live \(\.lambda-workbench\/functions\/Pc\/settings\.json\) asks for 100000 provisioned environments, more than Lambda allows \(.*greater than account's unreserved concurrency.*\): 5 are provisioned/,
    );
    assert.equal(processesIn(dir).length, 5, 'five provisioned environments');
    const invoke = await httpRequest('POST', `${url}/2015-03-31/functions/Pc/invocations?Qualifier=live`, '{}');
    assert.equal(invoke.status, 200, invoke.body);
    assert.deepEqual(JSON.parse(invoke.body), { type: 'provisioned-concurrency' });
    assert.ok(fs.existsSync(path.join(dir, '.lambda-workbench', 'functions', 'Pc', 'settings.json')));
    // GetProvisionedConcurrencyConfig says what happened: FAILED, with the reason, not IN_PROGRESS for ever.
    const config = JSON.parse((await httpRequest('GET', `${url}/2019-09-30/functions/Pc/provisioned-concurrency?Qualifier=live`)).body);
    assert.equal(config.Status, 'FAILED');
    assert.equal(config.RequestedProvisionedConcurrentExecutions, 100000);
    assert.equal(config.AvailableProvisionedConcurrentExecutions, 5);
    assert.match(config.StatusReason, /greater than account's unreserved concurrency.*: 5 of 100000 are provisioned/);
  });

  it('SIGTERM while 800 provisioned environments are being initialised: serve exits within a few seconds, no runtime left', async () => {
    const dir = fs.realpathSync(
      writeProject({
        'template.yaml': samTemplate({ Pc: { handler: 'app.handler', props: 'AutoPublishAlias: live' }, Other: { handler: 'app.handler' } }),
        // A slow INIT, so that many are under way when SIGTERM comes.
        'src/app.js': `const until = Date.now() + 300; while (Date.now() < until); exports.handler = async () => ({ pid: process.pid });`,
      }),
    );
    serve = startServe(['--template', dir, '--port', '0']);
    const url = await listening(serve);
    const put = await httpRequest(
      'PUT',
      `${url}/2019-09-30/functions/Pc/provisioned-concurrency?Qualifier=live`,
      JSON.stringify({ ProvisionedConcurrentExecutions: 800 }),
      { 'content-type': 'application/json' },
    );
    assert.equal(put.status, 202, put.body);
    // Other functions are still served while provisioning goes on.
    const started = Date.now();
    const other = await httpRequest('POST', `${url}/2015-03-31/functions/Other/invocations`, '{}');
    assert.equal(other.status, 200, other.body);
    assert.ok(Date.now() - started < 5000, `Other answered in ${Date.now() - started} ms`);
    await new Promise((r) => setTimeout(r, 1000));
    const running = processesIn(dir).length;
    assert.ok(running >= 2 && running <= 40, `${running} runtimes after 1 s (a few INITs at a time, not 800 at once)`);
    serve.child.kill('SIGTERM');
    const sent = Date.now();
    await exitWithin(serve, 6000);
    assert.ok(Date.now() - sent < 6000);
    serve = undefined;
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(processesIn(dir), [], 'every environment was shut down');
  });
});
