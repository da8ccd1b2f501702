import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDirEach } from '../helpers/tempDir';
import { CATALOG } from '../../../src/core/events/catalog';
import { saveEvent } from '../../../src/core/events/savedEvents';
import {
  defaultEventName,
  EventOptionError,
  eventPayloadText,
  eventsDirOf,
  generateWithOptions,
  initialOptions,
  optionLabel,
  optionValues,
  sampleEventText,
  sampleGroups,
  sampleLabel,
  saveLocations,
  savedEventLabel,
  savedEventTree,
  setOption,
  validateOptionValue,
} from '../../../src/extension/eventsModel';

// The Events view's model (no VS Code): samples by service, saved events by function, option editing.

describe('extension: events model', () => {
  describe('sample groups', () => {
    it("groups the catalog by service in the view's order, scheduled events in a group of their own", () => {
      const groups = sampleGroups();
      assert.deepEqual(
        groups.slice(0, 8).map((g) => g.label),
        ['S3', 'SQS', 'Kinesis', 'DynamoDB', 'SNS', 'API Gateway', 'EventBridge', 'Scheduled'],
      );
      const byLabel = Object.fromEntries(groups.map((g) => [g.label, g.samples.map((s) => s.id)]));
      assert.deepEqual(byLabel.S3, ['s3/put', 's3/delete', 's3/batch-invocation']);
      assert.deepEqual(byLabel['API Gateway'], ['apigateway/aws-proxy', 'apigateway/http-api-proxy', 'apigateway/authorizer', 'apigateway/request-authorizer']);
      assert.deepEqual(byLabel.EventBridge, ['eventbridge/event']);
      assert.deepEqual(byLabel.Scheduled.sort(), ['cloudwatch/scheduled-event', 'eventbridge/scheduled-event']);
    });

    it('names a group for every service of the catalog (none falls back to its raw service id)', () => {
      const raw = new Set(Object.keys(CATALOG));
      assert.deepEqual(
        sampleGroups()
          .map((g) => g.label)
          .filter((label) => raw.has(label)),
        [],
      );
      assert.ok(sampleGroups().some((g) => g.label === 'Lex' && g.samples.some((s) => s.id.startsWith('lex-v2/'))));
    });

    it("lists every catalog entry exactly once, with the catalog's description", () => {
      const ids = sampleGroups()
        .flatMap((g) => g.samples.map((s) => s.id))
        .sort();
      const catalog = Object.entries(CATALOG)
        .flatMap(([service, types]) => Object.keys(types).map((type) => `${service}/${type}`))
        .sort();
      assert.deepEqual(ids, catalog);
      const sqs = sampleGroups().find((g) => g.id === 'sqs')!.samples[0];
      assert.equal(sqs.description, CATALOG.sqs['receive-message'].description);
      assert.equal(sqs.label, 'Receive message (batch)');
    });

    it('puts services it does not know into a group of their own, labelled by type', () => {
      const groups = sampleGroups({ ...CATALOG, ses: { receive: { description: 'SES receipt', options: [], generate: () => ({}) } } });
      const ses = groups.find((g) => g.id === 'ses')!;
      assert.deepEqual(
        ses.samples.map((s) => [s.id, s.label]),
        [['ses/receive', 'receive']],
      );
      assert.equal(sampleLabel('ses', 'receive'), 'receive');
    });
  });

  describe('saved events', () => {
    let dir: string;
    tempDirEach('lwb-ext-events-', (tmp) => (dir = path.join(tmp, 'events')));

    it('is events/ next to the template', () => {
      assert.equal(eventsDirOf('/p/app/template.yaml'), path.join('/p/app', 'events'));
    });

    it('groups shared events and function folders', () => {
      saveEvent(dir, 'b', { b: 1 });
      saveEvent(dir, 'a', { a: 1 });
      saveEvent(dir, 'x', {}, { function: 'Orders' });
      saveEvent(dir, 'y', {}, { function: 'Orders' });
      saveEvent(dir, 'z', {}, { function: 'Billing' });
      const tree = savedEventTree(dir);
      assert.deepEqual(
        tree.shared.map((e) => e.name),
        ['a', 'b'],
      );
      assert.deepEqual(
        tree.functions.map((f) => [f.function, f.events.map((e) => e.name)]),
        [
          ['Billing', ['z']],
          ['Orders', ['x', 'y']],
        ],
      );
      assert.equal(savedEventLabel(tree.functions[1].events[0]), 'Orders/x');
      assert.equal(savedEventLabel(tree.shared[0]), 'a');
    });

    it('an events folder that does not exist is empty', () => {
      assert.deepEqual(savedEventTree(path.join(dir, 'nope')), { shared: [], functions: [] });
    });

    it("reads a saved event's payload (checked to be JSON), or generates a sample's in a region", () => {
      const saved = saveEvent(dir, 'order', { id: 7 });
      assert.deepEqual(JSON.parse(eventPayloadText({ savedFile: saved.file })), { id: 7 });
      fs.writeFileSync(path.join(dir, 'broken.json'), '{nope');
      assert.throws(() => eventPayloadText({ savedFile: path.join(dir, 'broken.json') }), /not valid JSON/);
      const s3 = JSON.parse(eventPayloadText({ sample: { service: 's3', type: 'put' } }, 'eu-west-1'));
      assert.equal(s3.Records[0].awsRegion, 'eu-west-1');
      assert.throws(() => eventPayloadText({}), /neither/);
    });

    it('offers names and locations for "Save as"', () => {
      assert.equal(defaultEventName({ sample: { service: 's3', type: 'put' } }), 's3-put');
      assert.equal(defaultEventName({ savedFile: '/x/events/Orders/big-order.json' }), 'big-order');
      assert.deepEqual(saveLocations(['Orders', 'Billing']), [
        { label: 'events/ (every function)' },
        { label: 'events/Orders/', function: 'Orders' },
        { label: 'events/Billing/', function: 'Billing' },
      ]);
    });
  });

  describe('generator options', () => {
    it("starts every option (own, then common) at its default, the region at the engine's", () => {
      const states = initialOptions('sqs', 'receive-message', 'eu-central-1');
      const names = states.map((s) => s.spec.name);
      assert.deepEqual(names.slice(0, 3), ['queue-name', 'body', 'records']);
      assert.ok(names.includes('region') && names.includes('seed'));
      const region = states.find((s) => s.spec.name === 'region')!;
      assert.equal(region.value, 'eu-central-1');
      assert.equal(region.changed, true);
      assert.deepEqual(optionValues(states), { region: 'eu-central-1' });
      assert.deepEqual(optionValues(initialOptions('sqs', 'receive-message')), {});
    });

    it('labels options with their values', () => {
      const states = initialOptions('sqs', 'receive-message');
      const get = (name: string) => states.find((s) => s.spec.name === name)!;
      assert.equal(optionLabel(get('records')), 'records = 1');
      assert.equal(optionLabel(get('fifo')), 'fifo = false');
      assert.equal(optionLabel(setOption(get('fifo'), 'true')), 'fifo = true');
      assert.equal(optionLabel(get('seed')), 'seed (not set)');
    });

    it('validates values by kind and choices', () => {
      const spec = (name: string, service = 'dynamodb', type = 'update') => initialOptions(service, type).find((s) => s.spec.name === name)!.spec;
      assert.equal(validateOptionValue(spec('records', 'sqs', 'receive-message'), '3'), undefined);
      assert.equal(validateOptionValue(spec('records', 'sqs', 'receive-message'), 'three'), 'An integer');
      assert.equal(validateOptionValue(spec('item'), '{"Id": 1}'), undefined);
      assert.match(validateOptionValue(spec('item'), '{Id: 1}')!, /Not valid JSON/);
      assert.equal(validateOptionValue(spec('stream-view-type'), 'keys_only'), undefined);
      assert.match(validateOptionValue(spec('stream-view-type'), 'ALL')!, /One of KEYS_ONLY/);
      assert.equal(validateOptionValue(spec('ttl'), 'maybe'), 'true or false');
      assert.equal(validateOptionValue(spec('ttl'), ''), undefined, 'empty: back to the default');
    });

    it('generates with the changed options; empty text resets an option to its default', () => {
      let states = initialOptions('sqs', 'receive-message');
      const index = (name: string) => states.findIndex((s) => s.spec.name === name);
      states = states.map((s, i) => (i === index('records') ? setOption(s, '3') : i === index('body') ? setOption(s, 'hi') : s));
      assert.deepEqual(optionValues(states), { body: 'hi', records: '3' });
      const event = generateWithOptions('sqs', 'receive-message', states) as { Records: Array<{ body: string }> };
      assert.equal(event.Records.length, 3);
      assert.ok(event.Records.every((r) => r.body === 'hi'));
      states = states.map((s, i) => (i === index('body') ? setOption(s, '') : s));
      assert.deepEqual(optionValues(states), { records: '3' });
      const bad = states.map((s, i) => (i === index('records') ? setOption(s, '0') : s));
      assert.throws(
        () => generateWithOptions('sqs', 'receive-message', bad),
        (e: Error) => e instanceof EventOptionError && /--records/.test(e.message),
      );
    });

    it('sample text is 2-space JSON', () => {
      const text = sampleEventText('sns', 'notification', { seed: 's', time: '2024-01-01T00:00:00Z' });
      assert.equal(text, JSON.stringify(JSON.parse(text), null, 2));
      assert.equal(text, sampleEventText('sns', 'notification', { seed: 's', time: '2024-01-01T00:00:00Z' }), 'repeatable with seed and time');
    });
  });
});
