import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CATALOG } from '../../../src/core/events';
import { buildIfStale, runCli, type CliRun } from '../helpers/build';
import { samTemplate, writeProject } from '../helpers/project';

// `generate-event`, `events`, `invoke --sample` and `invoke --event-name` as a user runs them (the
// built CLI), on a project whose functions echo their event.

const run = runCli;

const echo = (marker: string) => `exports.handler = async (event) => ({ from: ${JSON.stringify(marker)}, event });`;

function assertUsageError(r: CliRun, pattern: RegExp): void {
  assert.equal(r.status, 2, `exit 2 expected: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected:\n${r.stderr}`);
  assert.match(lines[0], pattern);
}

describe('CLI: generate-event, events, invoke --sample / --event-name', function () {
  this.timeout(60000);
  let dir: string;

  before(() => {
    buildIfStale();
    dir = writeProject({
      'template.yaml': samTemplate({
        Echo: { handler: 'app.handler', props: 'FunctionName: dev-echo' },
        Other: { handler: 'app.handler', codeUri: 'other' },
      }),
      'src/app.js': echo('Echo'),
      'other/app.js': echo('Other'),
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generate-event with no arguments and --help lists every service and type (exit 0)', async () => {
    for (const args of [['generate-event'], ['generate-event', '--help']]) {
      const r = await run(args, dir);
      assert.equal(r.status, 0, r.stderr);
      for (const [service, types] of Object.entries(CATALOG)) {
        for (const type of Object.keys(types)) assert.match(r.stdout, new RegExp(`^\\s+${service}\\s+${type}\\s`, 'm'), `${service} ${type} listed`);
      }
    }
    const typeHelp = await run(['generate-event', 'kinesis', 'get-records', '--help'], dir);
    assert.equal(typeHelp.status, 0);
    assert.match(typeHelp.stdout, /--partition-key <value>\s+partition key of every record \[default: partitionKey-03\]/);
    const top = await run(['--help'], dir);
    assert.match(top.stdout, /generate-event/);
    assert.match(top.stdout, /events \[options\] \[function\]/);
  });

  it('generate-event prints the event as 2-space JSON, with the options applied', async () => {
    const s3 = await run(['generate-event', 's3', 'put', '--bucket', 'photos', '--key', '2024/Happy Face.jpg', '--region=eu-west-1', '--size', '42'], dir);
    assert.equal(s3.status, 0, s3.stderr);
    const event = JSON.parse(s3.stdout);
    assert.equal(s3.stdout, JSON.stringify(event, null, 2) + '\n');
    const record = event.Records[0];
    assert.equal(record.eventName, 'ObjectCreated:Put');
    assert.equal(record.awsRegion, 'eu-west-1');
    assert.deepEqual(
      [record.s3.bucket.name, record.s3.bucket.arn, record.s3.object.key, record.s3.object.size],
      ['photos', 'arn:aws:s3:::photos', '2024/Happy+Face.jpg', 42],
    );

    const sqs = JSON.parse((await run(['generate-event', 'sqs', 'receive-message', '--fifo', '--records', '3', '--body', 'hi'], dir)).stdout);
    assert.equal(sqs.Records.length, 3);
    for (const r of sqs.Records) {
      assert.equal(r.eventSourceARN, 'arn:aws:sqs:us-east-1:000000000000:MyQueue.fifo');
      assert.equal(r.md5OfBody, '49f68a5c8493ec2c0bf489821c21fc3b');
      assert.equal(r.attributes.MessageGroupId, 'group-1');
    }
    const kinesis = JSON.parse((await run(['generate-event', 'kinesis', 'get-records', '--data', 'abc', '--partition-key', 'pk'], dir)).stdout);
    assert.equal(Buffer.from(kinesis.Records[0].kinesis.data, 'base64').toString(), 'abc');
    assert.equal(kinesis.Records[0].kinesis.partitionKey, 'pk');

    const a = await run(['generate-event', 'apigateway', 'http-api-proxy', '--seed', 's', '--time', '2026-01-01T00:00:00Z'], dir);
    const b = await run(['generate-event', 'apigateway', 'http-api-proxy', '--seed', 's', '--time', '2026-01-01T00:00:00Z'], dir);
    assert.equal(a.stdout, b.stdout, '--seed and --time make the output repeatable');
  });

  it('unknown service, type or option, or a bad value: one line on stderr, exit 2', async () => {
    assertUsageError(await run(['generate-event', 'nope', 'put'], dir), /^Unknown service "nope" \(services: apigateway, .*sqs\)$/);
    assertUsageError(await run(['generate-event', 's3', 'nope'], dir), /^Unknown s3 event type "nope" \(types: put, delete, batch-invocation\)$/);
    assertUsageError(await run(['generate-event', 's3', 'put', '--colour', 'red'], dir), /^Unknown option --colour for s3 put \(options: --bucket, /);
    assertUsageError(await run(['generate-event', 'sqs', 'receive-message', '--records', 'many'], dir), /^sqs receive-message: --records: expected an integer/);
    assertUsageError(await run(['generate-event', 'eventbridge', 'event', '--detail', '{oops'], dir), /^eventbridge event: --detail: not valid JSON/);
    assertUsageError(await run(['generate-event', 's3', 'put', 'extra'], dir), /^Unexpected argument "extra"/);
    assertUsageError(await run(['generate-event', 's3', 'put', '--function', 'Echo'], dir), /--function and --force go with --save/);
  });

  it('--save writes events/<name>.json next to the template, --function into events/<Function>/', async () => {
    const shared = await run(['generate-event', 's3', 'put', '--bucket', 'shared-bucket', '--save', 'upload'], dir);
    assert.equal(shared.status, 0, shared.stderr);
    assert.equal(shared.stdout, `Saved s3 put as ${path.join('events', 'upload.json')}\n`);
    const file = path.join(dir, 'events', 'upload.json');
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(JSON.parse(text).Records[0].s3.bucket.name, 'shared-bucket');
    assert.equal(text, JSON.stringify(JSON.parse(text), null, 2) + '\n');

    // By function name too: the folder is the logical id.
    const own = await run(['generate-event', 's3', 'put', '--bucket', 'echo-bucket', '--save', 'upload.json', '--function', 'dev-echo'], dir);
    assert.equal(own.status, 0, own.stderr);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'events', 'Echo', 'upload.json'), 'utf8')).Records[0].s3.bucket.name, 'echo-bucket');
    assert.equal((await run(['generate-event', 'sns', 'notification', '--save', 'topic', '--function', 'Other'], dir)).status, 0);

    assertUsageError(await run(['generate-event', 's3', 'put', '--save', 'upload'], dir), /upload\.json already exists \(use --force to replace it\)$/);
    const forced = await run(['generate-event', 's3', 'put', '--bucket', 'replaced', '--save', 'upload', '--force'], dir);
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).Records[0].s3.bucket.name, 'replaced');
    assertUsageError(
      await run(['generate-event', 's3', 'put', '--save', 'x', '--function', 'Nope'], dir),
      /^Function Nope is not in the template \(functions: Echo, Other\)$/,
    );
    assertUsageError(await run(['generate-event', 's3', 'put', '--save', '../escape'], dir), /^Invalid event name "\.\.\/escape"/);

    // -t from elsewhere, and --events-dir.
    const elsewhere = path.dirname(dir);
    assert.equal((await run(['generate-event', 'cloudwatch', 'scheduled-event', '--save', 'tick', '-t', dir], elsewhere)).status, 0);
    assert.ok(fs.existsSync(path.join(dir, 'events', 'tick.json')));
    const custom = path.join(dir, 'fixtures');
    assert.equal((await run(['generate-event', 'cloudwatch', 'scheduled-event', '--save', 'tick', '--events-dir', custom], dir)).status, 0);
    assert.ok(fs.existsSync(path.join(custom, 'tick.json')));
  });

  it("events lists the saved events: shared ones and each function's; for one function, its own and the shared", async () => {
    const all = await run(['events'], dir);
    assert.equal(all.status, 0, all.stderr);
    const rows = all.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split(/\s{2,}/));
    assert.deepEqual(rows[0], ['NAME', 'FUNCTION', 'FILE']);
    assert.deepEqual(rows.slice(1), [
      ['tick', '(shared)', path.join('events', 'tick.json')],
      ['upload', '(shared)', path.join('events', 'upload.json')],
      ['upload', 'Echo', path.join('events', 'Echo', 'upload.json')],
      ['topic', 'Other', path.join('events', 'Other', 'topic.json')],
    ]);
    const echoOnly = JSON.parse((await run(['events', 'dev-echo', '--json'], dir)).stdout);
    assert.deepEqual(
      echoOnly.map((e: { name: string; function: string | null }) => `${e.function ?? '-'}/${e.name}`),
      ['-/tick', '-/upload', 'Echo/upload'],
    );
    assertUsageError(await run(['events', 'Nope'], dir), /^Function Nope is not in the template/);
    const empty = await run(['events', '--events-dir', path.join(dir, 'none')], dir);
    assert.equal(empty.status, 0);
    assert.match(empty.stderr, /^No saved events in none$/m);
  });

  it("invoke --sample invokes with a generated event; --event-name replays a saved one (the function's own first)", async () => {
    const sample = await run(['invoke', 'Echo', '--sample', 'dynamodb/update'], dir);
    assert.equal(sample.status, 0, sample.stderr);
    const echoed = JSON.parse(sample.stdout);
    assert.equal(echoed.from, 'Echo');
    assert.deepEqual(
      echoed.event.Records.map((r: { eventName: string }) => r.eventName),
      ['INSERT', 'MODIFY', 'REMOVE'],
    );
    assert.match(sample.stderr, /^REPORT RequestId: /m);

    const own = JSON.parse((await run(['invoke', 'Echo', '--event-name', 'upload'], dir)).stdout);
    assert.equal(own.event.Records[0].s3.bucket.name, 'echo-bucket', "Echo's own upload.json");
    const shared = JSON.parse((await run(['invoke', 'Other', '--event-name', 'upload'], dir)).stdout);
    assert.deepEqual([shared.from, shared.event.Records[0].s3.bucket.name], ['Other', 'replaced'], 'the shared upload.json');
    const byName = JSON.parse((await run(['invoke', 'dev-echo', '--event-name', 'upload.json', '-t', dir], path.dirname(dir))).stdout);
    assert.equal(byName.event.Records[0].s3.bucket.name, 'echo-bucket');
    const fromDir = JSON.parse((await run(['invoke', 'Other', '--event-name', 'tick', '--events-dir', path.join(dir, 'fixtures')], dir)).stdout);
    assert.equal(fromDir.event['detail-type'], 'Scheduled Event');

    // The existing ways still work.
    const inline = JSON.parse((await run(['invoke', 'Echo', '--event-json', '{"a":1}'], dir)).stdout);
    assert.deepEqual(inline.event, { a: 1 });
  });

  it('invoke: unknown sample or saved event, or two event options at once: one line, exit 2', async () => {
    assertUsageError(await run(['invoke', 'Echo', '--sample', 'nope/put'], dir), /^--sample: Unknown service "nope"/);
    assertUsageError(await run(['invoke', 'Echo', '--sample', 's3'], dir), /^--sample expects <service>\/<type>, e\.g\. s3\/put, got "s3"$/);
    assertUsageError(await run(['invoke', 'Echo', '--event-name', 'missing'], dir), /^No saved event "missing" for Echo in events \(saved: tick, upload\)$/);
    assertUsageError(
      await run(['invoke', 'Echo', '--sample', 's3/put', '--event-json', '{}'], dir),
      /^Give only one of --event, --event-json, --sample and --event-name \(got --event-json and --sample\)$/,
    );
  });
});
