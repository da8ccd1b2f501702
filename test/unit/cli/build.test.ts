import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../helpers/build';
import { writeProject } from '../helpers/project';

// `lambda-workbench build` and the builds invoke runs first, from the built CLI: progress lines on
// stderr, "up to date" when nothing changed, a failed build's esbuild diagnostics with
// file:line:column and exit 1.

const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Resources:
  HelloWorldFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: hello-world/
      Handler: app.lambdaHandler
      Runtime: nodejs20.x
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        EntryPoints: [app.ts]
`;

function project(appTs: string): string {
  return writeProject({ 'template.yaml': TEMPLATE, 'hello-world/app.ts': appTs });
}

const HELLO =
  'export const lambdaHandler = async (): Promise<{ statusCode: number; body: string }> => ({ statusCode: 200, body: JSON.stringify({ message: "hello world" }) });\n';

describe('CLI: build', function () {
  this.timeout(60000);

  it('builds with progress lines, then says up to date; invoke runs the artefact', async () => {
    const dir = project(HELLO);
    const first = await runCli(['build'], dir);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /^BUILD HelloWorldFunction: esbuild$/m);
    assert.match(first.stderr, /^BUILD HelloWorldFunction: esbuild app\.ts → /m);
    assert.match(first.stderr, /^BUILD HelloWorldFunction: built in \d+ ms$/m);
    assert.ok(fs.existsSync(path.join(dir, '.lambda-workbench', 'build', 'HelloWorldFunction', 'artefact', 'app.js')));
    const second = await runCli(['build', 'HelloWorldFunction'], dir);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /^BUILD HelloWorldFunction: up to date$/m);
    const invoked = await runCli(['invoke', 'HelloWorldFunction'], dir);
    assert.equal(invoked.status, 0, invoked.stderr);
    assert.deepEqual(JSON.parse(invoked.stdout), { statusCode: 200, body: JSON.stringify({ message: 'hello world' }) });
  });

  it("a failed build prints esbuild's file:line:column and exits 1; an unknown function is a usage error", async () => {
    const dir = project('export const lambdaHandler = async () => {\n  return 1 +;\n};\n');
    const failed = await runCli(['build'], dir);
    assert.equal(failed.status, 1, failed.stderr);
    assert.match(failed.stderr, /^BUILD HelloWorldFunction: FAILED esbuild could not build HelloWorldFunction$/m);
    assert.match(failed.stderr, /^app\.ts:2:\d+: /m);
    const unknown = await runCli(['build', 'Nope'], dir);
    assert.equal(unknown.status, 2, unknown.stderr);
    assert.match(unknown.stderr, /Not a function of the template: Nope \(functions: HelloWorldFunction\)/);
  });
});
