import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildIfStale, cleanEnv, runCli, type CliRun } from '../helpers/build';
import { startServe, type ServeProcess } from '../helpers/serveProcess';
import { waitFor } from '../helpers/wait';
import { samTemplate, writeProject } from '../helpers/project';

// A SAM user's project run unchanged: --parameter-overrides in both of SAM's forms, --env-vars,
// samconfig.toml / .yaml, invoke without a function name, event files that are not JSON, and the
// template's warnings on invoke and serve.

const PARAMETERS = `Parameters:\n  Stage:\n    Type: String\n    Default: dev\n  Other:\n    Type: String\n    Default: x\n`;
const VARIABLES = 'Environment:\n  Variables:\n    STAGE: !Ref Stage\n    OTHER: !Ref Other\n    TABLE: real';
/** Returns the variables the tests look at (EXTRA is never declared: --env-vars must not add it). */
const HANDLER = `exports.handler = async () => ({ fn: process.env.AWS_LAMBDA_FUNCTION_NAME, STAGE: process.env.STAGE, OTHER: process.env.OTHER, TABLE: process.env.TABLE, EXTRA: process.env.EXTRA ?? null, region: process.env.AWS_REGION });\n`;

function project(files: Record<string, string> = {}, functions: string[] = ['Echo']): string {
  const template = samTemplate(Object.fromEntries(functions.map((name) => [name, { handler: 'app.handler', props: VARIABLES }]))).replace(
    'Resources:\n',
    `${PARAMETERS}Resources:\n`,
  );
  return writeProject({ 'template.yaml': template, 'src/app.js': HANDLER, 'events/event.json': '{"hello": "world"}', ...files });
}

function invoke(cwd: string, args: string[]): Promise<CliRun> {
  return runCli(['invoke', ...args], { cwd, env: cleanEnv() });
}

const pick = ({ TABLE, STAGE, EXTRA }: Record<string, unknown>) => ({ TABLE, STAGE, EXTRA });

async function invokeOk(cwd: string, args: string[]): Promise<Record<string, unknown>> {
  const r = await invoke(cwd, args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('CLI: SAM compatibility', function () {
  this.timeout(60000);

  before(() => {
    buildIfStale();
  });

  describe('--parameter-overrides', () => {
    it('takes several Key=Value pairs in one string, quoted values included', async () => {
      const dir = project();
      const out = await invokeOk(dir, ['Echo', '--parameter-overrides', `Stage=prod Other='two words'`]);
      assert.equal(out.STAGE, 'prod');
      assert.equal(out.OTHER, 'two words');
    });

    it('takes ParameterKey=K,ParameterValue=V, several in one string and repeated', async () => {
      const dir = project();
      const one = await invokeOk(dir, ['Echo', '--parameter-overrides', 'ParameterKey=Stage,ParameterValue=p1 ParameterKey=Other,ParameterValue=o1']);
      assert.deepEqual([one.STAGE, one.OTHER], ['p1', 'o1']);
      const repeated = await invokeOk(dir, ['Echo', '--parameter-overrides', 'ParameterKey=Stage,ParameterValue=p2', '--parameter-overrides', 'Other=o2']);
      assert.deepEqual([repeated.STAGE, repeated.OTHER], ['p2', 'o2']);
    });

    it('refuses malformed input with a usage error (exit 2)', async () => {
      const r = await invoke(project(), ['Echo', '--parameter-overrides', 'Stage=prod Oops']);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^--parameter-overrides: "Oops" \(in "Stage=prod Oops"\) is not a valid parameter override/m);
      assert.equal(r.stdout, '');
    });
  });

  describe('--env-vars', () => {
    it('sets declared variables from Parameters for every function and from the function entry, never undeclared ones', async () => {
      const dir = project(
        {
          'env.json': JSON.stringify({
            Parameters: { TABLE: 'local', STAGE: 'all', EXTRA: 'no' },
            Echo: { STAGE: 'echo', EXTRA: 'no' },
            'second-fn': { OTHER: 'by-name' },
          }),
        },
        ['Echo', 'Second'],
      );
      // The second function's name differs from its logical id: its entry is found by name.
      const template = path.join(dir, 'template.yaml');
      fs.appendFileSync(template, '      FunctionName: second-fn\n');
      const echo = await invokeOk(dir, ['Echo', '--env-vars', 'env.json']);
      assert.deepEqual([echo.TABLE, echo.STAGE, echo.OTHER, echo.EXTRA], ['local', 'echo', 'x', null]);
      const second = await invokeOk(dir, ['Second', '-n', 'env.json']);
      assert.deepEqual([second.fn, second.TABLE, second.STAGE, second.OTHER, second.EXTRA], ['second-fn', 'local', 'all', 'by-name', null]);
    });

    it("takes an exported shell variable over the template's value of a declared variable, and the file over both (as sam local)", async () => {
      const dir = project({ 'env.json': JSON.stringify({ Parameters: { STAGE: 'file' } }) });
      const run = (args: string[]) => runCli(['invoke', 'Echo', ...args], { cwd: dir, env: { ...cleanEnv(), TABLE: 'shell', STAGE: 'shell', EXTRA: 'shell' } });
      const plain = await run([]);
      assert.equal(plain.status, 0, plain.stderr);
      assert.deepEqual(pick(JSON.parse(plain.stdout)), { TABLE: 'shell', STAGE: 'shell', EXTRA: null });
      const withFile = await run(['--env-vars', 'env.json']);
      assert.deepEqual(pick(JSON.parse(withFile.stdout)), { TABLE: 'shell', STAGE: 'file', EXTRA: null });
    });

    it('names file:line:column when the file is not JSON', async () => {
      const dir = project({ 'env.json': '{\n  "Parameters": {"TABLE": "local",}\n}' });
      const r = await invoke(dir, ['Echo', '--env-vars', 'env.json']);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^env\.json:2:35: the environment variables file is not valid JSON/m);
    });
  });

  describe('samconfig', () => {
    const toml = [
      'version = 0.1',
      '[default.global.parameters]',
      'parameter_overrides = "Stage=global Other=global"',
      'region = "eu-west-1"',
      'env_vars = "env.json"',
      '[default.local_invoke.parameters]',
      'parameter_overrides = "Stage=invoke"',
      'warm_containers = "EAGER"',
      'beta_features = true',
      '[staging.local_invoke.parameters]',
      'template_file = "stacks/other.yaml"',
      'parameter_overrides = ["ParameterKey=Stage,ParameterValue=staging"]',
    ].join('\n');

    it('reads samconfig.toml: the command section over global, the command line over both', async () => {
      const dir = project({ 'samconfig.toml': toml, 'env.json': '{"Parameters": {"TABLE": "from-config"}}' });
      const fromConfig = await invokeOk(dir, ['Echo']);
      assert.deepEqual([fromConfig.STAGE, fromConfig.OTHER, fromConfig.TABLE, fromConfig.region], ['invoke', 'x', 'from-config', 'eu-west-1']);
      const fromFlags = await invokeOk(dir, ['Echo', '--parameter-overrides', 'Other=flag', '--region', 'us-west-2']);
      assert.deepEqual([fromFlags.STAGE, fromFlags.OTHER, fromFlags.region], ['dev', 'flag', 'us-west-2'], "a flag replaces samconfig's option, as in SAM");
    });

    it('--config-env picks another environment (its template_file included), --config-file another file', async () => {
      const dir = project({ 'samconfig.toml': toml, 'stacks/other.yaml': samTemplate({ Other: { handler: 'app.handler', codeUri: '../src' } }) });
      const staging = await invokeOk(dir, ['--config-env', 'staging']);
      assert.equal(staging.fn, 'Other', "staging's template_file, whose only function runs");
      const elsewhere = project({ 'conf/samconfig.yaml': 'default:\n  local_invoke:\n    parameters:\n      parameter_overrides:\n        Stage: yaml\n' });
      const viaFile = await invokeOk(elsewhere, ['Echo', '--config-file', 'conf/samconfig.yaml']);
      assert.equal(viaFile.STAGE, 'yaml');
    });

    it('reads samconfig.yaml next to the template when the current directory has none', async () => {
      const dir = project({
        'samconfig.yaml':
          'version: 0.1\ndefault:\n  global:\n    parameters:\n      parameter_overrides: Stage=yaml-global Other=o\n      env_vars: env.json\n',
        'env.json': '{"Echo": {"TABLE": "beside"}}',
      });
      const out = await invokeOk(path.dirname(dir), ['Echo', '-t', path.join(dir, 'template.yaml')]);
      assert.deepEqual([out.STAGE, out.OTHER, out.TABLE], ['yaml-global', 'o', 'beside']);
    });

    it('a samconfig that does not parse: file:line:column, exit 2', async () => {
      const dir = project({ 'samconfig.toml': 'version = 0.1\n[default.global.parameters\n' });
      const r = await invoke(dir, ['Echo']);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /samconfig\.toml:2:\d+: not valid TOML/);
    });
  });

  describe('invoke', () => {
    it("without a function name invokes the template's only function (invoke -e events/event.json)", async () => {
      const out = await invokeOk(project(), ['-e', 'events/event.json']);
      assert.equal(out.fn, 'Echo');
    });

    it("with several functions and none named: SAM's message listing them", async () => {
      const r = await invoke(project({}, ['First', 'Second']), ['-e', 'events/event.json']);
      assert.equal(r.status, 2);
      assert.match(
        r.stderr,
        /^You must provide a function logical ID when there are more than one functions in your template\. Possible options in your template: \['First', 'Second'\]$/m,
      );
    });

    it('an event file that is not JSON: file:line:column', async () => {
      const dir = project({ 'events/broken.json': '{\n  "a": 1,\n  "b": \'x\'\n}' });
      const r = await invoke(dir, ['Echo', '-e', 'events/broken.json']);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^events\/broken\.json:3:8: The event is not valid JSON: Unexpected token/m);
    });

    it("prints the template's warnings on stderr", async () => {
      const r = await invoke(project(), ['Echo', '--parameter-overrides', 'Nope=1']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /warning.*Override for parameter 'Nope' does not match any template parameter/i);
    });
  });

  describe('serve', () => {
    let serve: ServeProcess | undefined;
    afterEach(async () => {
      serve?.child.kill('SIGTERM');
      await serve?.exited;
      serve = undefined;
    });

    it("prints the template's warnings, and reads --env-vars and samconfig's local_start_lambda section", async () => {
      const dir = project({
        'samconfig.toml': '[default.local_start_lambda.parameters]\nparameter_overrides = "Stage=served Nope=1"\n',
        'env.json': '{"Parameters": {"TABLE": "served-table"}}',
      });
      serve = startServe(['--port', '0', '--env-vars', 'env.json'], { cwd: dir });
      const url = await waitFor(() => /Lambda API listening on (http:\/\/\S+)/.exec(serve!.stderr() + serve!.stdout())?.[1], 20000);
      assert.match(serve.stderr(), /Override for parameter 'Nope' does not match any template parameter/);
      const response = await fetch(`${url}/2015-03-31/functions/Echo/invocations`, { method: 'POST', body: '{}' });
      const out = (await response.json()) as Record<string, unknown>;
      assert.deepEqual([out.STAGE, out.TABLE], ['served', 'served-table']);
    });
  });
});
