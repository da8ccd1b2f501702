import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { executedAs } from '../helpers/invocation';
import { json, openProjectClosedAfterEach, samTemplate, writeProject } from '../helpers/project';

// Versions and aliases in the engine: immutable published versions run their own snapshot of the
// code and configuration, each with its own environments; aliases route (with weights) per call.

const handler = (label: string) => `
  exports.handler = async (event, context) => ({
    label: ${JSON.stringify(label)},
    version: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    arn: context.invokedFunctionArn,
    greeting: process.env.GREETING ?? null,
    memory: context.memoryLimitInMB,
  });
`;

function project(props = ''): string {
  return writeProject({
    'template.yaml': samTemplate({ Fn: { handler: 'app.handler', props: `Environment:\n  Variables:\n    GREETING: hello${props ? `\n${props}` : ''}` } }),
    'src/app.js': handler('one'),
  });
}

const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:Fn';

const edit = (dir: string, label: string) => fs.writeFileSync(path.join(dir, 'src', 'app.js'), handler(label));

describe('versions and aliases', function () {
  this.timeout(60000);
  const start = openProjectClosedAfterEach({ hotReload: false });
  /** An engine on a project whose Fn has published version 1 (label 'one') and version 2 (label 'two'). */
  const withTwoVersions = async () => {
    const dir = project();
    const wb = await start(dir);
    await wb.publishVersion('Fn');
    edit(dir, 'two');
    await wb.publishVersion('Fn');
    return { dir, wb };
  };

  it('a published version keeps running its own code and configuration after $LATEST changes', async () => {
    const dir = project();
    let wb = await start(dir);
    assert.deepEqual(await wb.publishVersion('Fn', 'first'), { version: '1', created: true });
    await wb.close();
    edit(dir, 'two');
    fs.writeFileSync(
      path.join(dir, 'template.yaml'),
      fs
        .readFileSync(path.join(dir, 'template.yaml'), 'utf8')
        .replace('hello', 'bonjour')
        .replace('Handler: app.handler', 'Handler: app.handler\n      MemorySize: 256'),
    );
    wb = await start(dir);
    const v1 = await wb.invoke('Fn', '{}', { qualifier: '1' });
    assert.deepEqual(executedAs(v1, '1'), { label: 'one', version: '1', arn: `${FN_ARN}:1`, greeting: 'hello', memory: '128' });
    const latest = await wb.invoke('Fn', '{}');
    assert.deepEqual(executedAs(latest, '$LATEST'), { label: 'two', version: '$LATEST', arn: FN_ARN, greeting: 'bonjour', memory: '256' });
    // Each version has its own environments: neither serves the other.
    assert.notEqual(v1.environmentId, latest.environmentId);
    assert.deepEqual(
      wb
        .environments()
        .map((e) => e.version)
        .sort(),
      ['$LATEST', '1'],
    );
    // The qualified ARN form works too, and the START line names the version that ran.
    const byArn = await wb.invoke(`${FN_ARN}:1`, '{}', { collectLogs: true });
    assert.equal(byArn.environmentId, v1.environmentId);
    assert.match(
      (await byArn.logs).find((l) => l.startsWith('START'))!,
      /Version: 1$/,
    );
  });

  it('publishing unchanged code and configuration returns the latest version; any change makes a new one', async () => {
    const dir = project();
    const wb = await start(dir);
    assert.deepEqual(await wb.publishVersion('Fn'), { version: '1', created: true });
    assert.deepEqual(await wb.publishVersion('Fn'), { version: '1', created: false });
    edit(dir, 'two');
    assert.deepEqual(await wb.publishVersion('Fn'), { version: '2', created: true });
    // Identical files are stored once (content-addressed blobs).
    const blobs = fs.readdirSync(path.join(dir, '.lambda-workbench', 'blobs')).flatMap((d) => fs.readdirSync(path.join(dir, '.lambda-workbench', 'blobs', d)));
    assert.equal(blobs.length, 2, 'two distinct app.js contents');
  });

  it('versions and aliases survive a restart', async () => {
    const dir = project();
    let wb = await start(dir);
    await wb.publishVersion('Fn');
    await wb.controlPlane.createAlias('Fn', { Name: 'prod', FunctionVersion: '1' });
    await wb.close();
    edit(dir, 'two');
    wb = await start(dir);
    const r = await wb.invoke('Fn:prod', '{}');
    const answer = executedAs(r, '1');
    assert.equal(answer.label, 'one');
    assert.equal(answer.arn, `${FN_ARN}:prod`);
  });

  it('a snapshot altered after publishing is refused with a clear error', async () => {
    const dir = project();
    let wb = await start(dir);
    await wb.publishVersion('Fn');
    assert.equal(json((await wb.invoke('Fn:1', '{}')).payload).label, 'one');
    await wb.close();
    const published = path.join(dir, '.lambda-workbench', 'functions', 'Fn', 'versions', '1', 'code', 'app.js');
    fs.chmodSync(published, 0o644);
    fs.writeFileSync(published, handler('tampered'));
    wb = await start(dir);
    await assert.rejects(wb.invoke('Fn:1', '{}'), (e: any) => {
      assert.equal(e.code, 'ServiceException');
      assert.match(e.message, /Version 1 of Fn cannot be used: its code no longer matches what was published: app\.js changed/);
      return true;
    });
    // Tampering with the record (its configuration) is caught as well.
    await wb.close();
    const record = path.join(dir, '.lambda-workbench', 'functions', 'Fn', 'versions', '1.json');
    fs.chmodSync(record, 0o644);
    fs.writeFileSync(record, fs.readFileSync(record, 'utf8').replace('"memorySize": 128', '"memorySize": 1024'));
    wb = await start(dir);
    await assert.rejects(wb.invoke('Fn:1', '{}'), /its configuration was changed after it was published/);
    // $LATEST is unaffected.
    assert.equal(json((await wb.invoke('Fn', '{}')).payload).label, 'one');
  });

  it('weighted routing: over 2,000 invocations the additional version gets its weight within ±3 points', async () => {
    const { wb } = await withTwoVersions();
    await wb.controlPlane.createAlias('Fn', { Name: 'canary', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: { '1': 0.3 } } });
    const counts: Record<string, number> = { '1': 0, '2': 0 };
    const runs = 2000;
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next++ < runs) {
          const r = await wb.invoke('Fn:canary', '{}');
          counts[r.executedVersion]++;
          // The version that ran is the one that answered.
          assert.equal(json(r.payload).version, r.executedVersion);
          assert.equal(json(r.payload).label, r.executedVersion === '1' ? 'one' : 'two');
        }
      }),
    );
    assert.equal(counts['1'] + counts['2'], runs);
    const share = counts['1'] / runs;
    assert.ok(Math.abs(share - 0.3) <= 0.03, `version 1 got ${(share * 100).toFixed(1)}% (weight 30%)`);
  });

  it('an alias update takes effect on the next invocation', async () => {
    const { dir, wb } = await withTwoVersions();
    await wb.controlPlane.createAlias('Fn', { Name: 'live', FunctionVersion: '1' });
    assert.equal((await wb.invoke('Fn:live', '{}')).executedVersion, '1');
    await wb.controlPlane.updateAlias('Fn', 'live', { FunctionVersion: '2' });
    assert.equal((await wb.invoke('Fn:live', '{}')).executedVersion, '2');
    // A change written by another process (e.g. the CLI while `serve` runs) is seen too.
    const file = path.join(dir, '.lambda-workbench', 'functions', 'Fn', 'aliases', 'live.json');
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...record, functionVersion: '1' }));
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(file, future, future); // a distinct mtime even within the file system's timestamp granularity
    assert.equal((await wb.invoke('Fn:live', '{}')).executedVersion, '1');
    await wb.controlPlane.deleteAlias('Fn', 'live');
    await assert.rejects(
      wb.invoke('Fn:live', '{}'),
      (e: any) => e.code === 'ResourceNotFoundException' && /Function not found: arn:aws:lambda:us-east-1:000000000000:function:Fn:live/.test(e.message),
    );
  });

  it('AWS rules for aliases', async () => {
    const dir = project();
    const wb = await start(dir);
    await wb.publishVersion('Fn');
    const cp = wb.controlPlane;
    const rejects = (p: Promise<unknown>, code: string, message: RegExp) =>
      assert.rejects(p, (e: any) => {
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        return true;
      });
    await rejects(cp.createAlias('Fn', { Name: '123', FunctionVersion: '1' }), 'ValidationException', /at 'name' failed to satisfy constraint/);
    await rejects(cp.createAlias('Fn', { Name: 'a', FunctionVersion: 'other' }), 'ValidationException', /at 'functionVersion'.*\(\\\$LATEST\|\[0-9\]\+\)/);
    await rejects(cp.createAlias('Fn', { Name: 'a', FunctionVersion: '9' }), 'ResourceNotFoundException', /Function not found: .*:function:Fn:9/);
    await rejects(
      cp.createAlias('Fn', { Name: 'a', FunctionVersion: '$LATEST', RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } } }),
      'InvalidParameterValueException',
      /\$LATEST is not supported for an alias pointing to more than 1 version/,
    );
    await rejects(
      cp.createAlias('Fn', { Name: 'a', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } } }),
      'InvalidParameterValueException',
      /already included in routing configuration/,
    );
    await rejects(
      cp.createAlias('Fn', { Name: 'a', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 1.5 } } }),
      'ValidationException',
      /less than or equal to 1\.0/,
    );
    await cp.createAlias('Fn', { Name: 'a', FunctionVersion: '$LATEST' });
    await rejects(
      cp.createAlias('Fn', { Name: 'a', FunctionVersion: '1' }),
      'ResourceConflictException',
      /Alias already exists: arn:aws:lambda:us-east-1:000000000000:function:Fn:a/,
    );
    const alias = await cp.getAlias('Fn', 'a');
    await rejects(cp.updateAlias('Fn', 'a', { FunctionVersion: '1', RevisionId: 'stale' }), 'PreconditionFailedException', /Revision Id/);
    const updated = await cp.updateAlias('Fn', 'a', { FunctionVersion: '1', RevisionId: alias.RevisionId });
    assert.notEqual(updated.RevisionId, alias.RevisionId);
    // An alias pointing at $LATEST runs the live code.
    await cp.updateAlias('Fn', 'a', { FunctionVersion: '$LATEST' });
    assert.equal((await wb.invoke('Fn:a', '{}')).executedVersion, '$LATEST');
  });

  it('AutoPublishAlias publishes when the function changed and moves the alias; its provisioned environments are on that version', async () => {
    const dir = project('AutoPublishAlias: live\nProvisionedConcurrencyConfig:\n  ProvisionedConcurrentExecutions: 1');
    let wb = await start(dir);
    assert.deepEqual(
      wb.environments().map((e) => [e.version, e.initializationType]),
      [['1', 'provisioned-concurrency']],
    );
    let r = await wb.invoke('Fn:live', '{}');
    assert.equal(r.executedVersion, '1');
    assert.equal(r.coldStart, false);
    await wb.close();
    // Unchanged: no new version.
    wb = await start(dir);
    assert.equal((await wb.controlPlane.getAlias('Fn', 'live')).FunctionVersion, '1');
    await wb.close();
    edit(dir, 'two');
    wb = await start(dir);
    assert.equal((await wb.controlPlane.getAlias('Fn', 'live')).FunctionVersion, '2');
    r = await wb.invoke('Fn:live', '{}');
    assert.equal(json(r.payload).label, 'two');
    assert.equal(r.coldStart, false, 'provisioned on the new version');
    assert.equal(json((await wb.invoke('Fn:1', '{}')).payload).label, 'one');
  });

  it('with hot reload, an edit publishes a new version under AutoPublishAlias; provisioned environments move with the alias', async () => {
    const dir = project('AutoPublishAlias: live\nProvisionedConcurrencyConfig:\n  ProvisionedConcurrentExecutions: 1');
    const wb = await start(dir, { hotReload: true });
    await wb.hotReloadReady();
    assert.deepEqual(
      wb.environments().map((e) => e.version),
      ['1'],
    );
    edit(dir, 'two');
    for (let i = 0; i < 100 && (await wb.controlPlane.getAlias('Fn', 'live')).FunctionVersion !== '2'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await wb.controlPlane.getAlias('Fn', 'live')).FunctionVersion, '2');
    // Not `every` alone: between version 1's environment leaving and version 2's appearing the list is empty.
    const settled = () => {
      const envs = wb.environments();
      return envs.length > 0 && envs.every((e) => e.version === '2' && e.state === 'Idle');
    };
    for (let i = 0; i < 100 && !settled(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      wb.environments().map((e) => [e.version, e.initializationType, e.state]),
      [['2', 'provisioned-concurrency', 'Idle']],
      'version 1 gave its provisioned environment up',
    );
    const r = await wb.invoke('Fn:live', '{}');
    assert.equal(json(r.payload).label, 'two');
    assert.equal(r.coldStart, false);
  });

  it('provisioned concurrency through the API: up, down, and gone with its alias', async () => {
    const dir = project();
    const wb = await start(dir);
    await wb.publishVersion('Fn');
    await wb.controlPlane.createAlias('Fn', { Name: 'live', FunctionVersion: '1' });
    const provisioned = () =>
      wb.environments().filter((e) => e.initializationType === 'provisioned-concurrency' && e.state !== 'ShuttingDown' && e.state !== 'Terminated');
    const settle = async (n: number) => {
      for (let i = 0; i < 100 && !(provisioned().length === n && provisioned().every((e) => e.state === 'Idle')); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(provisioned().length, n);
    };
    assert.equal((await wb.controlPlane.putProvisionedConcurrencyConfig('Fn', 'live', 2)).Status, 'IN_PROGRESS');
    await settle(2);
    assert.equal((await wb.controlPlane.getProvisionedConcurrencyConfig('Fn', 'live')).Status, 'READY');
    await wb.controlPlane.putProvisionedConcurrencyConfig('Fn', 'live', 1);
    await settle(1);
    await wb.controlPlane.deleteAlias('Fn', 'live');
    await settle(0);
  });

  it('provisioned environments that fail INIT: GetProvisionedConcurrencyConfig says FAILED with a reason', async () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'src', 'app.js'), "throw new Error('no config');");
    const wb = await start(dir);
    await wb.publishVersion('Fn');
    await wb.controlPlane.putProvisionedConcurrencyConfig('Fn', '1', 1);
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 100 && status.Status !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await wb.controlPlane.getProvisionedConcurrencyConfig('Fn', '1');
    }
    assert.equal(status.Status, 'FAILED');
    // AWS's words (recorded: test_lambda.py::TestLambdaConcurrency::test_provisioned_concurrency_init_failure)
    assert.equal(status.StatusReason, 'FUNCTION_ERROR_INIT_FAILURE');
  });

  it('AWS::Lambda::Version and AWS::Lambda::Alias resources (with !GetAtt Version.Version and routing)', async () => {
    const dir = writeProject({
      'template.yaml': `${samTemplate({ Fn: { handler: 'app.handler' } })}
  FnVersionA:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref Fn
      Description: first
  FnAlias:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Fn
      FunctionVersion: !GetAtt FnVersionA.Version
      Name: stable
`,
      'src/app.js': handler('one'),
    });
    const wb = await start(dir);
    const alias = await wb.controlPlane.getAlias('Fn', 'stable');
    assert.equal(alias.FunctionVersion, '1');
    const version = await wb.controlPlane.getFunctionConfiguration('Fn', '1');
    assert.equal(version.Description, 'first');
    assert.equal((await wb.invoke('Fn:stable', '{}')).executedVersion, '1');
  });

  it('DeploymentPreference is reported as not simulated', async () => {
    const dir = project('AutoPublishAlias: live\nDeploymentPreference:\n  Type: Canary10Percent5Minutes');
    const wb = await start(dir);
    assert.ok(wb.template.diagnostics.some((d) => d.severity === 'warning' && /DeploymentPreference traffic shifting is not simulated/.test(d.message)));
  });

  it('unknown qualifiers: 404 for invocations, DryRun and asynchronous invocations alike', async () => {
    const dir = project();
    const wb = await start(dir);
    for (const attempt of [() => wb.invoke('Fn:7', '{}'), () => wb.checkInvocation('Fn', '{}', 'nope'), () => wb.invokeAsync('Fn:nope', '{}')]) {
      await assert.rejects(attempt(), (e: any) => e.code === 'ResourceNotFoundException');
    }
  });
});
