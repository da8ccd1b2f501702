import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CreateAliasCommand,
  type CreateAliasCommandInput,
  DeleteAliasCommand,
  DeleteFunctionConcurrencyCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  GetProvisionedConcurrencyConfigCommand,
  type GetProvisionedConcurrencyConfigCommandOutput,
  InvokeCommand,
  type LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  type PutFunctionEventInvokeConfigCommandInput,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import type { Workbench } from '../../../src/core/workbench';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samTemplate, writeProject } from '../helpers/project';

// Lambda's control-plane operations through the real AWS SDK for JavaScript v3: response shapes,
// status codes and AWS's error types, against a LambdaApiServer on a throwaway project.

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

/** A handler that reports what it runs as: its code marker, version, ARN and initialisation type. */
const handler = (marker: string) => `
  const MARKER = ${JSON.stringify(marker)};
  exports.handler = async (event, context) => {
    if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
    return {
      marker: MARKER,
      version: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      arn: context.invokedFunctionArn,
      init: process.env.AWS_LAMBDA_INITIALIZATION_TYPE,
    };
  };
`;

/** Asserts that a promise rejects with this SDK error name and HTTP status (and message, when given). */
async function rejectsWith(promise: Promise<unknown>, name: string, status: number, message?: RegExp): Promise<any> {
  let error: any;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${name}, but the call succeeded`);
  assert.equal(error.name, name, `${error.name}: ${error.message}`);
  assert.equal(error.$metadata?.httpStatusCode, status, `${name}: ${error.message}`);
  if (message) assert.match(error.message, message);
  return error;
}

describe('Control-plane API through @aws-sdk/client-lambda', function () {
  this.timeout(30000);
  let dir: string;
  let workbench: Workbench;
  let api: TestApi;
  let client: LambdaClient;
  let endpoint: string;
  const text = (bytes?: Uint8Array) => Buffer.from(bytes ?? []).toString('utf8');
  const setCode = (fn: string, marker: string) => fs.writeFileSync(path.join(dir, fn, 'app.js'), handler(marker));
  const putReserved = (FunctionName: string, ReservedConcurrentExecutions: number) =>
    client.send(new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions }));
  const invoke = async (FunctionName: string, Qualifier?: string, payload: unknown = {}) => {
    const out = await client.send(new InvokeCommand({ FunctionName, Qualifier, Payload: Buffer.from(JSON.stringify(payload)) }));
    assert.equal(out.FunctionError, undefined, text(out.Payload));
    return { out, body: JSON.parse(text(out.Payload)) };
  };

  before(async () => {
    const functions: Record<string, { handler: string; codeUri: string; props?: string }> = {
      Echo: { handler: 'app.handler', codeUri: 'echo', props: 'Description: echoes\nMemorySize: 256\nTimeout: 5\nEnvironment:\n  Variables:\n    STAGE: dev' },
      Aliased: { handler: 'app.handler', codeUri: 'aliased' },
      Limited: { handler: 'app.handler', codeUri: 'limited' },
      Warm: { handler: 'app.handler', codeUri: 'warm' },
      Async: { handler: 'app.handler', codeUri: 'async', props: 'EventInvokeConfig:\n  MaximumRetryAttempts: 0\n  MaximumEventAgeInSeconds: 300' },
    };
    const files: Record<string, string> = { 'template.yaml': samTemplate(functions) };
    for (const { codeUri } of Object.values(functions)) files[`${codeUri}/app.js`] = handler(`${codeUri}-v1`);
    dir = writeProject(files);
    workbench = await openProject(dir, { hotReload: false, asyncWorkers: false });
    api = await startLambdaApi(workbench);
    ({ endpoint, client } = api);
  });
  after(async () => {
    await api.close();
    await workbench.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('GetFunction, GetFunctionConfiguration, ListFunctions', () => {
    it("GetFunctionConfiguration: $LATEST in AWS's shape", async () => {
      const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'Echo' }));
      assert.equal(c.$metadata.httpStatusCode, 200);
      assert.equal(c.FunctionName, 'Echo');
      assert.equal(c.FunctionArn, `${ARN}:Echo`);
      assert.equal(c.Version, '$LATEST');
      assert.equal(c.Runtime, 'nodejs20.x');
      assert.equal(c.Handler, 'app.handler');
      assert.equal(c.Description, 'echoes');
      assert.equal(c.MemorySize, 256);
      assert.equal(c.Timeout, 5);
      assert.deepEqual(c.Environment?.Variables, { STAGE: 'dev' });
      assert.match(c.CodeSha256!, /^[A-Za-z0-9+/]{43}=$/);
      assert.ok(c.CodeSize! > 0);
      assert.match(c.LastModified!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      assert.match(c.RevisionId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(c.State, 'Active');
      assert.equal(c.PackageType, 'Zip');
      assert.deepEqual(c.Architectures, ['x86_64']);
    });

    it('GetFunction: Configuration, Code and (no) Concurrency; by ARN and with a Qualifier', async () => {
      const f = await client.send(new GetFunctionCommand({ FunctionName: `${ARN}:Echo` }));
      assert.equal(f.Configuration?.FunctionName, 'Echo');
      assert.equal(f.Configuration?.Version, '$LATEST');
      assert.match(f.Code?.Location ?? '', /^file:\/\/.*echo$/);
      assert.equal(f.Concurrency, undefined);
      const q = await client.send(new GetFunctionCommand({ FunctionName: 'Echo', Qualifier: '$LATEST' }));
      assert.equal(q.Configuration?.FunctionArn, `${ARN}:Echo:$LATEST`);
    });

    it("an unknown function → ResourceNotFoundException (404) with AWS's message", async () => {
      await rejectsWith(
        client.send(new GetFunctionCommand({ FunctionName: 'Nope' })),
        'ResourceNotFoundException',
        404,
        /^Function not found: arn:aws:lambda:us-east-1:000000000000:function:Nope$/,
      );
      await rejectsWith(client.send(new GetFunctionConfigurationCommand({ FunctionName: 'Nope' })), 'ResourceNotFoundException', 404);
      await rejectsWith(
        client.send(new GetFunctionConfigurationCommand({ FunctionName: 'Echo', Qualifier: '99' })),
        'ResourceNotFoundException',
        404,
        /function:Echo:99$/,
      );
      await rejectsWith(client.send(new ListVersionsByFunctionCommand({ FunctionName: 'Nope' })), 'ResourceNotFoundException', 404);
      await rejectsWith(client.send(new PublishVersionCommand({ FunctionName: 'Nope' })), 'ResourceNotFoundException', 404);
      await rejectsWith(client.send(new ListAliasesCommand({ FunctionName: 'Nope' })), 'ResourceNotFoundException', 404);
      const malformed = await fetch(`${endpoint}/2015-03-31/functions/%E0%A4%A/configuration`);
      assert.equal(malformed.status, 400);
      assert.equal(malformed.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
    });

    it('ListFunctions: every function, paginated with MaxItems / Marker → NextMarker', async () => {
      const all = await client.send(new ListFunctionsCommand({}));
      assert.deepEqual(
        all.Functions?.map((f) => f.FunctionName),
        ['Aliased', 'Async', 'Echo', 'Limited', 'Warm'],
      );
      assert.equal(all.NextMarker, undefined);
      const names: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await client.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
        assert.ok(page.Functions!.length <= 2);
        names.push(...page.Functions!.map((f) => f.FunctionName!));
        marker = page.NextMarker;
        pages++;
      } while (marker);
      assert.equal(pages, 3);
      assert.deepEqual(names, ['Aliased', 'Async', 'Echo', 'Limited', 'Warm']);
      await rejectsWith(client.send(new ListFunctionsCommand({ Marker: 'not-a-marker' })), 'InvalidParameterValueException', 400);
      await rejectsWith(client.send(new ListFunctionsCommand({ MaxItems: 0 })), 'ValidationException', 400);
    });
  });

  describe('PublishVersion and ListVersionsByFunction', () => {
    it('publishes version 1; unchanged publishes return it; a code change publishes 2', async () => {
      const latest = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'Echo' }));
      const v1 = await client.send(new PublishVersionCommand({ FunctionName: 'Echo', Description: 'first' }));
      assert.equal(v1.$metadata.httpStatusCode, 201);
      assert.equal(v1.Version, '1');
      assert.equal(v1.FunctionArn, `${ARN}:Echo:1`);
      assert.equal(v1.CodeSha256, latest.CodeSha256);
      assert.equal(v1.Description, 'first');
      assert.equal(v1.MemorySize, 256);
      assert.deepEqual(v1.Environment?.Variables, { STAGE: 'dev' });
      const again = await client.send(new PublishVersionCommand({ FunctionName: 'Echo', Description: 'ignored' }));
      assert.equal(again.Version, '1');
      assert.equal(again.Description, 'first');
      assert.equal(again.RevisionId, v1.RevisionId);

      setCode('echo', 'echo-v2');
      const stale = await rejectsWith(
        client.send(new PublishVersionCommand({ FunctionName: 'Echo', CodeSha256: v1.CodeSha256 })),
        'InvalidParameterValueException',
        400,
      );
      assert.match(stale.message, /is different from current CodeSHA256 in \$LATEST/);
      const changed = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'Echo' }));
      assert.notEqual(changed.CodeSha256, v1.CodeSha256);
      await rejectsWith(client.send(new PublishVersionCommand({ FunctionName: 'Echo', RevisionId: latest.RevisionId })), 'PreconditionFailedException', 412);
      const v2 = await client.send(new PublishVersionCommand({ FunctionName: 'Echo', CodeSha256: changed.CodeSha256, RevisionId: changed.RevisionId }));
      assert.equal(v2.Version, '2');
      assert.equal(v2.FunctionArn, `${ARN}:Echo:2`);
      assert.equal(v2.CodeSha256, changed.CodeSha256);
      assert.equal(v2.Description, 'echoes'); // $LATEST's, as AWS gives a version published without one
    });

    it('published versions keep their code: invoking 1, 2 and $LATEST', async () => {
      const one = await invoke('Echo', '1');
      assert.equal(one.out.ExecutedVersion, '1');
      assert.equal(one.body.marker, 'echo-v1');
      assert.equal(one.body.version, '1');
      assert.equal(one.body.arn, `${ARN}:Echo:1`);
      assert.equal((await invoke('Echo:2')).body.marker, 'echo-v2');
      const latest = await invoke('Echo');
      assert.equal(latest.out.ExecutedVersion, '$LATEST');
      assert.equal(latest.body.version, '$LATEST');
    });

    it('ListVersionsByFunction: $LATEST, then the versions in order; paginated', async () => {
      const list = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'Echo' }));
      assert.equal(list.$metadata.httpStatusCode, 200);
      assert.deepEqual(
        list.Versions?.map((v) => v.Version),
        ['$LATEST', '1', '2'],
      );
      assert.deepEqual(
        list.Versions?.map((v) => v.FunctionArn),
        [`${ARN}:Echo:$LATEST`, `${ARN}:Echo:1`, `${ARN}:Echo:2`],
      );
      assert.equal(list.Versions?.[1].Description, 'first');
      const first = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'Echo', MaxItems: 2 }));
      assert.deepEqual(
        first.Versions?.map((v) => v.Version),
        ['$LATEST', '1'],
      );
      assert.ok(first.NextMarker);
      const rest = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'Echo', MaxItems: 2, Marker: first.NextMarker }));
      assert.deepEqual(
        rest.Versions?.map((v) => v.Version),
        ['2'],
      );
      assert.equal(rest.NextMarker, undefined);
      const none = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'Limited' }));
      assert.deepEqual(
        none.Versions?.map((v) => v.Version),
        ['$LATEST'],
      );
    });

    it('GetFunctionConfiguration of a version, and ListFunctions FunctionVersion=ALL', async () => {
      const one = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'Echo', Qualifier: '1' }));
      assert.equal(one.Version, '1');
      assert.equal(one.FunctionArn, `${ARN}:Echo:1`);
      const all = await client.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
      const echo = all.Functions!.filter((f) => f.FunctionName === 'Echo').map((f) => f.Version);
      assert.deepEqual(echo, ['$LATEST', '1', '2']);
    });
  });

  describe('aliases', () => {
    before(async () => {
      await client.send(new PublishVersionCommand({ FunctionName: 'Aliased' }));
      setCode('aliased', 'aliased-v2');
      await client.send(new PublishVersionCommand({ FunctionName: 'Aliased' }));
      setCode('aliased', 'aliased-v3');
      await client.send(new PublishVersionCommand({ FunctionName: 'Aliased' }));
    });

    it('CreateAlias (201), GetAlias, and Invoke with the alias: ExecutedVersion and the alias ARN', async () => {
      const created = await client.send(new CreateAliasCommand({ FunctionName: 'Aliased', Name: 'live', FunctionVersion: '1', Description: 'production' }));
      assert.equal(created.$metadata.httpStatusCode, 201);
      assert.equal(created.AliasArn, `${ARN}:Aliased:live`);
      assert.equal(created.Name, 'live');
      assert.equal(created.FunctionVersion, '1');
      assert.equal(created.Description, 'production');
      assert.match(created.RevisionId!, /^[0-9a-f-]{36}$/);
      assert.equal(created.RoutingConfig, undefined);
      const got = await client.send(new GetAliasCommand({ FunctionName: 'Aliased', Name: 'live' }));
      assert.deepEqual({ ...got, $metadata: undefined }, { ...created, $metadata: undefined });

      const { out, body } = await invoke('Aliased', 'live');
      assert.equal(out.ExecutedVersion, '1');
      assert.equal(body.marker, 'aliased-v1');
      assert.equal(body.version, '1');
      assert.equal(body.arn, `${ARN}:Aliased:live`);
      const viaName = await invoke('Aliased:live');
      assert.equal(viaName.body.arn, `${ARN}:Aliased:live`);
      const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'Aliased', Qualifier: 'live' }));
      assert.equal(config.Version, '1');
      assert.equal(config.FunctionArn, `${ARN}:Aliased:live`);
    });

    it('UpdateAlias: new version and routing; RevisionId checked (PreconditionFailedException, 412)', async () => {
      const current = await client.send(new GetAliasCommand({ FunctionName: 'Aliased', Name: 'live' }));
      const updated = await client.send(
        new UpdateAliasCommand({
          FunctionName: 'Aliased',
          Name: 'live',
          FunctionVersion: '2',
          RoutingConfig: { AdditionalVersionWeights: { '3': 0.25 } },
          RevisionId: current.RevisionId,
        }),
      );
      assert.equal(updated.FunctionVersion, '2');
      assert.deepEqual(updated.RoutingConfig, { AdditionalVersionWeights: { '3': 0.25 } });
      assert.equal(updated.Description, 'production', 'what is not given stays');
      assert.notEqual(updated.RevisionId, current.RevisionId);
      await rejectsWith(
        client.send(new UpdateAliasCommand({ FunctionName: 'Aliased', Name: 'live', FunctionVersion: '1', RevisionId: current.RevisionId })),
        'PreconditionFailedException',
        412,
        /Revision Id provided does not match/,
      );
      // Weighted routing: both versions serve the alias.
      const executed = new Set<string>();
      for (let i = 0; i < 40 && executed.size < 2; i++) executed.add((await invoke('Aliased', 'live')).out.ExecutedVersion!);
      assert.deepEqual([...executed].sort(), ['2', '3']);
      // An empty RoutingConfig removes the routing.
      const cleared = await client.send(new UpdateAliasCommand({ FunctionName: 'Aliased', Name: 'live', RoutingConfig: {} }));
      assert.equal(cleared.RoutingConfig, undefined);
      assert.equal(cleared.FunctionVersion, '2');
    });

    it('ListAliases (with FunctionVersion filter and pagination) and DeleteAlias (204)', async () => {
      await client.send(new CreateAliasCommand({ FunctionName: 'Aliased', Name: 'beta', FunctionVersion: '3' }));
      await client.send(new CreateAliasCommand({ FunctionName: 'Aliased', Name: 'edge', FunctionVersion: '$LATEST' }));
      const list = await client.send(new ListAliasesCommand({ FunctionName: 'Aliased' }));
      assert.deepEqual(
        list.Aliases?.map((a) => [a.Name, a.FunctionVersion]),
        [
          ['beta', '3'],
          ['edge', '$LATEST'],
          ['live', '2'],
        ],
      );
      const three = await client.send(new ListAliasesCommand({ FunctionName: 'Aliased', FunctionVersion: '3' }));
      assert.deepEqual(
        three.Aliases?.map((a) => a.Name),
        ['beta'],
      );
      const page = await client.send(new ListAliasesCommand({ FunctionName: 'Aliased', MaxItems: 2 }));
      assert.equal(page.Aliases?.length, 2);
      const next = await client.send(new ListAliasesCommand({ FunctionName: 'Aliased', MaxItems: 2, Marker: page.NextMarker }));
      assert.deepEqual(
        next.Aliases?.map((a) => a.Name),
        ['live'],
      );
      const edge = await invoke('Aliased', 'edge');
      assert.equal(edge.out.ExecutedVersion, '$LATEST');
      assert.equal(edge.body.arn, `${ARN}:Aliased:edge`);

      const deleted = await client.send(new DeleteAliasCommand({ FunctionName: 'Aliased', Name: 'beta' }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      await rejectsWith(client.send(new GetAliasCommand({ FunctionName: 'Aliased', Name: 'beta' })), 'ResourceNotFoundException', 404);
      await rejectsWith(client.send(new InvokeCommand({ FunctionName: 'Aliased', Qualifier: 'beta' })), 'ResourceNotFoundException', 404);
      const after = await client.send(new ListAliasesCommand({ FunctionName: 'Aliased' }));
      assert.deepEqual(
        after.Aliases?.map((a) => a.Name),
        ['edge', 'live'],
      );
    });

    it('errors: conflict, unknown version, bad names, bad routing, unknown alias', async () => {
      // CreateAlias calls on Aliased that are refused: the input, then the error expected.
      const refusedCreates: Array<[Omit<CreateAliasCommandInput, 'FunctionName'>, string, number, RegExp?]> = [
        [
          { Name: 'live', FunctionVersion: '1' },
          'ResourceConflictException',
          409,
          /^Alias already exists: arn:aws:lambda:us-east-1:000000000000:function:Aliased:live$/,
        ],
        [{ Name: 'ghost', FunctionVersion: '42' }, 'ResourceNotFoundException', 404, /function:Aliased:42$/],
        [{ Name: '123', FunctionVersion: '1' }, 'ValidationException', 400, /Value '123' at 'name'/],
        [{ Name: 'bad.name', FunctionVersion: '1' }, 'ValidationException', 400],
        [{ Name: 'other', FunctionVersion: 'live' }, 'ValidationException', 400, /functionVersion/],
        [
          { Name: 'mixed', FunctionVersion: '$LATEST', RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } } },
          'InvalidParameterValueException',
          400,
          /\$LATEST is not supported for an alias pointing to more than 1 version/,
        ],
        [
          { Name: 'heavy', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 1.5 } } },
          'ValidationException',
          400,
          /less than or equal to 1\.0/,
        ],
        [
          { Name: 'split', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1, '3': 0.1 } } },
          'InvalidParameterValueException',
          400,
          /^Number of items in AdditionalVersionWeights cannot be greater than 1$/,
        ],
        [{ Name: 'self', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '1': 0.1 } } }, 'InvalidParameterValueException', 400],
        [{ Name: 'far', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '9': 0.1 } } }, 'ResourceNotFoundException', 404],
      ];
      for (const [input, name, status, message] of refusedCreates) {
        await rejectsWith(client.send(new CreateAliasCommand({ FunctionName: 'Aliased', ...input })), name, status, message);
      }
      await rejectsWith(
        client.send(new GetAliasCommand({ FunctionName: 'Aliased', Name: 'unknown' })),
        'ResourceNotFoundException',
        404,
        /^Cannot find alias arn: arn:aws:lambda:us-east-1:000000000000:function:Aliased:unknown$/,
      );
      await rejectsWith(
        client.send(new UpdateAliasCommand({ FunctionName: 'Aliased', Name: 'unknown', FunctionVersion: '1' })),
        'ResourceNotFoundException',
        404,
      );
      await rejectsWith(client.send(new CreateAliasCommand({ FunctionName: 'Nope', Name: 'live', FunctionVersion: '1' })), 'ResourceNotFoundException', 404);
      // Raw JSON with a number where Lambda takes a string is refused (the SDK never sends one).
      const raw = await fetch(`${endpoint}/2015-03-31/functions/Aliased/aliases`, {
        method: 'POST',
        body: JSON.stringify({ Name: 'typed', FunctionVersion: 1 }),
      });
      assert.equal(raw.status, 400);
      // None of the failed calls created anything.
      const list = await client.send(new ListAliasesCommand({ FunctionName: 'Aliased' }));
      assert.deepEqual(
        list.Aliases?.map((a) => a.Name),
        ['edge', 'live'],
      );
    });
  });

  describe('reserved concurrency', () => {
    const invokeLimited = (Qualifier?: string) => client.send(new InvokeCommand({ FunctionName: 'Limited', Qualifier, Payload: Buffer.from('{}') }));

    it('PutFunctionConcurrency shows in GetFunction and GetFunctionConcurrency; DeleteFunctionConcurrency removes it', async () => {
      const put = await putReserved('Limited', 5);
      assert.equal(put.$metadata.httpStatusCode, 200);
      assert.equal(put.ReservedConcurrentExecutions, 5);
      assert.deepEqual((await client.send(new GetFunctionCommand({ FunctionName: 'Limited' }))).Concurrency, { ReservedConcurrentExecutions: 5 });
      assert.equal((await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'Limited' }))).ReservedConcurrentExecutions, 5);
      const deleted = await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'Limited' }));
      assert.equal(deleted.$metadata.httpStatusCode, 204);
      assert.equal((await client.send(new GetFunctionCommand({ FunctionName: 'Limited' }))).Concurrency, undefined);
      assert.equal((await client.send(new GetFunctionConcurrencyCommand({ FunctionName: 'Limited' }))).ReservedConcurrentExecutions, undefined);
    });

    it('reserved concurrency 0 throttles every invocation (429 TooManyRequestsException), versions too; deleting it lifts that', async () => {
      await client.send(new PublishVersionCommand({ FunctionName: 'Limited' }));
      // Warm environments exist ($LATEST and version 1): they must not serve either.
      await invoke('Limited');
      await invoke('Limited', '1');
      await putReserved('Limited', 0);
      const e = await rejectsWith(invokeLimited(), 'TooManyRequestsException', 429);
      assert.equal(e.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      await rejectsWith(invokeLimited('1'), 'TooManyRequestsException', 429);
      // Nor do new environments: a version's definition follows the function's reserved concurrency.
      await workbench.shutdownEnvironments('Limited');
      await rejectsWith(invokeLimited('1'), 'TooManyRequestsException', 429);
      await rejectsWith(invokeLimited(), 'TooManyRequestsException', 429);
      await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'Limited' }));
      assert.equal((await invoke('Limited')).out.StatusCode, 200);
      assert.equal((await invoke('Limited', '1')).out.ExecutedVersion, '1');
    });

    it('settings persist in the state directory', async () => {
      await putReserved('Limited', 3);
      const settings = JSON.parse(fs.readFileSync(path.join(workbench.stateDir, 'functions', 'Limited', 'settings.json'), 'utf8'));
      assert.equal(settings.reservedConcurrentExecutions, 3);
      await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'Limited' }));
    });

    it('errors: negative, above what the account can spare, unknown function, a qualified name', async () => {
      await rejectsWith(putReserved('Limited', -1), 'ValidationException', 400);
      await rejectsWith(putReserved('Limited', 901), 'InvalidParameterValueException', 400, /UnreservedConcurrentExecution below its minimum value of \[100\]/);
      await rejectsWith(putReserved('Nope', 1), 'ResourceNotFoundException', 404);
      await rejectsWith(putReserved('Limited:1', 1), 'InvalidParameterValueException', 400);
    });
  });

  describe('provisioned concurrency', () => {
    const putProvisioned = (Qualifier: string, ProvisionedConcurrentExecutions: number) =>
      client.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'Warm', Qualifier, ProvisionedConcurrentExecutions }));

    it('PutProvisionedConcurrencyConfig → IN_PROGRESS (202); Get becomes READY; the alias is then served warm', async () => {
      await client.send(new PublishVersionCommand({ FunctionName: 'Warm' }));
      await client.send(new CreateAliasCommand({ FunctionName: 'Warm', Name: 'live', FunctionVersion: '1' }));
      const put = await putProvisioned('live', 1);
      assert.equal(put.$metadata.httpStatusCode, 202);
      assert.equal(put.Status, 'IN_PROGRESS');
      assert.equal(put.RequestedProvisionedConcurrentExecutions, 1);
      assert.match(put.LastModified!, /^\d{4}-\d\d-\d\dT/);
      let status: string | undefined = put.Status;
      const deadline = Date.now() + 15000;
      let got: GetProvisionedConcurrencyConfigCommandOutput | undefined;
      while (status !== 'READY' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        got = await client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'Warm', Qualifier: 'live' }));
        status = got.Status;
        assert.notEqual(status, 'FAILED', got.StatusReason);
      }
      assert.equal(status, 'READY');
      assert.ok(got);
      assert.equal(got.RequestedProvisionedConcurrentExecutions, 1);
      assert.equal(got.AvailableProvisionedConcurrentExecutions, 1);
      assert.equal(got.AllocatedProvisionedConcurrentExecutions, 1);
      const { out, body } = await invoke('Warm', 'live');
      assert.equal(out.ExecutedVersion, '1');
      assert.equal(body.init, 'provisioned-concurrency', 'served by the provisioned environment, no cold start');
      assert.equal(body.arn, `${ARN}:Warm:live`);
      // $LATEST is not provisioned: it cold-starts on demand.
      assert.equal((await invoke('Warm')).body.init, 'on-demand');
      const settings = JSON.parse(fs.readFileSync(path.join(workbench.stateDir, 'functions', 'Warm', 'settings.json'), 'utf8'));
      assert.equal(settings.provisionedConcurrency.live.count, 1);
    });

    it('provisioned concurrency on an alias follows it to the version UpdateAlias points it at', async () => {
      setCode('warm', 'warm-v2');
      const v2 = await client.send(new PublishVersionCommand({ FunctionName: 'Warm' }));
      assert.equal(v2.Version, '2');
      await client.send(new UpdateAliasCommand({ FunctionName: 'Warm', Name: 'live', FunctionVersion: '2' }));
      const deadline = Date.now() + 15000;
      let status: string | undefined;
      while (status !== 'READY' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'Warm', Qualifier: 'live' }))).Status;
      }
      assert.equal(status, 'READY');
      const { out, body } = await invoke('Warm', 'live');
      assert.equal(out.ExecutedVersion, '2');
      assert.equal(body.marker, 'warm-v2');
      assert.equal(body.init, 'provisioned-concurrency');
    });

    it('errors: $LATEST, no qualifier, unknown alias, count 0, more than reserved, no config', async () => {
      await rejectsWith(putProvisioned('$LATEST', 1), 'InvalidParameterValueException', 400, /unpublished function versions/);
      await rejectsWith(putProvisioned('', 1), 'ValidationException', 400);
      await rejectsWith(putProvisioned('nope', 1), 'ResourceNotFoundException', 404);
      // AWS's model constraint (recorded: test_provisioned_concurrency_exceptions' put_provisioned_invalid_param_0)
      await rejectsWith(putProvisioned('live', 0), 'ValidationException', 400, /Member must have value greater than or equal to 1/);
      await putReserved('Warm', 2);
      await rejectsWith(putProvisioned('live', 3), 'InvalidParameterValueException', 400, /should not be greater than the reservedConcurrentExecution/);
      await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'Warm' }));
      await rejectsWith(
        client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'Warm', Qualifier: '1' })),
        'ProvisionedConcurrencyConfigNotFoundException',
        404,
      );
      await rejectsWith(
        client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'Warm', Qualifier: '$LATEST' })),
        'InvalidParameterValueException',
        400,
      );
    });

    it('more than the account leaves unreserved (100000, 901) → 400 InvalidParameterValueException, nothing stored; within it still works', async () => {
      const settingsFile = path.join(workbench.stateDir, 'functions', 'Warm', 'settings.json');
      const before = fs.readFileSync(settingsFile, 'utf8');
      // More than the account's unreserved concurrency, then more than leaves its minimum (AWS's answers, recorded: test_provisioned_concurrency_limits).
      await rejectsWith(putProvisioned('live', 100000), 'InvalidParameterValueException', 400, /greater than account's unreserved concurrency \[1000\]/);
      await rejectsWith(
        putProvisioned('live', 901),
        'InvalidParameterValueException',
        400,
        /decreases account's UnreservedConcurrentExecution below its minimum value of \[100\]/,
      );
      assert.equal(fs.readFileSync(settingsFile, 'utf8'), before, 'nothing stored');
      const provisioned = workbench.environments().filter((e) => e.initializationType === 'provisioned-concurrency').length;
      assert.ok(provisioned <= 1, `${provisioned} provisioned environments`);
      // The account (1000) less the minimum unreserved (100) less what other functions reserve (Limited: none now).
      const put = await putProvisioned('live', 2);
      assert.equal(put.$metadata.httpStatusCode, 202);
      assert.equal(JSON.parse(fs.readFileSync(settingsFile, 'utf8')).provisionedConcurrency.live.count, 2);
    });
  });

  describe('event invoke configs', () => {
    it("the template's config is what Get returns until one is put", async () => {
      const got = await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'Async' }));
      assert.equal(got.MaximumRetryAttempts, 0);
      assert.equal(got.MaximumEventAgeInSeconds, 300);
      assert.equal(got.FunctionArn, `${ARN}:Async:$LATEST`);
      await rejectsWith(
        client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'Limited' })),
        'ResourceNotFoundException',
        404,
        /doesn't have an EventInvokeConfig/,
      );
    });

    it('PutFunctionEventInvokeConfig / Get: retries, event age, destinations; persisted', async () => {
      const put = await client.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'Async',
          MaximumRetryAttempts: 1,
          MaximumEventAgeInSeconds: 120,
          DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:failed' } },
        }),
      );
      assert.equal(put.$metadata.httpStatusCode, 200);
      assert.equal(put.MaximumRetryAttempts, 1);
      assert.equal(put.MaximumEventAgeInSeconds, 120);
      assert.equal(put.FunctionArn, `${ARN}:Async:$LATEST`);
      assert.ok(put.LastModified instanceof Date && Math.abs(put.LastModified.getTime() - Date.now()) < 60_000, String(put.LastModified));
      assert.deepEqual(put.DestinationConfig, { OnSuccess: {}, OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:failed' } });
      const got = await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'Async' }));
      assert.deepEqual({ ...got, $metadata: undefined }, { ...put, $metadata: undefined });
      const settings = JSON.parse(fs.readFileSync(path.join(workbench.stateDir, 'functions', 'Async', 'settings.json'), 'utf8'));
      assert.equal(settings.eventInvokeConfigs.$LATEST.maximumRetryAttempts, 1);
    });

    it('per qualifier: a version has its own config', async () => {
      await client.send(new PublishVersionCommand({ FunctionName: 'Async' }));
      const put = await client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'Async', Qualifier: '1', MaximumRetryAttempts: 2 }));
      assert.equal(put.FunctionArn, `${ARN}:Async:1`);
      assert.equal(put.MaximumRetryAttempts, 2);
      // AWS answers only the limits that were set (its recorded put_invokeconfig_retries_0)
      assert.equal(put.MaximumEventAgeInSeconds, undefined);
      assert.equal((await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'Async', Qualifier: '1' }))).MaximumRetryAttempts, 2);
      assert.equal((await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'Async' }))).MaximumRetryAttempts, 1);
    });

    it('validation errors: MaximumRetryAttempts 3, event age 59 and 21601, a bad destination, an unknown version', async () => {
      // PutFunctionEventInvokeConfig calls that are refused: the input, then the error expected.
      const refusedPuts: Array<[PutFunctionEventInvokeConfigCommandInput, string, number, RegExp?]> = [
        [
          { FunctionName: 'Async', MaximumRetryAttempts: 3 },
          'ValidationException',
          400,
          /Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2/,
        ],
        [{ FunctionName: 'Async', MaximumRetryAttempts: -1 }, 'ValidationException', 400, /greater than or equal to 0/],
        [{ FunctionName: 'Async', MaximumEventAgeInSeconds: 59 }, 'ValidationException', 400, /greater than or equal to 60/],
        [{ FunctionName: 'Async', MaximumEventAgeInSeconds: 21601 }, 'ValidationException', 400, /less than or equal to 21600/],
        [
          // not an ARN: the model's pattern refuses it, as AWS's recorded put_destination_invalid_arn_pattern
          { FunctionName: 'Async', DestinationConfig: { OnSuccess: { Destination: 'not-an-arn' } } },
          'ValidationException',
          400,
          /Value 'not-an-arn' at 'destinationConfig.onSuccess.destination' failed to satisfy constraint/,
        ],
        [
          { FunctionName: 'Async', DestinationConfig: { OnSuccess: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:Nope' } } },
          'InvalidParameterValueException',
          400,
          /The destination ARN arn:aws:lambda:us-east-1:000000000000:function:Nope is invalid\./,
        ],
        [{ FunctionName: 'Async', Qualifier: '7', MaximumRetryAttempts: 0 }, 'ResourceNotFoundException', 404],
        [{ FunctionName: 'Nope', MaximumRetryAttempts: 0 }, 'ResourceNotFoundException', 404],
      ];
      for (const [input, name, status, message] of refusedPuts) {
        await rejectsWith(client.send(new PutFunctionEventInvokeConfigCommand(input)), name, status, message);
      }
      await rejectsWith(
        client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'Async', Qualifier: '7' })),
        'ResourceNotFoundException',
        404,
        // Get looks only for the config (AWS's recorded get_qualifier_doesnotexist)
        /^The function arn:aws:lambda:us-east-1:000000000000:function:Async:7 doesn't have an EventInvokeConfig$/,
      );
      // The failed calls changed nothing.
      assert.equal((await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'Async' }))).MaximumRetryAttempts, 1);
    });
  });
});
