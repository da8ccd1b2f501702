/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers of the serve's /_workbench/ routes, read field by field */
import * as http from 'node:http';
import type { Command } from 'commander';
import { DEFAULT_REGION, handleSourceRoute, isWorkbenchError, readRunningServe, signedHeaders, stateDirOf, userCredentialChain } from '../../core';
import { openWorkbench, parseSourceEndpoints, READ_ONLY_ENGINE, resolveTemplatePath, UsageError, type CommonOptions } from '../templateOption';

// `send-message`, `put-record`, `queues`, `streams`, `purge`: the project's embedded (or
// configured) queues and streams. With a `serve` running on the project (found through its state
// directory, or `--endpoint`), they go through it, so its mappings process what is sent; without
// one, they open the project's state directly. To a `serve --verify-signatures` (serve.json says so,
// or it answers MissingAuthenticationTokenException) requests are SigV4-signed with the user's
// credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, else AWS_PROFILE's).

interface SourceOptions extends CommonOptions {
  endpoint?: string;
  json?: boolean;
}

type Call = { method: string; path: string; body?: unknown };

async function call(options: SourceOptions, request: Call): Promise<{ status: number; body?: any }> {
  const template = resolveTemplatePath(options.template);
  const running = readRunningServe(stateDirOf(template));
  const url = options.endpoint ?? running?.url;
  const payload = Buffer.from(request.body === undefined ? '' : JSON.stringify(request.body));
  if (url) {
    // The serve's engine has its own endpoints (its --source-endpoint options).
    if (parseSourceEndpoints(options.sourceEndpoint)) {
      process.stderr.write(`Warning: --source-endpoint is ignored: going through lambda-workbench serve at ${url}, which uses its own.\n`);
    }
    const region = running?.region ?? options.region ?? process.env.AWS_REGION ?? DEFAULT_REGION;
    const verifying = !!running?.verifySignatures && (!options.endpoint || options.endpoint === running.url);
    const result = await httpCall(url, request.method, request.path, payload, verifying ? region : undefined);
    if (!verifying && result.status === 403 && result.body?.__type === 'MissingAuthenticationTokenException') {
      return httpCall(url, request.method, request.path, payload, region);
    }
    return result;
  }
  const workbench = await openWorkbench(options, READ_ONLY_ENGINE);
  try {
    const result = await handleSourceRoute(workbench.eventSources.sources, request.method, request.path, payload);
    return result ?? { status: 404 };
  } catch (error) {
    if (isWorkbenchError(error)) return { status: error.statusCode, body: { message: error.message, __type: error.code } };
    throw error;
  } finally {
    await workbench.close();
  }
}

/** The user's credentials, for a serve that verifies signatures; a one-line usage error when there are none. */
async function credentialsFor(base: string) {
  const credentials = await userCredentialChain()();
  if (credentials.source === 'fake') {
    throw new UsageError(
      `lambda-workbench serve at ${base} verifies signatures (--verify-signatures): no credentials to sign with in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a profile (AWS_PROFILE)`,
    );
  }
  return credentials;
}

/** A request to the serve; SigV4-signed in `signRegion` when given. */
async function httpCall(base: string, method: string, pathname: string, payload: Buffer, signRegion?: string): Promise<{ status: number; body?: any }> {
  const target = new URL(pathname, base);
  let headers: Record<string, string> = { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) };
  if (signRegion) headers = await signedHeaders(await credentialsFor(base), signRegion, method, target, headers, payload);
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const type = res.headers['x-amzn-errortype'];
        let body: any;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = { message: text };
        }
        if (type && body) body.__type = type;
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', (error) => reject(new UsageError(`Cannot reach lambda-workbench serve at ${base}: ${error.message}`)));
    req.end(payload);
  });
}

/** The result's body, or exit 2 with the server's message. */
async function expectOk(options: SourceOptions, request: Call): Promise<any> {
  const result = await call(options, request);
  if (result.status >= 400) {
    throw new UsageError(`${result.body?.__type ?? `HTTP ${result.status}`}: ${result.body?.message ?? result.body?.Message ?? 'failed'}`);
  }
  return result.body;
}

function table(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) {
    process.stdout.write(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd() + '\n',
    );
  }
}

export function registerSources(program: Command, withCommon: (c: Command) => Command): void {
  const common = (command: Command) =>
    withCommon(command).option(
      '--endpoint <url>',
      "a running `lambda-workbench serve` (default: the one running on this project, else the project's state directly)",
    );

  common(
    program
      .command('send-message')
      .description('Send a message to a queue of the project (SendMessage)')
      .argument('<queue>', 'logical id, name or ARN of the queue')
      .requiredOption('--body <text>', 'the message body')
      .option('--group-id <id>', 'MessageGroupId (FIFO queues)')
      .option('--deduplication-id <id>', 'MessageDeduplicationId (FIFO queues without content-based deduplication)')
      .option('--delay <seconds>', 'DelaySeconds')
      .option('--json', 'print the result as JSON'),
  ).action(async (queue: string, options: SourceOptions & { body: string; groupId?: string; deduplicationId?: string; delay?: string }) => {
    const delay = options.delay === undefined ? undefined : Number(options.delay);
    if (delay !== undefined && !Number.isInteger(delay)) throw new UsageError(`--delay expects whole seconds, got "${options.delay}"`);
    const result = await expectOk(options, {
      method: 'POST',
      path: `/_workbench/queues/${encodeURIComponent(queue)}/messages`,
      body: { Body: options.body, MessageGroupId: options.groupId, MessageDeduplicationId: options.deduplicationId, DelaySeconds: delay },
    });
    process.stdout.write(
      options.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : `Sent message ${result.MessageId} to ${queue}${result.SequenceNumber ? ` (sequence number ${result.SequenceNumber})` : ''}\n`,
    );
  });

  common(
    program
      .command('put-record')
      .description('Put a record into a stream of the project (Kinesis PutRecord; a DynamoDB stream takes --change)')
      .argument('<stream>', 'logical id, name or ARN of the stream')
      .option('--data <text>', 'the record data (text; --data-base64 for bytes)')
      .option('--data-base64 <base64>', 'the record data, base64')
      .option('--partition-key <key>', 'the partition key (which shard)')
      .option('--change <json>', 'DynamoDB streams: {"eventName":"INSERT","Keys":{…},"NewImage":{…}}')
      .option('--json', 'print the result as JSON'),
  ).action(async (stream: string, options: SourceOptions & { data?: string; dataBase64?: string; partitionKey?: string; change?: string }) => {
    let body: unknown;
    if (options.change !== undefined) {
      try {
        body = { Change: JSON.parse(options.change) };
      } catch {
        throw new UsageError('--change must be JSON, e.g. {"eventName":"INSERT","Keys":{"id":{"S":"1"}},"NewImage":{"id":{"S":"1"}}}');
      }
    } else {
      const data = options.dataBase64 ?? (options.data !== undefined ? Buffer.from(options.data, 'utf8').toString('base64') : undefined);
      if (data === undefined || !options.partitionKey) {
        throw new UsageError('put-record needs --data (or --data-base64) and --partition-key (or --change for a DynamoDB stream)');
      }
      body = { Data: data, PartitionKey: options.partitionKey };
    }
    const result = await expectOk(options, { method: 'POST', path: `/_workbench/streams/${encodeURIComponent(stream)}/records`, body });
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `Put record ${result.SequenceNumber} into ${stream} (${result.ShardId})\n`);
  });

  common(
    program.command('purge').description('Delete every message of a queue (PurgeQueue)').argument('<queue>', 'logical id, name or ARN of the queue'),
  ).action(async (queue: string, options: SourceOptions) => {
    await expectOk(options, { method: 'DELETE', path: `/_workbench/queues/${encodeURIComponent(queue)}/messages` });
    process.stdout.write(`Purged ${queue}\n`);
  });

  common(program.command('queues').description('List the queues of the project with their message counts').option('--json', 'print JSON')).action(
    async (options: SourceOptions) => {
      const { Queues } = await expectOk(options, { method: 'GET', path: '/_workbench/queues' });
      if (options.json) return void process.stdout.write(`${JSON.stringify(Queues, null, 2)}\n`);
      if (Queues.length === 0) return void process.stdout.write('The template declares no queues (AWS::SQS::Queue)\n');
      table([
        ['QUEUE', 'VISIBLE', 'IN FLIGHT', 'DELAYED', 'WHERE'],
        ...Queues.map((q: any) => [
          q.LogicalId && q.LogicalId !== q.Name ? `${q.LogicalId} (${q.Name})` : q.Name,
          String(q.Visible ?? '?'),
          String(q.InFlight ?? '?'),
          String(q.Delayed ?? '?'),
          q.Endpoint,
        ]),
      ]);
    },
  );

  common(program.command('streams').description('List the streams of the project').option('--json', 'print JSON')).action(async (options: SourceOptions) => {
    const { Streams } = await expectOk(options, { method: 'GET', path: '/_workbench/streams' });
    if (options.json) return void process.stdout.write(`${JSON.stringify(Streams, null, 2)}\n`);
    if (Streams.length === 0) return void process.stdout.write('The template declares no streams (AWS::Kinesis::Stream, DynamoDB StreamSpecification)\n');
    table([
      ['STREAM', 'KIND', 'SHARDS', 'WHERE'],
      ...Streams.map((s: any) => [s.LogicalId && s.LogicalId !== s.Name ? `${s.LogicalId} (${s.Name})` : s.Name, s.Kind, String(s.Shards), s.Endpoint]),
    ]);
  });
}
