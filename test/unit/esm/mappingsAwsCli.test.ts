import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AWS, awsEnv } from '../helpers/awsCli';
import { buildIfStale, CLI, REPO_ROOT } from '../helpers/build';
import { samTemplate, writeProject } from '../helpers/project';

// The event source mapping operations through the real AWS CLI v2 (/usr/bin/aws) against
// `lambda-workbench serve`; a mapping created this way polls at once.


describe('event source mappings through the AWS CLI v2 against lambda-workbench serve', function () {
  this.timeout(60000);
  let served: ChildProcessWithoutNullStreams;
  let url: string;
  let dir: string;
  let home: string;
  let out: string;

  before(async function () {
    if (!fs.existsSync(AWS)) this.skip();
    buildIfStale();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-aws-home-'));
    dir = writeProject({ 'src/app.js': "exports.handler = async (e) => { require('fs').appendFileSync(process.env.OUT, JSON.stringify(e) + '\\n'); return {}; };" });
    out = path.join(dir, 'handled.out');
    fs.writeFileSync(path.join(dir, 'template.yaml'), `${samTemplate({ Reader: { handler: 'app.handler', props: `Environment:\n  Variables:\n    OUT: ${out}` } })}
  Inbox:
    Type: AWS::SQS::Queue
`);
    served = spawn(process.execPath, [CLI, 'serve', '--port', '0', '-t', dir], { cwd: REPO_ROOT, env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } });
    let stdout = '';
    served.stdout.on('data', (d) => (stdout += d));
    for (let i = 0; i < 300 && !/listening on (http:\/\/\S+)/.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
    url = /listening on (http:\/\/\S+)/.exec(stdout)![1];
  });
  after(async () => {
    if (!served) return;
    served.kill('SIGTERM');
    await new Promise((r) => served.once('exit', r));
  });

  function aws(args: string[]): { status: number | null; json: any; stderr: string } {
    const r = spawnSync(AWS, ['lambda', ...args, '--endpoint-url', url, '--region', 'us-east-1', '--output', 'json'], {
      encoding: 'utf8',
      env: awsEnv(home),
    });
    let json: any;
    try {
      json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
    } catch {
      json = undefined;
    }
    return { status: r.status, json, stderr: r.stderr };
  }

  it('create-, get-, list-, update- and delete-event-source-mapping; the mapping polls once created', async () => {
    const queueArn = 'arn:aws:sqs:us-east-1:000000000000:Inbox';
    const created = aws(['create-event-source-mapping', '--function-name', 'Reader', '--event-source-arn', queueArn, '--batch-size', '5',
      '--filter-criteria', JSON.stringify({ Filters: [{ Pattern: JSON.stringify({ body: { kind: ['order'] } }) }] })]);
    assert.equal(created.status, 0, created.stderr);
    assert.equal(created.json.State, 'Creating');
    assert.equal(created.json.BatchSize, 5);
    const uuid = created.json.UUID;

    const got = aws(['get-event-source-mapping', '--uuid', uuid]);
    assert.equal(got.json.State, 'Enabled');
    assert.equal(got.json.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:Reader');
    assert.deepEqual(got.json.FilterCriteria, { Filters: [{ Pattern: '{"body":{"kind":["order"]}}' }] });

    // It polls: send through our CLI (which finds this serve), the filter lets orders through only.
    for (const body of ['{"kind":"order","n":1}', '{"kind":"noise"}']) {
      const r = spawnSync(process.execPath, [CLI, 'send-message', 'Inbox', '--body', body, '-t', dir], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    for (let i = 0; i < 200 && !(fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('order')); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const handled = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).flatMap((e) => e.Records.map((r: any) => r.body));
    assert.deepEqual(handled, ['{"kind":"order","n":1}'], 'the filtered-out message is consumed without an invocation');
    assert.equal(aws(['get-event-source-mapping', '--uuid', uuid]).json.LastProcessingResult, 'OK');

    const listed = aws(['list-event-source-mappings', '--function-name', 'Reader']);
    assert.deepEqual(listed.json.EventSourceMappings.map((m: any) => m.UUID), [uuid]);

    const updated = aws(['update-event-source-mapping', '--uuid', uuid, '--no-enabled', '--batch-size', '10']);
    assert.equal(updated.status, 0, updated.stderr);
    assert.equal(updated.json.State, 'Updating');
    assert.equal(aws(['get-event-source-mapping', '--uuid', uuid]).json.State, 'Disabled');

    const conflict = aws(['create-event-source-mapping', '--function-name', 'Reader', '--event-source-arn', queueArn]);
    assert.equal(conflict.status, 254);
    assert.match(conflict.stderr, /ResourceConflictException/);

    const deleted = aws(['delete-event-source-mapping', '--uuid', uuid]);
    assert.equal(deleted.json.State, 'Deleting');
    const missing = aws(['get-event-source-mapping', '--uuid', uuid]);
    assert.equal(missing.status, 254);
    assert.match(missing.stderr, /ResourceNotFoundException/);
  });
});
