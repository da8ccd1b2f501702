import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  applyEnvironmentOverrides,
  findSamConfig,
  parseJsonWithPosition,
  parseParameterOverrides,
  readEnvVarsFile,
  readSamConfig,
  SamOverrideError,
  samRunInputs,
  type FunctionDefinition,
} from '../../../src/core/config';
import { writeProject } from '../helpers/project';

// SAM CLI's override inputs, read as SAM reads them: --parameter-overrides (both forms), the
// --env-vars file, and samconfig.toml / .yaml.

describe('SAM overrides: --parameter-overrides', () => {
  it('reads several Key=Value pairs from one string, with quoted and escaped values', () => {
    assert.deepEqual(parseParameterOverrides('Stage=prod Other=y'), { Stage: 'prod', Other: 'y' });
    assert.deepEqual(parseParameterOverrides(`  A="two words" B='single quoted' C=a\\ b D=x=y  `), {
      A: 'two words',
      B: 'single quoted',
      C: 'a b',
      D: 'x=y',
    });
  });

  it('reads the ParameterKey=K,ParameterValue=V form, several in one string and repeated, values with commas', () => {
    assert.deepEqual(parseParameterOverrides('ParameterKey=Stage,ParameterValue=prod ParameterKey=Subnets,ParameterValue=a,b'), {
      Stage: 'prod',
      Subnets: 'a,b',
    });
    assert.deepEqual(parseParameterOverrides(['ParameterKey=Stage,ParameterValue="p r"', 'Other=y', 'Stage=last']), { Stage: 'last', Other: 'y' });
  });

  it('reads samconfig lists and mappings as SAM does (lists joined with commas, null blank)', () => {
    assert.deepEqual(parseParameterOverrides([['A=1', 'B=2'], { C: 3, D: ['x', 'y'], E: null, F: true }]), {
      A: '1',
      B: '2',
      C: '3',
      D: 'x,y',
      E: '',
      F: 'True',
    });
  });

  it('reads file:// parameter files (YAML, TOML) with $include, relative to the including file, and refuses loops', () => {
    const dir = writeProject({
      'params/main.yaml': 'Stage: from-yaml\nSubnets: [a, b]\n$include: file://more.toml\n',
      'params/more.toml': 'Other = "from-toml"\nStage = "overridden-by-include"\n',
      'loop/a.yaml': '$include: file://b.yaml\n',
      'loop/b.yaml': '$include: [file://a.yaml]\n',
      'params.json': '{}',
    });
    assert.deepEqual(parseParameterOverrides(['file://params/main.yaml', 'Last=1'], dir), {
      Stage: 'overridden-by-include',
      Subnets: 'a,b',
      Other: 'from-toml',
      Last: '1',
    });
    assert.throws(() => parseParameterOverrides('file://loop/a.yaml', dir), /Infinite recursion detected in file references: .*a\.yaml/);
    assert.throws(() => parseParameterOverrides('file://params.json', dir), /unsupported extension/);
    assert.throws(() => parseParameterOverrides('file://missing.yaml', dir), /file:\/\/missing\.yaml was not found/);
  });

  it('refuses malformed input with a message naming it', () => {
    for (const bad of ['Stage', '=prod', 'ParameterKey=Stage', 'ParameterKey=Stage,Value=x', 'A="unterminated', 'Bad-Key=1']) {
      assert.throws(() => parseParameterOverrides(bad), SamOverrideError, bad);
    }
    assert.throws(() => parseParameterOverrides('Stage=prod Oops'), /"Oops" \(in "Stage=prod Oops"\) is not a valid parameter override/);
  });
});

describe('SAM overrides: --env-vars', () => {
  const fn = (environment: Record<string, string>): FunctionDefinition =>
    ({ logicalId: 'Api', functionName: 'my-api', environment }) as unknown as FunctionDefinition;

  it('overrides only the variables the template declares: Parameters for all, then the function entry', () => {
    const result = applyEnvironmentOverrides(fn({ TABLE: 'real', STAGE: 'dev', KEEP: 'k' }), {
      Parameters: { TABLE: 'global', STAGE: 'global', UNDECLARED: 'x' },
      Api: { STAGE: 'mine', ALSO_UNDECLARED: 'y' },
      Other: { KEEP: 'not mine' },
    });
    assert.deepEqual(result.environment, { TABLE: 'global', STAGE: 'mine', KEEP: 'k' });
  });

  it("takes the shell's value of a declared variable over the template's, and the file's over both", () => {
    const shell = { TABLE: 'from-shell', STAGE: 'from-shell', HOME: '/home/me' };
    const result = applyEnvironmentOverrides(fn({ TABLE: 'real', STAGE: 'dev', KEEP: 'k' }), { Api: { STAGE: 'from-file' } }, shell);
    assert.deepEqual(result.environment, { TABLE: 'from-shell', STAGE: 'from-file', KEEP: 'k' });
    assert.deepEqual(applyEnvironmentOverrides(fn({ TABLE: 'real' }), undefined, shell).environment, { TABLE: 'from-shell' });
  });

  it('finds the function entry by function name when no logical id entry has variables', () => {
    const result = applyEnvironmentOverrides(fn({ STAGE: 'dev' }), { Api: {}, 'my-api': { STAGE: 'by-name' } });
    assert.equal(result.environment.STAGE, 'by-name');
    const untouched = fn({ STAGE: 'dev' });
    assert.equal(applyEnvironmentOverrides(untouched, { Parameters: { OTHER: '1' } }), untouched, 'nothing declared to override: the same definition');
  });

  it('reads the file with SAM value conversion, and names file:line:column when it is not JSON', () => {
    const dir = writeProject({
      'env.json': JSON.stringify({ Parameters: { N: 5, B: false, O: { a: 1 }, Z: null } }),
      'bad.json': '{\n  "Parameters": {\n    "A": "x",\n  }\n}',
      'list.json': '{"Api": ["A=1"]}',
    });
    assert.deepEqual(readEnvVarsFile(path.join(dir, 'env.json')), { Parameters: { N: '5', B: 'false', O: '', Z: '' } });
    assert.throws(
      () => readEnvVarsFile(path.join(dir, 'bad.json')),
      new RegExp(`^Error: ${path.join(dir, 'bad.json')}:4:3: the environment variables file is not valid JSON`),
    );
    assert.throws(() => readEnvVarsFile(path.join(dir, 'list.json')), /"Api" in incorrect format/);
    assert.throws(() => readEnvVarsFile(path.join(dir, 'missing.json')), /Could not read environment variables overrides from file .*missing\.json: ENOENT/);
  });
});

describe('JSON error positions', () => {
  it('gives line and column of the first offending character, including errors V8 gives no offset for', () => {
    const at = (text: string) => {
      const r = parseJsonWithPosition(text);
      assert.ok('problem' in r, text);
      return `${r.problem.line}:${r.problem.column}`;
    };
    assert.equal(at('{\n  "a": tru\n}'), '2:11', 'where the missing e should be');
    assert.equal(at('{"a": 1,}'), '1:9');
    assert.equal(at('[1,\n\n ,2]'), '3:2');
    assert.equal(at('{"a": "x\ny"}'), '1:9');
    assert.equal(at('{"a": 1'), '1:8');
    assert.equal(at('{} x'), '1:4');
    assert.deepEqual(parseJsonWithPosition('{"a": [1, "\\u00e9", null]}'), { value: { a: [1, 'é', null] } });
  });
});

describe('samconfig', () => {
  const toml = [
    'version = 0.1',
    '[default.global.parameters]',
    'parameter_overrides = "Stage=global Other=g"',
    'region = "eu-west-1"',
    'env_vars = "env.json"',
    '[default.local_invoke.parameters]',
    'parameter_overrides = "Stage=invoke"',
    'warm_containers = "EAGER"',
    'skip_pull_image = true',
    '[prod.local_invoke.parameters]',
    'template_file = "stacks/template.yaml"',
    'parameter_overrides = ["ParameterKey=Stage,ParameterValue=prod"]',
  ].join('\n');
  const yaml = [
    'version: 0.1',
    'default:',
    '  global:',
    '    parameters:',
    '      region: ap-south-1',
    '  local_start_api:',
    '    parameters:',
    '      parameter_overrides:',
    '        Stage: api',
    '        Subnets: [a, b]',
  ].join('\n');

  it('reads the command section over global, in the default environment, with paths relative to the base directory', () => {
    const dir = writeProject({ 'samconfig.toml': toml });
    const file = path.join(dir, 'samconfig.toml');
    const invoke = readSamConfig(file, { sections: ['local_invoke'] });
    assert.deepEqual(invoke.parameterOverrides, { Stage: 'invoke' }, "the command's option replaces global's, as in SAM");
    assert.equal(invoke.region, 'eu-west-1');
    assert.equal(invoke.envVars, path.join(dir, 'env.json'));
    assert.equal(invoke.warmContainers, 'EAGER');
    const global = readSamConfig(file, { sections: ['local_start_lambda'] });
    assert.deepEqual(global.parameterOverrides, { Stage: 'global', Other: 'g' });
    const prod = readSamConfig(file, { env: 'prod', sections: ['local_invoke'], baseDir: '/base' });
    assert.deepEqual(prod.parameterOverrides, { Stage: 'prod' });
    assert.equal(prod.template, path.join('/base', 'stacks/template.yaml'));
    assert.equal(prod.region, undefined, "another environment's global is not read");
    assert.match(readSamConfig(file, { env: 'nope', sections: [] }).warnings[0]!, /has no environment "nope" \(environments: default, prod\)/);
  });

  it('reads samconfig.yaml, and prefers .toml over .yaml over .yml in a directory', () => {
    const dir = writeProject({ 'samconfig.yaml': yaml, 'samconfig.yml': 'x: 1' });
    assert.equal(findSamConfig([path.join(dir, 'nowhere'), dir]), path.join(dir, 'samconfig.yaml'));
    const api = readSamConfig(path.join(dir, 'samconfig.yaml'), { sections: ['local_start_api'] });
    assert.deepEqual(api.parameterOverrides, { Stage: 'api', Subnets: 'a,b' });
    assert.equal(api.region, 'ap-south-1');
    fs.writeFileSync(path.join(dir, 'samconfig.toml'), '');
    assert.equal(findSamConfig([dir]), path.join(dir, 'samconfig.toml'));
  });

  it('names file:line:column of a TOML or YAML syntax error, and refuses a malformed option', () => {
    const dir = writeProject({
      'bad.toml': 'version = 0.1\n[default.global.parameters]\nregion = "eu\n',
      'bad.yaml': 'default:\n  global: [\n  x: :',
      'overrides.toml': '[default.global.parameters]\nparameter_overrides = "Stage"',
    });
    assert.throws(
      () => readSamConfig(path.join(dir, 'bad.toml'), { sections: [] }),
      new RegExp(`^Error: ${path.join(dir, 'bad.toml')}:3:\\d+: not valid TOML`),
    );
    assert.throws(
      () => readSamConfig(path.join(dir, 'bad.yaml'), { sections: [] }),
      new RegExp(`^Error: ${path.join(dir, 'bad.yaml')}:\\d+:\\d+: not valid YAML`),
    );
    assert.throws(() => readSamConfig(path.join(dir, 'overrides.toml'), { sections: [] }), /overrides\.toml \(default\): parameter_overrides: "Stage"/);
  });

  it("the extension's inputs: settings replace samconfig's options, samconfig's local sections over global", () => {
    const dir = writeProject({
      'samconfig.toml': [
        '[default.global.parameters]',
        'parameter_overrides = "Stage=global"',
        'env_vars = "env.json"',
        'region = "eu-central-1"',
        '[default.local_start_api.parameters]',
        'parameter_overrides = "Stage=api Other=api"',
      ].join('\n'),
      'env.json': '{"Parameters": {"A": "from-samconfig"}}',
      'mine.json': '{"Fn": {"A": "from-setting"}}',
    });
    const fromConfig = samRunInputs({ searchDirs: [dir] });
    assert.deepEqual(fromConfig.parameterOverrides, { Stage: 'api', Other: 'api' });
    assert.deepEqual(fromConfig.environmentOverrides, { Parameters: { A: 'from-samconfig' } });
    assert.equal(fromConfig.configFile, path.join(dir, 'samconfig.toml'));
    assert.equal(fromConfig.region, 'eu-central-1');
    const fromSettings = samRunInputs({ searchDirs: [dir], envVarsFile: path.join(dir, 'mine.json'), parameterOverrides: { Stage: 'setting' } });
    assert.deepEqual(fromSettings.parameterOverrides, { Stage: 'setting' });
    assert.deepEqual(fromSettings.environmentOverrides, { Fn: { A: 'from-setting' } });
    assert.deepEqual(
      samRunInputs({ searchDirs: [dir], parameterOverrides: {} }).parameterOverrides,
      { Stage: 'api', Other: 'api' },
      'an empty setting is no setting',
    );
  });
});
