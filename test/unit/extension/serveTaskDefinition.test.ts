import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  PROBLEM_MATCHER,
  providedServeDefinition,
  serveArgs,
  serveDefinitionProblems,
  serveTaskName,
  TASK_TYPE,
  templateForDefinition,
  type ServeTaskDefinition,
} from '../../../src/extension/tasks/serveTaskDefinition';

// The `lambda-workbench` task type: a definition (tasks.json, or the provider's) → the arguments of
// the CLI's `serve`, and the manifest's task definition it must agree with.

const CLI = '/ext/dist/cli.js';
const serve = (more: Partial<ServeTaskDefinition> = {}): ServeTaskDefinition => ({ type: TASK_TYPE, command: 'serve', ...more });
const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));

describe('serve task definition', () => {
  it('builds the CLI arguments from the definition, each option only when given', () => {
    assert.deepEqual(serveArgs(CLI, serve()), [CLI, 'serve']);
    assert.deepEqual(serveArgs(CLI, serve({ template: 'infra/template.yaml', port: 0, region: 'eu-west-1', args: ['--http-api-port', '8080'] })), [
      CLI,
      'serve',
      '-t',
      'infra/template.yaml',
      '--port',
      '0',
      '--region',
      'eu-west-1',
      '--http-api-port',
      '8080',
    ]);
  });

  it("takes the region and node from the extension's settings when the definition does not say", () => {
    assert.deepEqual(serveArgs(CLI, serve({ template: 'template.yaml' }), { region: 'us-west-2', nodePath: '/opt/node/bin/node' }), [
      CLI,
      'serve',
      '-t',
      'template.yaml',
      '--region',
      'us-west-2',
      '--node-path',
      '/opt/node/bin/node',
    ]);
    assert.deepEqual(serveArgs(CLI, serve({ region: 'ap-south-1' }), { region: 'us-west-2', nodePath: '' }), [CLI, 'serve', '--region', 'ap-south-1']);
    // `args` come last: commander keeps the last value of an option, so they override.
    assert.deepEqual(serveArgs(CLI, serve({ port: 3001, args: ['--port', '4000'] })).slice(-4), ['--port', '3001', '--port', '4000']);
  });

  it('says what is wrong with a definition, and refuses to build one', () => {
    assert.deepEqual(serveDefinitionProblems(serve({ template: 'template.yaml', port: 3001, region: 'us-east-1', args: [] }) as never), []);
    assert.deepEqual(serveDefinitionProblems({ type: TASK_TYPE, command: 'invoke' }), ['"command" must be "serve", got "invoke"']);
    assert.deepEqual(serveDefinitionProblems({ type: TASK_TYPE, command: 'serve', port: 70000, template: '', args: ['a', 1], region: 5 }), [
      '"template" must be a path (relative to the workspace folder)',
      '"port" must be a port number (0–65535), got 70000',
      '"region" must be a region name',
      '"args" must be an array of strings',
    ]);
    assert.deepEqual(serveDefinitionProblems({ type: TASK_TYPE, command: 'serve', port: '3001' }), ['"port" must be a port number (0–65535), got "3001"']);
    assert.throws(() => serveArgs(CLI, { type: TASK_TYPE, command: 'invoke' } as never), /Invalid lambda-workbench task: "command" must be "serve"/);
  });

  it('names the template relative to the folder with /, absolute when outside it', () => {
    const folder = path.resolve('/ws/app');
    assert.equal(templateForDefinition(folder, path.join(folder, 'template.yaml')), 'template.yaml');
    assert.equal(templateForDefinition(folder, path.join(folder, 'infra', 'sam.yaml')), 'infra/sam.yaml');
    const outside = path.resolve('/elsewhere/template.yaml');
    assert.equal(templateForDefinition(folder, outside), outside);
    assert.deepEqual(providedServeDefinition(folder, path.join(folder, 'template.yml')), { type: TASK_TYPE, command: 'serve', template: 'template.yml' });
  });

  it('calls the task "serve" for the folder\'s own template, "serve <template>" for another', () => {
    assert.equal(serveTaskName({ template: 'template.yaml' }), 'serve');
    assert.equal(serveTaskName({ template: 'template.json' }), 'serve');
    assert.equal(serveTaskName({}), 'serve');
    assert.equal(serveTaskName({ template: 'infra/sam.yaml' }), 'serve infra/sam.yaml');
  });

  it('agrees with the task definition and problem matcher package.json contributes', () => {
    const [definition] = manifest.contributes.taskDefinitions;
    assert.equal(definition.type, TASK_TYPE);
    assert.deepEqual(definition.required, ['command']);
    assert.deepEqual(definition.properties.command.enum, ['serve']);
    assert.deepEqual(Object.keys(definition.properties).sort(), ['args', 'command', 'port', 'region', 'template']);
    assert.deepEqual(definition.properties.args.items, { type: 'string' });
    const names = (manifest.contributes.problemMatchers as { name: string }[]).map((m) => `$${m.name}`);
    assert.ok(names.includes(PROBLEM_MATCHER), `${PROBLEM_MATCHER} is contributed (${names.join(', ')})`);
  });
});
