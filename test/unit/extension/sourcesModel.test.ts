import { strict as assert } from 'node:assert';
import type { DestinationMessage } from '../../../src/core/invoke/destinations';
import {
  apiActions,
  apiAddress,
  awsCliExample,
  DEFAULT_DYNAMODB_CHANGE,
  destinationRecordsDocument,
  destinationSummary,
  formatAge,
  mappingView,
  MappingTelemetry,
  parseDynamoDbChange,
  queueDescription,
  sourceNameOfArn,
  statusBarText,
  warmEnvironmentCount,
} from '../../../src/extension/sourcesModel';

// The Event Sources view's and the status bar's model (no VS Code).

type EsmEvent = Parameters<MappingTelemetry['record']>[0];
const esm = (record: Record<string, unknown>, time = '2024-01-01T00:00:00.000Z'): EsmEvent => ({
  type: 'workbench.esm',
  time,
  record: { uuid: 'u1', eventSourceArn: 'arn', ...record } as never,
});

describe('extension: event sources model', () => {
  it('names sources from their ARNs', () => {
    assert.equal(sourceNameOfArn('arn:aws:sqs:us-east-1:000000000000:orders'), 'orders');
    assert.equal(sourceNameOfArn('arn:aws:kinesis:us-east-1:000000000000:stream/Clicks'), 'Clicks');
    assert.equal(sourceNameOfArn('arn:aws:dynamodb:us-east-1:000000000000:table/Items/stream/1970-01-01T00:00:00.000'), 'Items');
  });

  it('describes queues and ages', () => {
    assert.equal(queueDescription({ visible: 3, inFlight: 1, delayed: 0 }), '3 visible · 1 in flight · 0 delayed');
    assert.equal(queueDescription(undefined), 'unavailable');
    assert.equal(formatAge(850), '850 ms');
    assert.equal(formatAge(12_500), '12.5 s');
    assert.equal(formatAge(192_000), '3.2 min');
    assert.equal(formatAge(5_400_000), '1.5 h');
  });

  it("gathers each mapping's metrics from workbench.esm records and ignores other events", () => {
    const t = new MappingTelemetry();
    assert.equal(t.record({ type: 'platform.start', time: '', record: {} } as never), false);
    t.record(esm({ kind: 'batch', size: 10, iteratorAgeMs: 1200, shardId: 's' }, 'T1'));
    t.record(esm({ kind: 'batch', size: 4, iteratorAgeMs: 300 }, 'T2'));
    t.record(esm({ kind: 'failure', size: 4 }));
    t.record(esm({ kind: 'error', message: 'throttled' }));
    t.record({ ...esm({ kind: 'batch', size: 1 }), record: { uuid: 'u2', eventSourceArn: 'x', kind: 'batch', size: 1 } });
    assert.deepEqual(t.get('u1'), { iteratorAgeMs: 300, batches: 2, records: 14, failures: 1, lastBatchAt: 'T2', lastError: 'throttled' });
    assert.equal(t.get('u2')?.batches, 1);
    assert.equal(t.get('u3'), undefined);
  });

  it("shows a mapping from ListEventSourceMappings' shape: state, batch size, iterator age, last result", () => {
    const configuration = {
      UUID: 'u1',
      EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/Clicks',
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Counter:live',
      State: 'Enabled',
      BatchSize: 100,
      LastProcessingResult: 'OK',
    };
    const view = mappingView(configuration, { iteratorAgeMs: 1500, batches: 3, records: 30, failures: 0 });
    assert.equal(view.label, 'Clicks → Counter:live');
    assert.equal(view.description, 'Enabled · batch 100 · iterator age 1.5 s · OK');
    assert.equal(view.enabled, true);
    assert.deepEqual([view.functionName, view.qualifier, view.sourceName, view.batchSize, view.lastResult], ['Counter', 'live', 'Clicks', 100, 'OK']);
    assert.match(view.tooltip, /Batches: 3 \(30 records\), failures: 0/);
    const disabled = mappingView({ ...configuration, State: 'Disabled', LastProcessingResult: 'No records processed' });
    assert.equal(disabled.enabled, false);
    assert.equal(disabled.description, 'Disabled · batch 100 · No records processed');
  });

  it('makes a JSON document of destination records, bodies parsed when they are JSON', () => {
    const records: DestinationMessage[] = [
      {
        seq: 1,
        time: 'T1',
        sourceFunction: 'F',
        requestId: 'r1',
        role: 'OnSuccess',
        destination: 'arn:aws:sqs:us-east-1:000000000000:ok',
        type: 'sqs',
        body: '{"version":"1.0"}',
      },
      {
        seq: 2,
        time: 'T2',
        sourceFunction: 'F',
        requestId: 'r2',
        role: 'DeadLetterQueue',
        destination: 'arn:aws:sqs:us-east-1:000000000000:dlq',
        type: 'sqs',
        body: 'plain',
        attributes: { ErrorCode: { DataType: 'Number', StringValue: '200' } },
      },
    ];
    const doc = JSON.parse(destinationRecordsDocument('F', records));
    assert.equal(doc.function, 'F');
    assert.deepEqual(doc.records[0].body, { version: '1.0' });
    assert.equal(doc.records[1].body, 'plain');
    assert.deepEqual(doc.records[1].attributes, { ErrorCode: { DataType: 'Number', StringValue: '200' } });
    assert.equal(destinationSummary(records), '2 records (1 OnSuccess, 1 DeadLetterQueue)');
    assert.equal(destinationSummary([]), 'no records');
  });

  it('checks a DynamoDB change typed by hand', () => {
    assert.deepEqual(parseDynamoDbChange(DEFAULT_DYNAMODB_CHANGE), { change: JSON.parse(DEFAULT_DYNAMODB_CHANGE) });
    assert.match((parseDynamoDbChange('{') as { error: string }).error, /Not valid JSON/);
    assert.match((parseDynamoDbChange('[]') as { error: string }).error, /JSON object/);
    assert.match((parseDynamoDbChange('{"eventName":"PUT","Keys":{}}') as { error: string }).error, /INSERT, MODIFY or REMOVE/);
    assert.match((parseDynamoDbChange('{"eventName":"REMOVE"}') as { error: string }).error, /Keys is required/);
  });

  it('the status bar: API addresses when serving, warm environments always', () => {
    assert.equal(
      warmEnvironmentCount([{ state: 'Idle' }, { state: 'Invoking' }, { state: 'Initializing' }, { state: 'Terminated' }, { state: 'ShuttingDown' }]),
      2,
    );
    assert.equal(apiAddress('http://127.0.0.1:3001'), '127.0.0.1:3001');
    assert.equal(statusBarText({ urls: [], warm: 0 }), 'λ 0 warm');
    assert.equal(statusBarText({ urls: ['http://127.0.0.1:3001'], warm: 2 }), '$(radio-tower) 127.0.0.1:3001 · λ 2 warm');
  });

  it('offers the API actions that fit its state', () => {
    assert.deepEqual(
      apiActions({ serving: [], engines: 1 }).map((a) => a.id),
      ['start', 'showOutput'],
    );
    assert.deepEqual(
      apiActions({ serving: [{ label: 'app', url: 'http://127.0.0.1:3001' }], engines: 1 }).map((a) => a.id),
      ['stop', 'copyUrl', 'copyCliExample', 'showOutput'],
    );
    assert.deepEqual(
      apiActions({ serving: [{ label: 'a', url: 'http://127.0.0.1:3001' }], engines: 2 }).map((a) => a.id),
      ['start', 'stop', 'copyUrl', 'copyCliExample', 'showOutput'],
    );
    assert.equal(awsCliExample('http://127.0.0.1:3001', 'Hello'), 'aws lambda invoke --endpoint-url http://127.0.0.1:3001 --function-name Hello out.json');
  });
});
