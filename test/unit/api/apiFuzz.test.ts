import { strict as assert } from 'node:assert';
import { buildIfStale } from '../helpers/build';
import { httpRequest } from '../helpers/http';
import { JOBS_QUEUE_AND_CLICKS_STREAM, samTemplate, writeProject } from '../helpers/project';
import { listening, startServe, stopServe, type ServeProcess } from '../helpers/serveProcess';
import { prng } from '../helpers/fuzz';

// A seeded fuzz of the local API of a real `lambda-workbench serve` (bounded: ~10 s): mutated
// methods, paths (percent-escapes, long segments, unknown routes, qualifiers), headers and bodies
// across the /2015-03-31, /2017-10-31, /2019-09-25, /2019-09-30 and /_workbench/ queue and stream
// routes. A client's mistake is a 4xx with AWS's error shape; nothing is a 500, shows a stack trace
// or hangs, and serve still answers a valid invoke at the end.

// Fixed, so that a failure replays; LWB_FUZZ_SEED=<number> explores another sequence.
const SEED = Number(process.env.LWB_FUZZ_SEED ?? 0x16f022);
const BUDGET_MS = 10000;
const IN_FLIGHT = 8;
const REQUEST_TIMEOUT_MS = 8000;

const TEMPLATE = `${samTemplate({
  Echo: { handler: 'app.handler', props: 'AutoPublishAlias: live\nTimeout: 5' },
})}${JOBS_QUEUE_AND_CLICKS_STREAM}`;

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  const garbage = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');
  const segment = () =>
    pick([
      'Echo',
      'Echo',
      'Echo:live',
      'Echo:1',
      'Echo:$LATEST',
      'Echo:nope',
      'Nope',
      'Jobs',
      'Clicks',
      'arn:aws:lambda:us-east-1:000000000000:function:Echo',
      'arn:aws:lambda:us-east-1:000000000000:function:Echo:live',
      '000000000000:function:Echo',
      '%ZZ',
      '%E0%A4%A',
      '%',
      '%2',
      '%00',
      '%F0%9F%98%80',
      '%2F',
      '..',
      '.',
      'a'.repeat(300),
      'x'.repeat(5000),
      encodeURIComponent(garbage(12)),
      '',
    ]);
  const query = () => {
    if (!chance(0.5)) return '';
    const parts: string[] = [];
    if (chance(0.7)) parts.push(`Qualifier=${pick(['live', '1', '$LATEST', '%24LATEST', 'nope', '%ZZ', '', 'q'.repeat(200), '99999999999999999999'])}`);
    if (chance(0.3)) parts.push(`Marker=${pick(['MQ==', 'garbage', '%ZZ', '', 'LTE='])}`);
    if (chance(0.3)) parts.push(`MaxItems=${pick(['1', '0', '-1', 'abc', '100000', '1.5'])}`);
    if (chance(0.2)) parts.push(`FunctionVersion=${pick(['ALL', 'all', '1', ''])}`);
    if (chance(0.2)) parts.push(`FunctionName=${pick(['Echo', 'Nope', '%ZZ'])}`);
    return `?${parts.join('&')}`;
  };
  // Each route with the method its operation takes (used 3 times in 4; otherwise any method).
  const routes: Array<[string, () => string]> = [
    ['POST', () => `/2015-03-31/functions/${segment()}/invocations`],
    ['POST', () => `/2015-03-31/functions/${segment()}/invocations`],
    ['POST', () => `/2015-03-31/functions/${segment()}/invocations`],
    ['GET', () => `/2015-03-31/functions/${segment()}`],
    ['GET', () => `/2015-03-31/functions/${segment()}/configuration`],
    ['POST', () => `/2015-03-31/functions/${segment()}/versions`],
    ['GET', () => `/2015-03-31/functions/${segment()}/versions`],
    ['POST', () => `/2015-03-31/functions/${segment()}/aliases`],
    ['GET', () => `/2015-03-31/functions/${segment()}/aliases`],
    [pick(['GET', 'PUT', 'DELETE']), () => `/2015-03-31/functions/${segment()}/aliases/${segment()}`],
    [
      'GET',
      () =>
        pick([
          '/2015-03-31/functions',
          '/2015-03-31/functions/',
          '/2015-03-31/',
          '/',
          '/2015-03-31/functions//invocations',
          '/nope',
          '/2016-08-19/account-settings',
        ]),
    ],
    [pick(['PUT', 'DELETE']), () => `/2017-10-31/functions/${segment()}/concurrency`],
    ['GET', () => `/2019-09-30/functions/${segment()}/concurrency`],
    [pick(['PUT', 'GET']), () => `/2019-09-30/functions/${segment()}/provisioned-concurrency`],
    [pick(['PUT', 'GET']), () => `/2019-09-25/functions/${segment()}/event-invoke-config`],
    [
      pick(['POST', 'GET', 'PUT', 'DELETE']),
      () => `/2015-03-31/event-source-mappings/${chance(0.5) ? '' : pick(['00000000-0000-4000-8000-000000000000', '%ZZ', segment()])}`,
    ],
    ['GET', () => pick(['/_workbench/queues', '/_workbench/queues/', '/_workbench/streams', '/_workbench/streams/', '/_workbench/', '/_workbench/nope'])],
    [pick(['POST', 'POST', 'DELETE']), () => `/_workbench/queues/${pick(['Jobs', 'Jobs', segment()])}/messages`],
    ['POST', () => `/_workbench/streams/${pick(['Clicks', 'Clicks', segment()])}/records`],
  ];
  const value = (): unknown =>
    pick<unknown>([
      null,
      true,
      0,
      -1,
      1,
      2,
      1.5,
      100000,
      901,
      1e308,
      'x',
      '',
      'live',
      '1',
      '$LATEST',
      [],
      {},
      ['a'],
      { a: 1 },
      'k'.repeat(300),
      'eA==',
      '!!notbase64!!',
    ]);
  const objectBody = (): Record<string, unknown> => {
    const fields = [
      'Name',
      'FunctionVersion',
      'Description',
      'RoutingConfig',
      'RevisionId',
      'ProvisionedConcurrentExecutions',
      'ReservedConcurrentExecutions',
      'MaximumRetryAttempts',
      'MaximumEventAgeInSeconds',
      'DestinationConfig',
      'Body',
      'MessageGroupId',
      'MessageDeduplicationId',
      'DelaySeconds',
      'MessageAttributes',
      'Data',
      'PartitionKey',
      'Change',
      'EventSourceArn',
      'FunctionName',
      'BatchSize',
      'Enabled',
      'StartingPosition',
      'CodeSha256',
    ];
    const body: Record<string, unknown> = {};
    for (let i = 0, n = 1 + Math.floor(random() * 4); i < n; i++) body[pick(fields)] = value();
    if (chance(0.2)) body.RoutingConfig = { AdditionalVersionWeights: { [pick(['1', '2', 'x', '$LATEST'])]: value() } };
    if (chance(0.2)) {
      body.MessageAttributes = {
        [pick(['a', '', '.bad', 'AWS.x'])]: pick<unknown>([
          { DataType: 'String', StringValue: 'v' },
          { DataType: 'Nope' },
          'x',
          null,
          { DataType: 'Binary', BinaryValue: 5 },
        ]),
      };
    }
    if (chance(0.2)) {
      body.Change = pick<unknown>([
        { eventName: 'INSERT', Keys: { id: { S: '1' } } },
        { eventName: 'NOPE' },
        { eventName: 'MODIFY', Keys: 'x' },
        'x',
        [],
        { Keys: { id: { N: 'x' } } },
      ]);
    }
    // Keep what would start hundreds of environments out: within bounds, provisioned concurrency is a few.
    if (body.ProvisionedConcurrentExecutions === 901 || body.ReservedConcurrentExecutions === 0) delete body.ProvisionedConcurrentExecutions;
    return body;
  };
  const body = (): string | undefined =>
    pick<() => string | undefined>([
      () => undefined,
      () => '',
      () => '{}',
      () => JSON.stringify(objectBody()),
      () => JSON.stringify(objectBody()),
      () => JSON.stringify(objectBody()),
      () => JSON.stringify({ hello: garbage(20) }),
      () => '{"unterminated": ',
      () => garbage(40),
      () => pick(['null', '[]', '123', '"str"', 'true', '{"a":1}{"b":2}', '\u0000\u0001', '{"Body":"\\ud800"}']),
      () => '['.repeat(5000) + ']'.repeat(5000),
      () => JSON.stringify({ Data: 'A'.repeat(pick([10, 1_500_000])), PartitionKey: pick(['k', 'k'.repeat(257), '']) }),
      () => (chance(0.3) ? 'x'.repeat(7 * 1024 * 1024) : JSON.stringify({ big: 'y'.repeat(300_000) })),
    ])();
  const headers = (): Record<string, string> => {
    const h: Record<string, string> = {};
    if (chance(0.6)) h['content-type'] = pick(['application/json', 'text/plain', 'application/x-amz-json-1.1', 'application/octet-stream', garbage(8)]);
    if (chance(0.4)) h['x-amz-invocation-type'] = pick(['RequestResponse', 'Event', 'DryRun', 'event', '', garbage(6)]);
    if (chance(0.3)) h['x-amz-log-type'] = pick(['None', 'Tail', 'tail', garbage(5)]);
    if (chance(0.3)) {
      h['x-amz-client-context'] = pick([
        Buffer.from(JSON.stringify({ custom: { a: 1 } })).toString('base64'),
        Buffer.from('not json').toString('base64'),
        '!!!',
        '====',
        garbage(30).replace(/[^A-Za-z0-9+/=]/g, ''),
        'a'.repeat(4000),
        Buffer.from('[1,2]').toString('base64'),
        Buffer.from('"s"').toString('base64'),
      ]);
    }
    if (chance(0.1)) h['x-amzn-trace-id'] = pick(['Root=1-5759e988-bd862e3fe1be46a994272793', garbage(20)]);
    return h;
  };
  return (): FuzzRequest => {
    const [method, path] = pick(routes);
    return {
      method: chance(0.75) ? method : pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']),
      path: path() + query(),
      headers: headers(),
      body: body(),
    };
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

describe(`API fuzz against serve (seed ${SEED.toString(16)}, ~${BUDGET_MS / 1000} s)`, function () {
  this.timeout(BUDGET_MS + 60000);
  let serve: ServeProcess | undefined;

  before(() => buildIfStale());
  after(async () => {
    if (serve) await stopServe(serve, 5000);
  });

  it('no 500, every error is AWS-shaped (JSON message + x-amzn-ErrorType), no stack trace, no hang; serve still answers', async () => {
    const dir = writeProject({ 'template.yaml': TEMPLATE, 'src/app.js': 'exports.handler = async (event) => ({ echoed: event });' });
    serve = startServe(['--template', dir, '--port', '0']);
    const url = await listening(serve);
    const next = generator(prng(SEED));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let functionErrors = 0;
    let count = 0;
    const deadline = Date.now() + BUDGET_MS;
    const describeRequest = (r: FuzzRequest) =>
      `${r.method} ${r.path.length > 160 ? `${r.path.slice(0, 160)}…` : r.path} headers ${JSON.stringify(r.headers).slice(0, 200)} body ${r.body === undefined ? '-' : r.body.length > 120 ? `${r.body.slice(0, 120)}… (${r.body.length} chars)` : JSON.stringify(r.body)}`;
    const worker = async () => {
      while (Date.now() < deadline && failures.length < 20) {
        const request = next();
        count++;
        let res: { status: number; headers: Record<string, string | string[] | undefined>; body: string };
        try {
          // A body always goes with its Content-Length (node:http sends a GET's body without one: not HTTP).
          const headers = request.body === undefined ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
          res = await withTimeout(httpRequest(request.method, `${url}${request.path}`, request.body, headers), REQUEST_TIMEOUT_MS, describeRequest(request));
        } catch (error) {
          failures.push(`${(error as Error).message} — ${describeRequest(request)}`);
          continue;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const problems: string[] = [];
        if (res.status >= 500) problems.push(`status ${res.status}`);
        // A function error is the function's own (its errorType, message and trace, as Lambda returns them): a 200.
        const functionError = res.headers['x-amz-function-error'] !== undefined;
        if (functionError) functionErrors++;
        if (functionError && res.status !== 200) problems.push('a function error that is not a 200');
        if (!functionError && /\n\s+at | {4}at /.test(res.body)) problems.push('a stack trace in the body');
        if (res.status >= 400) {
          if (!res.headers['x-amzn-errortype']) problems.push('no x-amzn-ErrorType');
          if (request.method !== 'HEAD') {
            try {
              const parsed = JSON.parse(res.body);
              if (typeof parsed.message !== 'string' && typeof parsed.Message !== 'string') problems.push('no message in the JSON body');
            } catch {
              problems.push('the error body is not JSON');
            }
          }
        }
        if (problems.length) failures.push(`${problems.join(', ')}: ${res.status} ${res.body.slice(0, 300)} — ${describeRequest(request)}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    console.log(
      `      API fuzz: ${count} requests in ${BUDGET_MS / 1000} s (seed ${SEED.toString(16)}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}, ${functionErrors} function errors`,
    );
    assert.deepEqual(failures, [], `${failures.length} failure(s):\n${failures.join('\n')}`);
    // Still alive: what the fuzz may have left (reserved concurrency 0) is lifted, then a valid invoke answers.
    await httpRequest('DELETE', `${url}/2017-10-31/functions/Echo/concurrency`);
    const invoke = await withTimeout(httpRequest('POST', `${url}/2015-03-31/functions/Echo/invocations`, '{"ping":1}'), REQUEST_TIMEOUT_MS, 'the final invoke');
    assert.equal(invoke.status, 200, invoke.body);
    assert.deepEqual(JSON.parse(invoke.body), { echoed: { ping: 1 } });
    assert.equal(serve.child.exitCode, null, 'serve is still running');
  });
});
