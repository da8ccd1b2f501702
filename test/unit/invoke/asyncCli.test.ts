import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jsonLines, runCli, type CliRun } from '../helpers/build';
import { openProject, samTemplate, writeProject } from '../helpers/project';
import { HANDLERS, QUEUES, props, waitForRecords } from './asyncHelpers';

// `lambda-workbench destinations <Function>`: what a function's destinations received, read from
// the state directory (run from the sources with tsx, so it does not depend on a build).

function cli(args: string[]): Promise<CliRun> {
  return runCli(args, { fromSources: true, env: process.env });
}

describe('CLI: destinations', function () {
  this.timeout(60000);
  let dir: string;
  let ids: { ok: string; fails: string };

  before(async () => {
    dir = writeProject({ 'src/app.js': HANDLERS });
    fs.writeFileSync(
      path.join(dir, 'template.yaml'),
      samTemplate({
        Ok: {
          handler: 'app.ok',
          props: props(dir, 'EventInvokeConfig:\n  DestinationConfig:\n    OnSuccess:\n      Type: SQS\n      Destination: !GetAtt SuccessQueue.Arn'),
        },
        Fails: {
          handler: 'app.fail',
          props: props(dir, 'EventInvokeConfig:\n  MaximumRetryAttempts: 0\nDeadLetterQueue:\n  Type: SNS\n  TargetArn: !Ref FailureTopic'),
        },
      }) + QUEUES,
    );
    const workbench = await openProject(dir);
    try {
      ids = { ok: (await workbench.invokeAsync('Ok', '{"a":1}')).requestId, fails: (await workbench.invokeAsync('Fails', '{"b":2}')).requestId };
      await waitForRecords(workbench, 'Ok', 1);
      await waitForRecords(workbench, 'Fails', 1);
    } finally {
      await workbench.close();
    }
  });

  it('--json prints one JSON document per message', async () => {
    const r = await cli(['destinations', 'Ok', '-t', dir, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const lines = jsonLines(r.stdout);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].role, 'OnSuccess');
    assert.equal(lines[0].requestId, ids.ok);
    assert.equal(JSON.parse(lines[0].body).requestContext.condition, 'Success');
  });

  it("prints a readable list by default, with a dead-letter message's attributes", async () => {
    const r = await cli(['destinations', 'Fails', '-t', path.join(dir, 'template.yaml')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^DeadLetterQueue → arn:aws:sns:us-east-1:000000000000:failure-topic \(sns\): 1 message\(s\)$/m);
    assert.match(r.stdout, new RegExp(`request ${ids.fails}`));
    assert.match(r.stdout, new RegExp(`attributes: RequestID=${ids.fails}, ErrorCode=200, ErrorMessage=boom \\{"b":2\\}`));
    assert.match(r.stdout, /^ {4}\{"b":2\}$/m);
  });

  it('--help describes the command; an unknown function is a usage error; a store in use is reported', async () => {
    const help = await cli(['destinations', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: lambda-workbench destinations \[options\] <function>/);
    assert.match(help.stdout, /--json/);
    const unknown = await cli(['destinations', 'Nope', '-t', dir]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Function Nope is not in the template/);
    const holder = await openProject(dir);
    try {
      const locked = await cli(['destinations', 'Ok', '-t', dir]);
      assert.equal(locked.status, 1);
      assert.match(locked.stderr, /^ServiceException: The state directory .* is in use by another Lambda Workbench engine/m);
    } finally {
      await holder.close();
    }
  });
});
