import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { samTemplate, writeProject } from '../helpers/project';
import { assertAwsCliV2, runLambda, type AwsRun } from '../helpers/awsCli';
import { buildIfStale, TEST_CREDENTIALS } from '../helpers/build';
import { startListening, stopServe, type ListeningServe } from '../helpers/serveProcess';

// Lambda's control-plane operations through the real AWS CLI v2 (Debian's `awscli`, /usr/bin/aws)
// against `lambda-workbench serve` as a user runs it: the built CLI in its own process.

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

const handler = (marker: string) => `
  const MARKER = ${JSON.stringify(marker)};
  exports.handler = async (event, context) => ({
    marker: MARKER,
    version: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    arn: context.invokedFunctionArn,
    init: process.env.AWS_LAMBDA_INITIALIZATION_TYPE,
  });
`;

describe('Control-plane API through the AWS CLI v2 (/usr/bin/aws) against lambda-workbench serve', function () {
  this.timeout(60000);
  let served: ListeningServe | undefined;
  let project: string;
  let home: string;
  const setCode = (dir: string, marker: string) => fs.writeFileSync(path.join(project, dir, 'app.js'), handler(marker));

  /** `aws lambda <args>` with a clean, file-less configuration and no retries. */
  function aws(args: string[]): Promise<AwsRun> {
    return runLambda(args, served!.url, home);
  }

  /** Runs and asserts exit 0; returns the JSON output. */
  async function ok(args: string[]): Promise<any> {
    const r = await aws(args);
    assert.equal(r.status, 0, `aws lambda ${args.join(' ')}: ${r.stderr}`);
    return r.json;
  }

  /** An outfile-based invoke; returns the CLI's output and the function's response. */
  async function invoke(args: string[]): Promise<{ out: any; body: any }> {
    const outfile = path.join(home, `out-${Math.random().toString(36).slice(2)}.json`);
    const out = await ok(['invoke', ...args, '--payload', '{}', outfile]);
    return { out, body: JSON.parse(fs.readFileSync(outfile, 'utf8')) };
  }

  /** The AWS CLI's service-error exit status (254; 255 on older builds) and its one-line message. */
  function assertServiceError(r: AwsRun, code: string, operation: string, message: RegExp): void {
    assert.ok(r.status === 254 || r.status === 255, `exit status ${r.status}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      new RegExp(`An error occurred \\(${code}\\) when calling the ${operation} operation(?: \\(reached max retries: 0\\))?: ${message.source}`),
    );
  }

  before(async function () {
    assertAwsCliV2();
    buildIfStale();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lwb-cp-awscli-'));
    const functions: Record<string, { handler: string; codeUri: string; props?: string }> = {
      Echo: { handler: 'app.handler', codeUri: 'echo', props: 'MemorySize: 256' },
      Aliased: { handler: 'app.handler', codeUri: 'aliased' },
      Limited: { handler: 'app.handler', codeUri: 'limited' },
      Warm: { handler: 'app.handler', codeUri: 'warm' },
    };
    const files: Record<string, string> = { 'template.yaml': samTemplate(functions) };
    for (const { codeUri } of Object.values(functions)) files[`${codeUri}/app.js`] = handler(`${codeUri}-v1`);
    project = writeProject(files);
    served = await startListening(['-t', project], { env: TEST_CREDENTIALS });
  });
  after(async () => {
    await stopServe(served);
    for (const dir of [home, project]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('get-function, get-function-configuration, list-functions (with --max-items / --starting-token)', async () => {
    const config = await ok(['get-function-configuration', '--function-name', 'Echo']);
    assert.equal(config.FunctionName, 'Echo');
    assert.equal(config.FunctionArn, `${ARN}:Echo`);
    assert.equal(config.Version, '$LATEST');
    assert.equal(config.MemorySize, 256);
    assert.match(config.CodeSha256, /^[A-Za-z0-9+/]{43}=$/);
    const fn = await ok(['get-function', '--function-name', `${ARN}:Echo`]);
    assert.deepEqual(fn.Configuration, config);
    assert.equal(fn.Code.RepositoryType, 'S3');
    assert.equal(fn.Tags, undefined);
    const all = await ok(['list-functions']);
    assert.deepEqual(
      all.Functions.map((f: any) => f.FunctionName),
      ['Aliased', 'Echo', 'Limited', 'Warm'],
    );
    // The CLI paginates itself: --max-items gives a NextToken, --starting-token continues.
    const first = await ok(['list-functions', '--max-items', '3']);
    assert.deepEqual(
      first.Functions.map((f: any) => f.FunctionName),
      ['Aliased', 'Echo', 'Limited'],
    );
    assert.ok(first.NextToken);
    const rest = await ok(['list-functions', '--max-items', '3', '--starting-token', first.NextToken]);
    assert.deepEqual(
      rest.Functions.map((f: any) => f.FunctionName),
      ['Warm'],
    );
    // Server-side pages of 1 (the CLI follows NextMarker through all of them).
    const paged = await ok(['list-functions', '--page-size', '1']);
    assert.deepEqual(
      paged.Functions.map((f: any) => f.FunctionName),
      ['Aliased', 'Echo', 'Limited', 'Warm'],
    );
  });

  it('publish-version and list-versions-by-function', async () => {
    const v1 = await ok(['publish-version', '--function-name', 'Echo', '--description', 'first']);
    assert.equal(v1.Version, '1');
    assert.equal(v1.FunctionArn, `${ARN}:Echo:1`);
    assert.equal(v1.Description, 'first');
    assert.equal((await ok(['publish-version', '--function-name', 'Echo'])).Version, '1', 'unchanged: the same version');
    setCode('echo', 'echo-v2');
    const v2 = await ok(['publish-version', '--function-name', 'Echo']);
    assert.equal(v2.Version, '2');
    assert.notEqual(v2.CodeSha256, v1.CodeSha256);
    const list = await ok(['list-versions-by-function', '--function-name', 'Echo']);
    assert.deepEqual(
      list.Versions.map((v: any) => v.Version),
      ['$LATEST', '1', '2'],
    );
    assert.deepEqual(
      list.Versions.map((v: any) => v.FunctionArn),
      [`${ARN}:Echo:$LATEST`, `${ARN}:Echo:1`, `${ARN}:Echo:2`],
    );
    const one = await invoke(['--function-name', 'Echo', '--qualifier', '1']);
    assert.equal(one.out.ExecutedVersion, '1');
    assert.equal(one.body.marker, 'echo-v1');
  });

  it('create-alias, get-alias, update-alias (--routing-config), list-aliases, delete-alias; invoke through the alias', async () => {
    await ok(['publish-version', '--function-name', 'Aliased']);
    setCode('aliased', 'aliased-v2');
    await ok(['publish-version', '--function-name', 'Aliased']);

    // What a shell passes for --routing-config AdditionalVersionWeights={"1"=0.3} (the quotes are the shell's).
    const created = await ok([
      'create-alias',
      '--function-name',
      'Aliased',
      '--name',
      'live',
      '--function-version',
      '2',
      '--description',
      'prod',
      '--routing-config',
      'AdditionalVersionWeights={1=0.3}',
    ]);
    assert.equal(created.AliasArn, `${ARN}:Aliased:live`);
    assert.equal(created.FunctionVersion, '2');
    assert.deepEqual(created.RoutingConfig, { AdditionalVersionWeights: { '1': 0.3 } });
    assert.equal(created.Description, 'prod');
    assert.deepEqual(await ok(['get-alias', '--function-name', 'Aliased', '--name', 'live']), created);

    const updated = await ok([
      'update-alias',
      '--function-name',
      'Aliased',
      '--name',
      'live',
      '--function-version',
      '1',
      '--routing-config',
      'AdditionalVersionWeights={}',
      '--revision-id',
      created.RevisionId,
    ]);
    assert.equal(updated.FunctionVersion, '1');
    assert.equal(updated.RoutingConfig, undefined);
    const stale = await aws(['update-alias', '--function-name', 'Aliased', '--name', 'live', '--function-version', '2', '--revision-id', created.RevisionId]);
    assertServiceError(stale, 'PreconditionFailedException', 'UpdateAlias', /The Revision Id provided does not match the latest Revision Id/);

    const { out, body } = await invoke(['--function-name', 'Aliased', '--qualifier', 'live']);
    assert.equal(out.ExecutedVersion, '1');
    assert.equal(body.marker, 'aliased-v1');
    assert.equal(body.arn, `${ARN}:Aliased:live`);

    await ok(['create-alias', '--function-name', 'Aliased', '--name', 'beta', '--function-version', '$LATEST']);
    const list = await ok(['list-aliases', '--function-name', 'Aliased']);
    assert.deepEqual(
      list.Aliases.map((a: any) => [a.Name, a.FunctionVersion]),
      [
        ['beta', '$LATEST'],
        ['live', '1'],
      ],
    );
    const del = await aws(['delete-alias', '--function-name', 'Aliased', '--name', 'beta']);
    assert.equal(del.status, 0, del.stderr);
    assert.equal(del.stdout, '');
    assert.deepEqual(
      (await ok(['list-aliases', '--function-name', 'Aliased'])).Aliases.map((a: any) => a.Name),
      ['live'],
    );
  });

  it('put-function-concurrency, get-function(-concurrency), delete-function-concurrency; 0 throttles invoke', async () => {
    assert.deepEqual(await ok(['put-function-concurrency', '--function-name', 'Limited', '--reserved-concurrent-executions', '4']), {
      ReservedConcurrentExecutions: 4,
    });
    assert.deepEqual((await ok(['get-function', '--function-name', 'Limited'])).Concurrency, { ReservedConcurrentExecutions: 4 });
    assert.deepEqual(await ok(['get-function-concurrency', '--function-name', 'Limited']), { ReservedConcurrentExecutions: 4 });
    await ok(['put-function-concurrency', '--function-name', 'Limited', '--reserved-concurrent-executions', '0']);
    const throttled = await aws(['invoke', '--function-name', 'Limited', '--payload', '{}', path.join(home, 'throttled.json')]);
    assertServiceError(throttled, 'TooManyRequestsException', 'Invoke', /Rate Exceeded\./);
    const del = await aws(['delete-function-concurrency', '--function-name', 'Limited']);
    assert.equal(del.status, 0, del.stderr);
    assert.equal(del.stdout, '');
    assert.equal((await ok(['get-function', '--function-name', 'Limited'])).Concurrency, undefined);
    assert.equal((await invoke(['--function-name', 'Limited'])).out.StatusCode, 200);
  });

  it('put-provisioned-concurrency-config (IN_PROGRESS), get-provisioned-concurrency-config (READY); the alias is then warm', async () => {
    await ok(['publish-version', '--function-name', 'Warm']);
    await ok(['create-alias', '--function-name', 'Warm', '--name', 'live', '--function-version', '1']);
    const put = await ok(['put-provisioned-concurrency-config', '--function-name', 'Warm', '--qualifier', 'live', '--provisioned-concurrent-executions', '1']);
    assert.equal(put.Status, 'IN_PROGRESS');
    assert.equal(put.RequestedProvisionedConcurrentExecutions, 1);
    let got: any;
    const deadline = Date.now() + 20000;
    do {
      got = await ok(['get-provisioned-concurrency-config', '--function-name', 'Warm', '--qualifier', 'live']);
      assert.notEqual(got.Status, 'FAILED', got.StatusReason);
    } while (got.Status !== 'READY' && Date.now() < deadline);
    assert.equal(got.Status, 'READY');
    assert.equal(got.AvailableProvisionedConcurrentExecutions, 1);
    const { out, body } = await invoke(['--function-name', 'Warm', '--qualifier', 'live']);
    assert.equal(out.ExecutedVersion, '1');
    assert.equal(body.init, 'provisioned-concurrency');
    const latest = await aws([
      'put-provisioned-concurrency-config',
      '--function-name',
      'Warm',
      '--qualifier',
      '$LATEST',
      '--provisioned-concurrent-executions',
      '1',
    ]);
    assertServiceError(
      latest,
      'InvalidParameterValueException',
      'PutProvisionedConcurrencyConfig',
      /Provisioned Concurrency Configs cannot be applied to unpublished function versions\./,
    );
  });

  it('put-function-event-invoke-config and get-function-event-invoke-config; a retry count of 3 is refused', async () => {
    const put = await ok([
      'put-function-event-invoke-config',
      '--function-name',
      'Echo',
      '--maximum-retry-attempts',
      '1',
      '--maximum-event-age-in-seconds',
      '600',
      '--destination-config',
      JSON.stringify({ OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:failed' } }),
    ]);
    assert.equal(put.FunctionArn, `${ARN}:Echo:$LATEST`);
    assert.equal(put.MaximumRetryAttempts, 1);
    assert.equal(put.MaximumEventAgeInSeconds, 600);
    assert.deepEqual(put.DestinationConfig, { OnSuccess: {}, OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:failed' } });
    assert.ok(put.LastModified);
    assert.deepEqual(await ok(['get-function-event-invoke-config', '--function-name', 'Echo']), put);
    const three = await aws(['put-function-event-invoke-config', '--function-name', 'Echo', '--maximum-retry-attempts', '3']);
    assertServiceError(
      three,
      'ValidationException',
      'PutFunctionEventInvokeConfig',
      /1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2/,
    );
    const none = await aws(['get-function-event-invoke-config', '--function-name', 'Limited']);
    assertServiceError(
      none,
      'ResourceNotFoundException',
      'GetFunctionEventInvokeConfig',
      /The function arn:aws:lambda:us-east-1:000000000000:function:Limited:\$LATEST doesn't have an EventInvokeConfig/,
    );
  });

  it("errors: a conflict and a not-found, with the CLI's exit status and AWS's messages", async () => {
    const twice = await aws(['create-alias', '--function-name', 'Aliased', '--name', 'live', '--function-version', '1']);
    assertServiceError(twice, 'ResourceConflictException', 'CreateAlias', /Alias already exists: arn:aws:lambda:us-east-1:000000000000:function:Aliased:live/);
    const missing = await aws(['get-function', '--function-name', 'Nope']);
    assertServiceError(missing, 'ResourceNotFoundException', 'GetFunction', /Function not found: arn:aws:lambda:us-east-1:000000000000:function:Nope/);
    const noAlias = await aws(['get-alias', '--function-name', 'Aliased', '--name', 'nope']);
    assertServiceError(noAlias, 'ResourceNotFoundException', 'GetAlias', /Cannot find alias arn: arn:aws:lambda:us-east-1:000000000000:function:Aliased:nope/);
    const noVersion = await aws(['create-alias', '--function-name', 'Aliased', '--name', 'ghost', '--function-version', '42']);
    assertServiceError(noVersion, 'ResourceNotFoundException', 'CreateAlias', /Function not found: arn:aws:lambda:us-east-1:000000000000:function:Aliased:42/);
    const digits = await aws(['create-alias', '--function-name', 'Aliased', '--name', '123', '--function-version', '1']);
    assertServiceError(digits, 'ValidationException', 'CreateAlias', /1 validation error detected: Value '123' at 'name'/);
  });
});
