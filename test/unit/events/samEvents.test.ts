import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { allOptions, CATALOG, generateSampleEvent, type EventOptionValues } from '../../../src/core/events';
import { buildIfStale, runCli } from '../helpers/build';

// Every type of `sam local generate-event` against SAM CLI's own template for it: the catalog has
// it under SAM's service and type names, the generated document has the template's key structure
// (data/sam-generate-event-keys.json, written from SAM's templates; see its _source and _licence),
// and every option SAM declares for it is declared here with SAM's default and changes the document.

interface SamType {
  options: Record<string, string>;
  keys: Record<string, string>;
}

const SAM: Record<string, SamType> = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'sam-generate-event-keys.json'), 'utf8')).types;
const FIXED = { seed: 'sam-events', time: '2024-05-06T07:08:09.123Z' };

interface Adjustments {
  /** Options that put the event in the template's situation. */
  options?: EventOptionValues;
  /** Paths of objects whose keys are user data (headers, parameters…): only the object itself is compared. */
  maps?: string[];
  /** Paths the generated event has and the template lacks, for the reason given next to them. */
  extra?: string[];
  /** Paths the template has and the generated event lacks, for the reason given next to them. */
  missing?: string[];
  /** Kinds that differ from the template's, for the reason given next to them. */
  kinds?: Record<string, string>;
}

const HTTP_MAPS = ['headers', 'multiValueHeaders', 'queryStringParameters', 'multiValueQueryStringParameters', 'pathParameters', 'stageVariables'];

const ADJUSTMENTS: Record<string, Adjustments> = {
  'apigateway aws-proxy': {
    options: { 'stage-variables': { baz: 'qux' } },
    maps: HTTP_MAPS,
    // API Gateway sends these; SAM's template predates them.
    extra: [
      'requestContext.extendedRequestId',
      'requestContext.domainPrefix',
      'requestContext.domainName',
      'requestContext.identity.apiKey',
      'requestContext.identity.apiKeyId',
      'requestContext.identity.principalOrgId',
      'requestContext.identity.clientCert',
    ],
  },
  'apigateway http-api-proxy': {
    // Everything SAM's template has: query string, cookies, mutual TLS, a JWT authorizer, a path parameter, stage variables.
    options: {
      'query-string': 'parameter1=value1&parameter1=value2&parameter2=value',
      cookies: 'cookie1,cookie2',
      'client-cert': true,
      authorizer: 'jwt',
      scopes: 'scope1,scope2',
      'route-key': 'POST /path/to/{parameter1}',
      path: '/path/to/resource',
      'stage-variables': { stageVariable1: 'value1' },
    },
    maps: [...HTTP_MAPS, 'requestContext.authorizer.jwt.claims'],
  },
  'apigateway request-authorizer': {
    maps: ['headers', 'multiValueHeaders', 'queryStringParameters', 'multiValueQueryStringParameters'],
    // API Gateway sends the multi-value maps, the whole REST identity (null where the caller has none) and the
    // request's protocol and time, as @types/aws-lambda's APIGatewayRequestAuthorizerEvent has them; SAM's template leaves them out.
    extra: [
      'multiValueHeaders',
      'multiValueQueryStringParameters',
      ...['cognitoIdentityPoolId', 'accountId', 'cognitoIdentityId', 'caller', 'apiKeyId', 'principalOrgId', 'accessKey'].map(
        (k) => `requestContext.identity.${k}`,
      ),
      ...['cognitoAuthenticationType', 'cognitoAuthenticationProvider', 'userArn', 'userAgent', 'user'].map((k) => `requestContext.identity.${k}`),
      'requestContext.protocol',
      'requestContext.requestTime',
      'requestContext.requestTimeEpoch',
    ],
  },
  // AppSync sends the custom domain, null without one.
  'appsync resolver': { extra: ['request.domainName'] },
  // CloudFormation sends the handler's ARN at the top and in the properties.
  'cloudformation create-request': { extra: ['ServiceToken', 'ResourceProperties.ServiceToken'] },
  // EventBridge events carry version "0"; SAM's template leaves it out.
  'cloudwatch scheduled-event': { extra: ['version'] },
  // Firehose names the delivery stream in every invocation; some of SAM's templates leave it out.
  'kinesis apachelog': { extra: ['deliveryStreamArn'] },
  // The template's second record has an ISO string for approximateArrivalTimestamp; Firehose sends epoch milliseconds.
  'kinesis syslog': { extra: ['deliveryStreamArn'], kinds: { 'records[].approximateArrivalTimestamp': 'number' } },
  // The template misspells deliveryStreamArn; a stream-sourced delivery also names its source stream.
  'kinesis streams-as-source': { missing: ['deliverySteamArn'], extra: ['deliveryStreamArn', 'sourceKinesisStreamArn'] },
  // SES sends DMARC's verdict too.
  'ses email-receiving': { extra: ['Records[].ses.receipt.dmarcVerdict', 'Records[].ses.receipt.dmarcVerdict.status'] },
  // s3VersionId is null for unversioned buckets; the template's object is versioned.
  's3 batch-invocation': { options: { 'version-id': '1' } },
};

// Lambda@Edge sends the distribution's domain, the trigger and a request id in config, and every
// request has querystring ("" when none) and clientIp; SAM's templates have some of these.
const EDGE_CONFIG = ['distributionDomainName', 'eventType', 'requestId'].map((k) => `Records[].cf.config.${k}`);
for (const type of [
  'ab-test',
  'access-request-in-response',
  'http-redirect',
  'multiple-remote-calls-aggregate-response',
  'redirect-on-viewer-country',
  'response-generation',
  'serve-object-on-viewer-device',
  'simple-remote-call',
]) {
  ADJUSTMENTS[`cloudfront ${type}`] = { extra: [...EDGE_CONFIG, 'Records[].cf.request.querystring'] };
}
for (const type of ['modify-querystring', 'normalize-querystring-to-improve-cache-hit', 'modify-response-header']) {
  ADJUSTMENTS[`cloudfront ${type}`] = { extra: EDGE_CONFIG };
}
ADJUSTMENTS['cloudfront redirect-unauthenticated-users'] = { extra: [...EDGE_CONFIG, 'Records[].cf.request.clientIp'] };

// Lex V1 sends what the user said, request attributes (null without) and each slot's resolutions,
// and slot values as strings (SAM's templates have numbers for DriverAge and Nights).
const LEX_V1: Adjustments = { maps: ['currentIntent.slotDetails'], extra: ['inputTranscript', 'requestAttributes', 'currentIntent.slotDetails'] };
ADJUSTMENTS['lex book-car'] = { ...LEX_V1, kinds: { 'currentIntent.slots.DriverAge': 'string' } };
ADJUSTMENTS['lex book-hotel'] = { ...LEX_V1, kinds: { 'currentIntent.slots.Nights': 'string' } };
ADJUSTMENTS['lex make-appointment'] = LEX_V1;
ADJUSTMENTS['lex order-flowers'] = LEX_V1;

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Key paths → value kinds, array elements merged under `[]` ('mixed' where they differ), as in the data file. */
function keyStructure(value: unknown, at = '', out: Record<string, string> = {}): Record<string, string> {
  const k = kind(value);
  const p = at || '$';
  out[p] = out[p] === undefined || out[p] === k ? k : 'mixed';
  if (k === 'array') for (const element of value as unknown[]) keyStructure(element, `${at}[]`, out);
  else if (k === 'object') for (const [key, v] of Object.entries(value as object)) keyStructure(v, at ? `${at}.${key}` : key, out);
  return out;
}

function withoutMapContents(keys: Record<string, string>, maps: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(keys).filter(([p]) => !maps.some((m) => p.startsWith(`${m}.`) || p.startsWith(`${m}[]`))));
}

function generate(name: string, options: EventOptionValues = {}): unknown {
  const [service, type] = name.split(' ');
  return JSON.parse(JSON.stringify(generateSampleEvent(service, type, { ...FIXED, ...options })));
}

/** Option values that fit each option's format, for the "changes the document" check. */
const SAMPLE_VALUES: Record<string, string> = {
  region: 'eu-west-3',
  'account-id': '210987654321',
  partition: 'aws-cn',
  sequence: '49590338271490256608559692538361571095921575989136588802',
  'bucket-arn': 'arn:aws:s3:::zz-bucket',
  'flow-direction': 'OUTBOUND',
  querystringparameters: '{"zzkey":"zzvalue"}',
  resource: '/{zz+}',
  method: 'PATCH',
  data: 'zz-option-data',
};

/** Ours differs from SAM's default, for the reason given. */
const DEFAULT_DIFFERENCES: Record<string, string> = {
  'account-id': "the workbench's local account, 000000000000, as everywhere in the engine",
  'dns-suffix@apigateway': "the region's (SAM's is us-east-1's whatever --region says)",
  'sequence@kinesis get-records': 'generated, then increasing through the batch',
  'data@kinesis apachelog': "SAM's default has a stray '=' of padding; ours is the same line, valid base64",
};

function defaultDifference(name: string, option: string): string | undefined {
  return DEFAULT_DIFFERENCES[option] ?? DEFAULT_DIFFERENCES[`${option}@${name}`] ?? DEFAULT_DIFFERENCES[`${option}@${name.split(' ')[0]}`];
}

describe("sample events: every `sam local generate-event` type, in SAM's names and shapes", () => {
  it('the data file has all 68 of SAM CLI types, and the catalog has each under the same service and type names', () => {
    assert.equal(Object.keys(SAM).length, 68);
    const absent = Object.keys(SAM).filter((name) => {
      const [service, type] = name.split(' ');
      return !CATALOG[service]?.[type];
    });
    assert.deepEqual(absent, []);
  });

  for (const name of Object.keys(SAM)) {
    it(`${name}: the key structure of SAM's template`, () => {
      const adjust = ADJUSTMENTS[name] ?? {};
      const maps = adjust.maps ?? [];
      const actual = withoutMapContents(keyStructure(generate(name, adjust.options)), maps);
      const expected = withoutMapContents({ ...SAM[name].keys, ...adjust.kinds }, maps);
      for (const p of adjust.extra ?? []) {
        assert.ok(p in actual && !(p in expected), `${p}: listed as extra, but it is not (stale adjustment)`);
        delete actual[p];
      }
      for (const p of adjust.missing ?? []) {
        assert.ok(p in expected && !(p in actual), `${p}: listed as missing, but it is not (stale adjustment)`);
        delete expected[p];
      }
      assert.deepEqual(actual, expected);
    });
  }

  for (const [name, sam] of Object.entries(SAM)) {
    if (Object.keys(sam.options).length === 0) continue;
    it(`${name}: SAM's options (${Object.keys(sam.options).join(', ')}) are declared with SAM's defaults and change the document`, () => {
      const [service, type] = name.split(' ');
      const declared = allOptions(CATALOG[service][type]);
      const base = JSON.stringify(generate(name));
      for (const [option, samDefault] of Object.entries(sam.options)) {
        const spec = declared.find((o) => o.name === option);
        assert.ok(spec, `--${option} is not declared`);
        if (!defaultDifference(name, option)) {
          if (spec.kind === 'json') assert.deepEqual(JSON.parse(spec.default ?? 'null'), JSON.parse(samDefault), `--${option} default`);
          else assert.equal(spec.default, samDefault, `--${option} default`);
        }
        const value = SAMPLE_VALUES[option] ?? `zz-${option}-value`;
        const text = JSON.stringify(generate(name, { [option]: value }));
        assert.notEqual(text, base, `--${option} ${value} changes nothing`);
        const marker = option === 'querystringparameters' ? 'zzvalue' : value;
        const forms = [marker, JSON.stringify(marker).slice(1, -1), Buffer.from(marker).toString('base64'), encodeURIComponent(marker)];
        assert.ok(
          forms.some((f) => text.includes(f)),
          `--${option} ${value} does not appear in the document`,
        );
      }
    });
  }

  it('sns notification: the MessageAttributes of SAM\'s template by default (Test, TestBinary); "{}" gives none', () => {
    const sns = (options: EventOptionValues = {}) =>
      (generate('sns notification', options) as { Records: { Sns: { MessageAttributes: object } }[] }).Records[0].Sns;
    assert.deepEqual(sns().MessageAttributes, {
      Test: { Type: 'String', Value: 'TestString' },
      TestBinary: { Type: 'Binary', Value: Buffer.from('TestBinary').toString('base64') },
    });
    assert.deepEqual(sns({ 'message-attributes': {} }).MessageAttributes, {});
  });

  it('values as the services write them: ALB and Analytics base64, S3 batch URL-encoded keys, KPL aggregation, gzip log deliveries', () => {
    const alb = generate('alb request', { body: 'héllo' }) as { body: string; isBase64Encoded: boolean };
    assert.equal(Buffer.from(alb.body, 'base64').toString('utf8'), 'héllo');
    const analytics = generate('kinesis analytics', { data: 'row 1' }) as { records: { data: string }[] };
    assert.equal(Buffer.from(analytics.records[0].data, 'base64').toString(), 'row 1');
    const batch = generate('s3 batch-invocation', { key: 'a b/ü.txt' }) as { tasks: { s3Key: string; s3VersionId: unknown }[] };
    assert.equal(decodeURIComponent(batch.tasks[0].s3Key.replace(/\+/g, ' ')), 'a b/ü.txt');
    assert.equal((generate('s3 batch-invocation') as typeof batch).tasks[0].s3VersionId, null);

    const kpl = Buffer.from((generate('kinesis analytics-kpl', { records: 'one,two' }) as { records: { data: string }[] }).records[0].data, 'base64');
    assert.deepEqual([...kpl.subarray(0, 4)], [0xf3, 0x89, 0x9a, 0xc2], 'KPL magic');
    const message = kpl.subarray(4, kpl.length - 16);
    assert.deepEqual(kpl.subarray(kpl.length - 16), createHash('md5').update(message).digest(), 'MD5 trailer of the protobuf');
    assert.ok(message.includes(Buffer.from('one')) && message.includes(Buffer.from('two')));

    const logs = generate('kinesis cloudwatch-logs-processor', { 'data-messages': 2, 'log-group': '/aws/lambda/zz' }) as { records: { data: string }[] };
    const decoded = logs.records.map((r) => JSON.parse(gunzipSync(Buffer.from(r.data, 'base64')).toString()));
    assert.deepEqual(
      decoded.map((d) => d.messageType),
      ['CONTROL_MESSAGE', 'DATA_MESSAGE', 'DATA_MESSAGE'],
    );
    assert.equal(decoded[1].logGroup, '/aws/lambda/zz');
  });

  it('cloudformation: create, update and delete requests (update and delete name the physical resource; update has the old properties)', () => {
    type Request = Record<string, unknown> & { ResourceProperties: Record<string, unknown> };
    const create = generate('cloudformation create-request', { stack: 'Shop', properties: { Size: '3' } }) as Request;
    assert.equal(create.RequestType, 'Create');
    assert.deepEqual(create.ResourceProperties, { ServiceToken: create.ServiceToken, StackName: 'Shop', Size: '3' });
    assert.equal(create.ServiceToken, 'arn:aws:lambda:us-east-1:000000000000:function:Shop-CustomResourceHandler');
    assert.ok(!('PhysicalResourceId' in create));
    assert.match(String(create.StackId), /^arn:aws:cloudformation:us-east-1:000000000000:stack\/Shop\/[0-9a-f-]{36}$/);
    const update = generate('cloudformation update-request') as Request;
    assert.equal(update.RequestType, 'Update');
    assert.ok('PhysicalResourceId' in update && 'OldResourceProperties' in update);
    const del = generate('cloudformation delete-request') as Request;
    assert.equal(del.RequestType, 'Delete');
    assert.ok('PhysicalResourceId' in del && !('OldResourceProperties' in del));
  });

  it('seeded: the same seed and time give the same document, another seed another one', () => {
    for (const name of Object.keys(SAM)) {
      assert.deepEqual(generate(name), generate(name), name);
    }
    assert.notDeepEqual(generate('codepipeline job'), generate('codepipeline job', { seed: 'other' }));
  });
});

describe('CLI: generate-event lists and generates the SAM types', function () {
  this.timeout(60000);
  before(() => buildIfStale());

  it("lists every service and type of SAM's", async () => {
    const r = await runCli(['generate-event'], process.cwd());
    assert.equal(r.status, 0, r.stderr);
    for (const name of Object.keys(SAM)) {
      const [service, type] = name.split(' ');
      assert.match(r.stdout, new RegExp(`^\\s+${service}\\s+${type}\\s`, 'm'), `${name} listed`);
    }
  });

  it("generates a type with SAM's option names (apigateway authorizer --restApiId --stage)", async () => {
    const r = await runCli(['generate-event', 'apigateway', 'authorizer', '--restApiId', 'abc123', '--stage', 'dev', '--region', 'eu-west-1'], process.cwd());
    assert.equal(r.status, 0, r.stderr);
    const event = JSON.parse(r.stdout);
    assert.equal(event.type, 'TOKEN');
    assert.equal(event.methodArn, 'arn:aws:execute-api:eu-west-1:000000000000:abc123/dev/POST/{proxy+}');
  });
});
