import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Workbench } from '../../../src/core/workbench';
import { json, openProject, samTemplate, writeProject } from '../helpers/project';

// A handler that ends without answering — a promise that never settles, a callback handler that
// never calls back — once nothing is left in the event loop. The nodejs18.x–22.x runtimes (AWS's
// aws-lambda-nodejs-runtime-interface-client 3.x, Runtime._setDefaultExitListener) answer it from
// their beforeExit listener: a success with `null`, unless the handler is an `async function`, which
// fails with Runtime.NodeJsExit. The aws-lambda-ric installed here is 4.x (the nodejs24.x client):
// it has no such listener and refuses callback handlers at init, so its process just exits; the
// first test pins that, so that an upgrade that changes it is noticed.

const REPO = path.resolve(__dirname, '../../..');
const RIC_DIR = path.join(REPO, 'node_modules', 'aws-lambda-ric');

const CODE = `
  exports.never = () => new Promise(() => {});
  exports.neverAsync = async () => { await new Promise(() => {}); };
  exports.noCallback = (event, context, callback) => {};
  exports.noCallbackTimer = (event, context, callback) => { setTimeout(() => {}, 50); };
  exports.undef = async () => undefined;
  exports.cb = (event, context, callback) => { setTimeout(() => callback(null, { late: true }), 20); };
  exports.cbNoWait = (event, context, callback) => { context.callbackWaitsForEmptyEventLoop = false; callback(null, 'now'); };
`;

describe("a handler that finishes without answering (as AWS's Node runtime client 3.x)", function () {
  this.timeout(30000);
  let workbench: Workbench;

  before(async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(RIC_DIR, 'package.json'), 'utf8')) as { main?: string };
    const bootstrap = `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(RIC_DIR, pkg.main ?? 'index.mjs'))}\n`;
    const dir = writeProject({
      'template.yaml': samTemplate({
        RicNever: { handler: 'index.never', runtime: 'provided.al2023', props: 'Timeout: 5' },
        RicNeverAsync: { handler: 'index.neverAsync', runtime: 'provided.al2023', props: 'Timeout: 5' },
        Never: { handler: 'index.never', props: 'Timeout: 5' },
        NeverAsync: { handler: 'index.neverAsync', props: 'Timeout: 5' },
        NoCallback: { handler: 'index.noCallback', props: 'Timeout: 5' },
        NoCallbackTimer: { handler: 'index.noCallbackTimer', props: 'Timeout: 5' },
        Undef: { handler: 'index.undef' },
        Cb: { handler: 'index.cb' },
        CbNoWait: { handler: 'index.cbNoWait' },
      }),
      'src/bootstrap': bootstrap,
      'src/index.js': CODE,
    });
    fs.chmodSync(path.join(dir, 'src/bootstrap'), 0o755);
    workbench = await openProject(dir);
  });
  after(() => workbench?.close());

  async function outcome(fn: string) {
    const result = await workbench.invoke(fn, '{}');
    return { functionError: result.functionError, errorType: result.errorType, payload: result.payload.toString('utf8') };
  }

  it('a never-settling promise: null from a plain function, Runtime.NodeJsExit from an async one', async () => {
    assert.deepEqual(await outcome('Never'), { functionError: undefined, errorType: undefined, payload: 'null' });
    const asyncResult = await workbench.invoke('NeverAsync', '{}');
    assert.equal(asyncResult.functionError, 'Unhandled');
    assert.equal(asyncResult.errorType, 'Runtime.NodeJsExit');
    assert.match(
      json(asyncResult.payload).errorMessage,
      /^The Lambda runtime client detected an unexpected Node\.js exit code\. This is most commonly caused by a Promise that was never settled\./,
    );
    // The environment lives on and serves the next invocation.
    const again = await workbench.invoke('Never', '{}');
    assert.equal(again.coldStart, false);
    // aws-lambda-ric 4.x has no beforeExit listener: its process exits (status 0), which Lambda reports
    // without a status (AWS's recorded answer to a handler's exit(0): TestLambdaErrors::test_lambda_handler_exit).
    for (const fn of ['RicNever', 'RicNeverAsync']) {
      const ric = await outcome(fn);
      assert.equal(ric.errorType, 'Runtime.ExitError', `${fn}: ${ric.payload}`);
      assert.match(ric.payload, /Error: Runtime exited without providing a reason/);
    }
  });

  it('a callback handler that never calls back: success with null, and the environment serves the next invocation', async () => {
    const first = await workbench.invoke('NoCallback', '{}');
    assert.deepEqual({ functionError: first.functionError, payload: first.payload.toString() }, { functionError: undefined, payload: 'null' });
    const second = await workbench.invoke('NoCallback', '{}');
    assert.equal(second.coldStart, false);
    assert.equal(second.environmentId, first.environmentId);
    assert.equal(second.payload.toString(), 'null');
    assert.deepEqual(await outcome('NoCallbackTimer'), { functionError: undefined, errorType: undefined, payload: 'null' });
  });

  it('normal endings are unchanged: undefined → null, a late callback, callbackWaitsForEmptyEventLoop = false', async () => {
    assert.equal((await outcome('Undef')).payload, 'null');
    assert.equal((await outcome('Cb')).payload, '{"late":true}');
    assert.equal((await outcome('CbNoWait')).payload, '"now"');
    // Repeatedly, without piling up listeners in the runtime.
    for (let i = 0; i < 15; i++) assert.equal((await outcome('Cb')).payload, '{"late":true}');
  });
});
