import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateEventSourceMappingCommand, type CreateEventSourceMappingCommandInput, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Workbench } from '../../../src/core/workbench';
import { LOCAL_ACCOUNT_ID } from '../../../src/core/vocabulary/functionNames';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samResources, samTemplate, writeProject } from '../helpers/project';
import { readJsonLines, waitFor } from '../helpers/wait';
import { sdkOutcome, type Outcome, type Replay } from './replay';

// A project for replaying LocalStack's ESM integration tests: python3.12 functions (each its own
// handler, each appending what it wants recorded to a file of its own, as LocalStack's functions
// print to their logs), the queues, streams and tables a test creates (the embedded sources), and
// our Lambda API in front.

export const REGION = 'us-east-1';
export const uid = (): string => randomBytes(4).toString('hex');

/** One function of a project: its name prefix and its handler module (Python, `handler(event, context)`; $OUT is its file). */
export interface FunctionSpec {
  prefix: string;
  code: string;
  /** `provided.al2023`: `code` is the function's bootstrap (an executable script); python3.12 otherwise. */
  runtime?: 'provided.al2023';
  /** Variables besides OUT. */
  environment?: Record<string, string>;
}

/** A handler that appends each event to $OUT and answers `response` (a Python expression over `event`). */
export const recordingHandler = (response = 'event'): string =>
  `import base64, json, os, time\n\ndef record(value):\n    with open(os.environ['OUT'], 'a') as f:\n        f.write(json.dumps(value) + '\\n')\n\ndef handler(event, context):\n    record(event)\n    return ${response}\n`;

/** A handler that records each event and raises (LocalStack's functions that fail every batch). */
export const failingHandler = (): string =>
  `import json, os\n\ndef handler(event, context):\n    with open(os.environ['OUT'], 'a') as f:\n        f.write(json.dumps(event) + '\\n')\n    raise Exception('intentional failure')\n`;

export class EsmProject {
  private dir: string | undefined;
  private workbench: Workbench | undefined;
  private api: TestApi | undefined;
  names: string[] = [];
  private functions: FunctionSpec[] = [];
  private resources: Record<string, { type: string; props: string }> = {};

  async open(functions: FunctionSpec[], resources: Record<string, { type: string; props: string }>): Promise<LambdaClient> {
    this.names = functions.map((f) => `${f.prefix}-${uid()}`);
    this.functions = functions;
    this.resources = resources;
    const files: Record<string, string> = {};
    functions.forEach((f, i) => (files[f.runtime ? `fn${i}/bootstrap` : `fn${i}/index.py`] = f.code));
    this.dir = writeProject(files);
    functions.forEach((f, i) => f.runtime && fs.chmodSync(path.join(this.dir!, `fn${i}`, 'bootstrap'), 0o755));
    return this.start();
  }

  /** UpdateFunctionConfiguration of function `index`'s variables, the local way: the template edited, the engine reopened (API mappings, versions and queues are kept). */
  async setEnvironment(index: number, environment: Record<string, string>): Promise<LambdaClient> {
    this.functions[index] = { ...this.functions[index]!, environment };
    await this.stop();
    return this.start();
  }

  private async start(): Promise<LambdaClient> {
    const defs: Record<string, { handler: string; runtime: string; codeUri: string; props: string }> = {};
    this.functions.forEach((f, i) => {
      const variables = { OUT: this.out(i), ...f.environment };
      defs[`Fn${i}`] = {
        handler: f.runtime ? 'bootstrap' : 'index.handler',
        runtime: f.runtime ?? 'python3.12',
        codeUri: `fn${i}`,
        props: [
          `FunctionName: ${this.names[i]}`,
          'Timeout: 30',
          'Environment:',
          '  Variables:',
          ...Object.entries(variables).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
        ].join('\n'),
      };
    });
    fs.writeFileSync(path.join(this.dir!, 'template.yaml'), samTemplate(defs) + samResources(this.resources));
    this.workbench = await openProject(this.dir!, { hotReload: false, asyncWorkers: false });
    this.api = await startLambdaApi(this.workbench);
    return this.api.client;
  }

  private async stop(): Promise<void> {
    await this.api?.close();
    await this.workbench?.close();
    this.api = undefined;
    this.workbench = undefined;
  }

  get name(): string {
    return this.names[0];
  }

  get engine(): Workbench {
    if (!this.workbench) throw new Error('the project is not open');
    return this.workbench;
  }

  get lambda(): LambdaClient {
    if (!this.api) throw new Error('the project is not open');
    return this.api.client;
  }

  out(index = 0): string {
    return path.join(this.dir!, `out-${index}.jsonl`);
  }

  /** What function `index` recorded so far. */
  recorded(index = 0): any[] {
    return readJsonLines(this.out(index));
  }

  /** What function `index` recorded, once `count` entries came and no more came for a while (a retry would show). */
  async events(count: number, index = 0, quietMs = 2500): Promise<any[]> {
    await waitFor(() => this.recorded(index).length >= count, 45000, `${count} event(s) delivered to ${this.names[index]}`);
    await new Promise((r) => setTimeout(r, quietMs));
    return this.recorded(index).map(asSnapshotted);
  }

  /** CreateEventSourceMapping for function `index`; compared with the recorded `key` when a replay is given (JSON strings parsed, as LocalStack's snapshot does). */
  async createMapping(replay: Replay | undefined, key: string, input: Omit<CreateEventSourceMappingCommandInput, 'FunctionName'>, index = 0): Promise<Outcome> {
    const outcome = await sdkOutcome(() => this.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: this.names[index], ...input })));
    if (replay) replay.expect(key, asSnapshotted(outcome));
    return outcome;
  }

  /** SQS ReceiveMessage (one message) on an embedded queue: the answer's Messages as SQS shapes them. */
  async receiveMessage(queue: string): Promise<Record<string, unknown>> {
    const source = this.engine.eventSources.sources.queue(queue)!;
    let messages: Awaited<ReturnType<typeof source.receive>> = [];
    await waitFor(async () => (messages = await source.receive({ maxMessages: 1, waitTimeSeconds: 1 })).length > 0, 45000, `a message in ${queue}`);
    return asSnapshotted({
      Messages: messages.map((m) => ({ Body: m.body, MD5OfBody: m.md5OfBody, MessageId: m.messageId, ReceiptHandle: m.receiptHandle })),
    });
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

/** The UUID a successful CreateEventSourceMapping answered. */
export function uuidOf(outcome: Outcome): string {
  if (!('body' in outcome) || typeof outcome.body.UUID !== 'string') throw new Error(`no mapping was created: ${JSON.stringify(outcome)}`);
  return outcome.body.UUID;
}

/** A value as LocalStack's snapshot records it: JSON strings parsed, ISO timestamps by format, SQS's SentTimestamp and SenderId by name. */
export function asSnapshotted(value: any): any {
  if (Array.isArray(value)) return value.map(asSnapshotted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k === 'SentTimestamp') return [k, 'sent-timestamp'];
        if (k === 'SenderId') return [k, 'sender-id'];
        return [k, asSnapshotted(v)];
      }),
    );
  }
  // LocalStack's transformer replaces ISO timestamps by their format, not their value
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value)) return '<timestamp:2022-07-13T13:48:01.000Z>';
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value)) return '<timestamp:2022-07-13T13:48:01Z>';
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try {
      return asSnapshotted(JSON.parse(value));
    } catch {
      return value;
    }
  }
  return value;
}

export const queue = (name: string, props = ''): { type: string; props: string } => ({
  type: 'AWS::SQS::Queue',
  props: `QueueName: ${name}${props ? `\n${props}` : ''}`,
});
export const queueArn = (name: string): string => `arn:aws:sqs:${REGION}:${LOCAL_ACCOUNT_ID}:${name}`;
export const kinesis = (name: string): { type: string; props: string } => ({ type: 'AWS::Kinesis::Stream', props: `Name: ${name}\nShardCount: 1` });
export const kinesisArn = (name: string): string => `arn:aws:kinesis:${REGION}:${LOCAL_ACCOUNT_ID}:stream/${name}`;
export const table = (name: string, key: string, viewType: string): { type: string; props: string } => ({
  type: 'AWS::DynamoDB::Table',
  props: [
    `TableName: ${name}`,
    'BillingMode: PAY_PER_REQUEST',
    `AttributeDefinitions: [{ AttributeName: ${key}, AttributeType: S }]`,
    `KeySchema: [{ AttributeName: ${key}, KeyType: HASH }]`,
    `StreamSpecification: { StreamViewType: ${viewType} }`,
  ].join('\n'),
});
/** Our embedded DynamoDB streams' label is fixed (DynamoDB chooses a timestamp). */
export const tableStreamArn = (name: string): string => `arn:aws:dynamodb:${REGION}:${LOCAL_ACCOUNT_ID}:table/${name}/stream/1970-01-01T00:00:00.000`;
