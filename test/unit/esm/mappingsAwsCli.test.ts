import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertAwsCliV2, runLambda, type AwsRun } from '../helpers/awsCli';
import { buildIfStale, runCliSync, TEST_CREDENTIALS } from '../helpers/build';
import { startListening, stopServe, type ListeningServe } from '../helpers/serveProcess';
import { samResources, writeRecordingProject } from '../helpers/project';
import { readJsonLines } from '../helpers/wait';

// The event source mapping operations through the real AWS CLI v2 (/usr/bin/aws) against
// `lambda-workbench serve`; a mapping created this way polls at once.

describe('event source mappings through the AWS CLI v2 against lambda-workbench serve', function () {
  this.timeout(60000);
  let served: ListeningServe | undefined;
  let dir: string;
  let home: string;
  let out: string;

  before(async function () {
    assertAwsCliV2();
    buildIfStale();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-aws-home-'));
    ({ dir, file: out } = writeRecordingProject({
      handler: "exports.handler = async (e) => { require('fs').appendFileSync(process.env.OUT, JSON.stringify(e) + '\\n'); return {}; };",
      name: 'Reader',
      variable: 'OUT',
      file: 'handled.out',
      resources: samResources({ Inbox: 'AWS::SQS::Queue' }),
    }));
    served = await startListening(['-t', dir], { env: TEST_CREDENTIALS });
  });
  after(async () => {
    await stopServe(served);
  });

  function aws(args: string[]): Promise<AwsRun> {
    return runLambda(args, served!.url, home);
  }

  it('create-, get-, list-, update- and delete-event-source-mapping; the mapping polls once created', async () => {
    const queueArn = 'arn:aws:sqs:us-east-1:000000000000:Inbox';
    const created = await aws([
      'create-event-source-mapping',
      '--function-name',
      'Reader',
      '--event-source-arn',
      queueArn,
      '--batch-size',
      '5',
      '--filter-criteria',
      JSON.stringify({ Filters: [{ Pattern: JSON.stringify({ body: { kind: ['order'] } }) }] }),
    ]);
    assert.equal(created.status, 0, created.stderr);
    assert.equal(created.json.State, 'Creating');
    assert.equal(created.json.BatchSize, 5);
    const uuid = created.json.UUID;

    const got = await aws(['get-event-source-mapping', '--uuid', uuid]);
    assert.equal(got.json.State, 'Enabled');
    assert.equal(got.json.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:Reader');
    assert.deepEqual(got.json.FilterCriteria, { Filters: [{ Pattern: '{"body":{"kind":["order"]}}' }] });

    // It polls: send through our CLI (which finds this serve), the filter lets orders through only.
    for (const body of ['{"kind":"order","n":1}', '{"kind":"noise"}']) {
      const r = runCliSync(['send-message', 'Inbox', '--body', body, '-t', dir], { env: process.env });
      assert.equal(r.status, 0, r.stderr);
    }
    for (let i = 0; i < 200 && !(fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('order')); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const handled = readJsonLines(out).flatMap((e) => e.Records.map((r: any) => r.body));
    assert.deepEqual(handled, ['{"kind":"order","n":1}'], 'the filtered-out message is consumed without an invocation');
    // AWS's answers for SQS mappings carry no LastProcessingResult (recorded: test_fifo_message_group_parallelism's Get)
    assert.equal((await aws(['get-event-source-mapping', '--uuid', uuid])).json.LastProcessingResult, undefined);

    const listed = await aws(['list-event-source-mappings', '--function-name', 'Reader']);
    assert.deepEqual(
      listed.json.EventSourceMappings.map((m: any) => m.UUID),
      [uuid],
    );

    const updated = await aws(['update-event-source-mapping', '--uuid', uuid, '--no-enabled', '--batch-size', '10']);
    assert.equal(updated.status, 0, updated.stderr);
    assert.equal(updated.json.State, 'Disabling'); // AWS's answer to Enabled=false (recorded: test_disabled_dynamodb_event_source_mapping)
    assert.equal((await aws(['get-event-source-mapping', '--uuid', uuid])).json.State, 'Disabled');

    const conflict = await aws(['create-event-source-mapping', '--function-name', 'Reader', '--event-source-arn', queueArn]);
    assert.equal(conflict.status, 254);
    assert.match(conflict.stderr, /ResourceConflictException/);

    const deleted = await aws(['delete-event-source-mapping', '--uuid', uuid]);
    assert.equal(deleted.json.State, 'Deleting');
    const missing = await aws(['get-event-source-mapping', '--uuid', uuid]);
    assert.equal(missing.status, 254);
    assert.match(missing.stderr, /ResourceNotFoundException/);
  });
});
