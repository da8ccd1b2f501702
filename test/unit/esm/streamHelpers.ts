import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { MappingInvokeResult, MappingRuntime } from '../../../src/core/esm/types';
import type { EventSourceMapping } from '../../../src/core/config/mappingDefinitions';
import type { MappingMetric } from '../../../src/core/telemetry/events';
import type { RecordStream, StreamDefinition } from '../../../src/core/sources/types';
import type { Workbench } from '../../../src/core/workbench';
import { readJsonLines, waitFor as waitForEvery } from '../helpers/wait';

// Shared by the stream poller tests: handlers that log each batch (one JSON line per invocation,
// in a file named after the function), mappings with Lambda's defaults, a MappingRuntime on a real
// Workbench that records metrics and OnFailure deliveries.

export const STREAM_HANDLERS = `
  const fs = require('fs');
  const path = require('path');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const logFile = () => path.join(process.env.LOG_DIR, process.env.AWS_LAMBDA_FUNCTION_NAME + '.log');
  const log = (entry) => fs.appendFileSync(logFile(), JSON.stringify(entry) + '\\n');
  const decode = (r) => {
    if (!r.kinesis) return r;
    const text = Buffer.from(r.kinesis.data, 'base64').toString('utf8');
    try { return JSON.parse(text); } catch { return text; }
  };
  const seqOf = (r) => r.kinesis ? r.kinesis.sequenceNumber : r.dynamodb.SequenceNumber;
  exports.record = async (event, context) => {
    log({ id: context.awsRequestId, at: Date.now(), event });
    return {};
  };
  exports.failAlways = async (event, context) => {
    log({ id: context.awsRequestId, at: Date.now(), event });
    throw new Error('always failing');
  };
  exports.poison = async (event, context) => {
    log({ id: context.awsRequestId, at: Date.now(), event });
    if (event.Records.some((r) => decode(r).poison)) throw new Error('poison record');
    return {};
  };
  // Reports records whose data has fail:true as failed, the first time each is seen.
  exports.partial = async (event, context) => {
    log({ id: context.awsRequestId, at: Date.now(), event });
    const failures = [];
    for (const r of event.Records) {
      const marker = path.join(process.env.LOG_DIR, 'seen-' + seqOf(r));
      if (decode(r).fail && !fs.existsSync(marker)) {
        fs.writeFileSync(marker, '');
        failures.push({ itemIdentifier: seqOf(r) });
      }
    }
    return { batchItemFailures: failures };
  };
  exports.slow = async (event, context) => {
    const start = Date.now();
    await sleep(60);
    log({ id: context.awsRequestId, at: start, end: Date.now(), event });
    return {};
  };
  exports.window = async (event, context) => {
    log({ id: context.awsRequestId, at: Date.now(), event });
    const count = (event.state && event.state.count || 0) + event.Records.length;
    return { state: { count } };
  };
`;

export function streamTemplate(logDir: string, functions: string[]): string {
  let yaml = `AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: nodejs20.x\n    CodeUri: src\n    Timeout: 10\n    Environment:\n      Variables:\n        LOG_DIR: ${logDir}\nResources:\n`;
  for (const name of functions) {
    const handler = name.replace(/\d+$/, '');
    yaml += `  ${name}:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: ${name}\n      Handler: app.${handler}\n`;
  }
  return yaml;
}

export interface Invocation {
  id: string;
  at: number;
  end?: number;
  event: any;
}

/** The invocations of a function, in order (a line still being written is skipped). */
export function invocations(logDir: string, functionName: string): Invocation[] {
  return readJsonLines(path.join(logDir, `${functionName}.log`));
}

/** How many records a function was invoked with, from its `from`-th invocation on. */
export function recordsHandled(logDir: string, functionName: string, from = 0): number {
  return invocations(logDir, functionName)
    .slice(from)
    .reduce((n, c) => n + c.event.Records.length, 0);
}

export function decodeData(record: any): any {
  const text = Buffer.from(record.kinesis.data, 'base64').toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function kinesisDefinition(name: string, shardCount = 1, retentionHours = 24): StreamDefinition {
  return { name, arn: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`, kind: 'kinesis', shardCount, retentionHours };
}

export function dynamoDefinition(name: string, streamViewType: StreamDefinition['streamViewType'] = 'NEW_AND_OLD_IMAGES'): StreamDefinition {
  return {
    name,
    arn: `arn:aws:dynamodb:us-east-1:000000000000:table/${name}/stream/2024-01-01T00:00:00.000`,
    kind: 'dynamodb',
    shardCount: 1,
    retentionHours: 24,
    streamViewType,
  };
}

export function streamMapping(functionName: string, definition: StreamDefinition, overrides: Partial<EventSourceMapping> = {}): EventSourceMapping {
  return {
    uuid: randomUUID(),
    functionName,
    eventSourceArn: definition.arn,
    kind: definition.kind,
    enabled: true,
    batchSize: 100,
    maximumBatchingWindowInSeconds: 0,
    functionResponseTypes: [],
    startingPosition: 'TRIM_HORIZON',
    origin: 'api',
    lastModified: Date.now(),
    ...overrides,
  };
}

export interface TestRuntime extends MappingRuntime {
  metrics: MappingMetric[];
  deliveries: Array<{ arn: string; body: any }>;
}

/** A MappingRuntime on a real engine; `before` may throw (a throttle) instead of invoking. */
export function testRuntime(
  workbench: Workbench,
  mapping: EventSourceMapping,
  stream: RecordStream,
  options: { before?: () => void; store?: boolean } = {},
): TestRuntime {
  const metrics: MappingMetric[] = [];
  const deliveries: Array<{ arn: string; body: any }> = [];
  return {
    mapping,
    region: 'us-east-1',
    metrics,
    deliveries,
    async invoke(payload: Buffer): Promise<MappingInvokeResult> {
      options.before?.();
      const result = await workbench.invoke(mapping.functionName, payload, { qualifier: mapping.qualifier });
      return {
        payload: result.payload,
        functionError: result.functionError,
        errorType: result.errorType,
        requestId: result.requestId,
        executedVersion: result.executedVersion,
      };
    },
    queue() {
      throw new Error('not a queue');
    },
    stream: () => stream,
    async sendToDestination(arn: string, body: unknown) {
      deliveries.push({ arn, body: JSON.parse(JSON.stringify(body)) });
    },
    emit(metric: MappingMetric) {
      metrics.push(metric);
    },
    ...(options.store === false ? {} : { store: workbench.store }),
  };
}

/** waitFor, polling every 20 ms. */
export function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15000, what = 'condition'): Promise<T> {
  return waitForEvery(probe, timeoutMs, what, 20);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
