import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildIfStale, runCli, TEST_CREDENTIALS } from '../helpers/build';
import { startListening, stopServe, type ListeningServe } from '../helpers/serveProcess';
import { samTemplate, writeProject } from '../helpers/project';

// `lambda-workbench publish | alias | versions` as a user runs them (the built CLI), alone and
// next to a running `lambda-workbench serve` on the same project.

const run = runCli;

const handler = (marker: string) => `
  exports.handler = async (event, context) => ({ marker: ${JSON.stringify(marker)}, version: process.env.AWS_LAMBDA_FUNCTION_VERSION, arn: context.invokedFunctionArn });
`;

describe('CLI: publish, alias, versions', function () {
  this.timeout(60000);
  const projects: string[] = [];
  const project = () => {
    const dir = writeProject({
      'template.yaml': samTemplate({ Echo: { handler: 'app.handler' }, Other: { handler: 'app.handler', codeUri: 'other' } }),
      'src/app.js': handler('v1'),
      'other/app.js': handler('other'),
    });
    projects.push(dir);
    return dir;
  };
  const cli = (dir: string, ...args: string[]) => run([...args, '-t', dir]);

  before(() => buildIfStale());
  after(() => {
    for (const dir of projects) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publish: a new version, "unchanged" when nothing changed, the next number after a change', async () => {
    const dir = project();
    const first = await cli(dir, 'publish', 'Echo', '-d', 'first release');
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout, 'Published Echo version 1\n');
    const again = await cli(dir, 'publish', 'Echo');
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, 'Echo is unchanged since version 1\n');
    fs.writeFileSync(path.join(dir, 'src', 'app.js'), handler('v2'));
    const second = await cli(dir, 'publish', 'Echo', '--description', 'second');
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, 'Published Echo version 2\n');
    // Where it lives: immutable JSON records and materialisable blobs in the state directory.
    const record = JSON.parse(fs.readFileSync(path.join(dir, '.lambda-workbench', 'functions', 'Echo', 'versions', '2.json'), 'utf8'));
    assert.equal(record.version, '2');
    assert.equal(record.description, 'second');
    assert.ok(fs.existsSync(path.join(dir, '.lambda-workbench', 'blobs')));
    const json = await cli(dir, 'publish', 'Echo', '--json');
    assert.equal(JSON.parse(json.stdout).FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:Echo:2');
    // From the project directory, without -t.
    const here = await run(['publish', 'Other'], dir);
    assert.equal(here.status, 0, here.stderr);
    assert.equal(here.stdout, 'Published Other version 1\n');
  });

  it('alias: create with a weight, update (routing dropped), delete; versions shows both tables', async () => {
    const dir = project();
    await cli(dir, 'publish', 'Echo', '-d', 'first');
    fs.writeFileSync(path.join(dir, 'src', 'app.js'), handler('v2'));
    await cli(dir, 'publish', 'Echo');

    const created = await cli(dir, 'alias', 'Echo', 'live', '--version', '1', '--weight', '2=0.1', '-d', 'production');
    assert.equal(created.status, 0, created.stderr);
    assert.equal(created.stdout, 'Created alias Echo:live → 1 + 2 at 10%\n');
    const edge = await cli(dir, 'alias', 'Echo', 'edge', '--version', '$LATEST');
    assert.equal(edge.stdout, 'Created alias Echo:edge → $LATEST\n');

    const versions = await cli(dir, 'versions', 'Echo');
    assert.equal(versions.status, 0, versions.stderr);
    const lines = versions.stdout.split('\n');
    assert.match(lines[0], /^VERSION\s+CODE SHA256\s+LAST MODIFIED\s+DESCRIPTION$/);
    assert.match(lines[1], /^\$LATEST\s+\S{12}…\s+\d{4}-\d\d-\d\dT[\d:.]+\+0000$/);
    assert.match(lines[2], /^1\s+\S{12}…\s+\d{4}-\d\d-\d\dT[\d:.]+\+0000\s+first$/);
    assert.match(lines[3], /^2\s+\S{12}…\s+\d{4}-\d\d-\d\dT[\d:.]+\+0000$/);
    assert.equal(lines[4], '');
    assert.match(lines[5], /^ALIAS\s+VERSION\s+DESCRIPTION$/);
    assert.match(lines[6], /^edge\s+\$LATEST$/);
    assert.match(lines[7], /^live\s+1 \+ 2 at 10%\s+production$/);

    const updated = await cli(dir, 'alias', 'Echo', 'live', '--version', '2');
    assert.equal(updated.status, 0, updated.stderr);
    assert.equal(updated.stdout, 'Updated alias Echo:live → 2\n');
    const json = JSON.parse((await cli(dir, 'versions', 'Echo', '--json')).stdout);
    assert.deepEqual(
      json.Versions.map((v: { Version: string }) => v.Version),
      ['$LATEST', '1', '2'],
    );
    assert.deepEqual(
      json.Aliases.map((a: { Name: string; FunctionVersion: string; Description: string }) => [a.Name, a.FunctionVersion, a.Description]),
      [
        ['edge', '$LATEST', ''],
        ['live', '2', 'production'],
      ],
    );
    assert.equal(json.Aliases[1].RoutingConfig, undefined);

    const deleted = await cli(dir, 'alias', 'Echo', 'edge', '--delete');
    assert.equal(deleted.status, 0, deleted.stderr);
    assert.equal(deleted.stdout, 'Deleted alias Echo:edge\n');
    assert.doesNotMatch((await cli(dir, 'versions', 'Echo')).stdout, /^edge/m);
    const none = await cli(dir, 'versions', 'Other');
    assert.match(none.stdout, /^\$LATEST /m);
    assert.match(none.stdout, /Other has no aliases/);
  });

  it('errors: one line on stderr, exit 2 (unknown function, bad alias input, missing --version)', async () => {
    const dir = project();
    await cli(dir, 'publish', 'Echo');
    const cases: Array<[string[], RegExp]> = [
      [['publish', 'Nope'], /^Function Nope is not in the template \(functions: Echo, Other\)$/],
      [['versions', 'Nope'], /^Function Nope is not in the template/],
      [['alias', 'Nope', 'live', '--version', '1'], /^Function Nope is not in the template/],
      [['alias', 'Echo', '123', '--version', '1'], /^ValidationException: 1 validation error detected: Value '123' at 'name' failed to satisfy constraint/],
      [['alias', 'Echo', 'live', '--version', '7'], /^ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:000000000000:function:Echo:7$/],
      [
        ['alias', 'Echo', 'live', '--version', '1', '--weight', '1=0.5'],
        /^InvalidParameterValueException: Invalid function version 1\. Function version 1 is already included in routing configuration\.$/,
      ],
      [['alias', 'Echo', 'live', '--version', '1', '--weight', '2=1.5'], /^ValidationException: .*Member must have value less than or equal to 1\.0/],
      [
        ['alias', 'Echo', 'live', '--version', '$LATEST', '--weight', '1=0.5'],
        /^InvalidParameterValueException: \$LATEST is not supported for an alias pointing to more than 1 version$/,
      ],
      [['alias', 'Echo', 'live', '--version', '1', '--weight', 'half'], /^--weight expects VERSION=WEIGHT \(e\.g\. 2=0\.1\), got "half"$/],
      [['alias', 'Echo', 'live'], /^alias needs --version <N> \(or --delete\)$/],
      [['alias', 'Echo', 'ghost', '--delete'], /^ResourceNotFoundException: Cannot find alias arn: arn:aws:lambda:us-east-1:000000000000:function:Echo:ghost$/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(dir, ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '', args.join(' '));
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.match(r.stderr.trimEnd(), message, args.join(' '));
    }
    // None of them created an alias.
    assert.match((await cli(dir, 'versions', 'Echo')).stdout, /Echo has no aliases/);
  });

  it('a running serve on the same project invokes what the CLI publishes and aliases, from the next invocation', async () => {
    const dir = project();
    let served: ListeningServe | undefined;
    try {
      served = await startListening(['-t', dir], { env: TEST_CREDENTIALS });
      const url = served.url;
      const invoke = async (qualifier: string) => {
        const res = await fetch(`${url}/2015-03-31/functions/Echo/invocations?Qualifier=${encodeURIComponent(qualifier)}`, { method: 'POST', body: '{}' });
        return {
          status: res.status,
          version: res.headers.get('x-amz-executed-version'),
          error: res.headers.get('x-amzn-errortype'),
          body: (await res.json()) as { marker: string; arn: string },
        };
      };
      assert.equal((await invoke('live')).error, 'ResourceNotFoundException');

      assert.equal((await cli(dir, 'publish', 'Echo')).stdout, 'Published Echo version 1\n');
      fs.writeFileSync(path.join(dir, 'src', 'app.js'), handler('v2'));
      assert.equal((await cli(dir, 'publish', 'Echo')).stdout, 'Published Echo version 2\n');
      const created = await cli(dir, 'alias', 'Echo', 'live', '--version', '1');
      assert.equal(created.status, 0, created.stderr);
      const one = await invoke('live');
      assert.equal(one.status, 200);
      assert.equal(one.version, '1');
      assert.equal(one.body.marker, 'v1');
      assert.equal(one.body.arn, 'arn:aws:lambda:us-east-1:000000000000:function:Echo:live');

      assert.equal((await cli(dir, 'alias', 'Echo', 'live', '--version', '2')).status, 0);
      const two = await invoke('live');
      assert.equal(two.version, '2');
      assert.equal(two.body.marker, 'v2');

      // The API sees what the CLI wrote, and the CLI what the API wrote.
      const alias = (await (await fetch(`${url}/2015-03-31/functions/Echo/aliases/live`)).json()) as { FunctionVersion: string };
      assert.equal(alias.FunctionVersion, '2');
      const apiCreated = await fetch(`${url}/2015-03-31/functions/Echo/aliases`, {
        method: 'POST',
        body: JSON.stringify({ Name: 'canary', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } } }),
      });
      assert.equal(apiCreated.status, 201);
      assert.match((await cli(dir, 'versions', 'Echo')).stdout, /^canary\s+2 \+ 1 at 50%$/m);
      assert.equal((await cli(dir, 'alias', 'Echo', 'live', '--delete')).status, 0);
      assert.equal((await invoke('live')).error, 'ResourceNotFoundException');
    } finally {
      await stopServe(served);
    }
  });
});
