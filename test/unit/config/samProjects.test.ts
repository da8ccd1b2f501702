import { strict as assert } from 'node:assert';
import { openProjectClosedAfterEach, writeProject } from '../helpers/project';

// The template semantics end to end, through the engine: an image function whose base is not an
// AWS one never blocks the template (its own invocations fail with the reason), functions without
// CodeUri run handlers in subdirectories (Node and Python), inline code runs, and SAM's hello-img
// (FROM public.ecr.aws/lambda/nodejs:22, CMD) runs from its DockerContext, with its ENV.

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Other:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
    Metadata:
      Dockerfile: Dockerfile
      DockerContext: ./other
  HelloImg:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
    Metadata:
      DockerTag: nodejs22.x-v1
      DockerContext: ./hello-world
      Dockerfile: Dockerfile
  EnvImg:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      Environment:
        Variables:
          TABLE: template-table
    Metadata:
      DockerContext: ./env-img
      Dockerfile: Dockerfile
  GetAll:
    Type: AWS::Serverless::Function
    Properties:
      Handler: src/handlers/get-all-items.getAllItemsHandler
      Runtime: nodejs22.x
  PyDir:
    Type: AWS::Serverless::Function
    Properties:
      Handler: pyfns/handlers/app.handler
      Runtime: python3.11
  Inline:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      InlineCode: |
        exports.handler = async (event) => ({ inline: event.n + 1 });
`;

describe('config: SAM projects through the engine (image functions, no CodeUri, inline code)', () => {
  const open = openProjectClosedAfterEach();

  it('opens a template with an image of another base; the other functions invoke, that one fails with the reason', async () => {
    const dir = writeProject({
      'template.yaml': TEMPLATE,
      'other/Dockerfile': 'FROM node:22-alpine\nCOPY app.js .\nCMD ["node", "app.js"]\n',
      'hello-world/Dockerfile': 'FROM public.ecr.aws/lambda/nodejs:22\nCOPY app.mjs package*.json ./\nRUN npm install\nCMD ["app.lambdaHandler"]\n',
      'hello-world/app.mjs': "export const lambdaHandler = async () => ({ statusCode: 200, body: JSON.stringify({ message: 'hello world' }) });\n",
      'env-img/Dockerfile': [
        'FROM public.ecr.aws/lambda/python:3.12',
        'ENV GREETING=from-image TABLE=image-table',
        'ENV DATA_DIR=${LAMBDA_TASK_ROOT}/data AWS_REGION=eu-west-9',
        'COPY app.py ${LAMBDA_TASK_ROOT}/',
        'COPY data/ ${LAMBDA_TASK_ROOT}/data/',
        'CMD ["app.handler"]',
      ].join('\n'),
      'env-img/app.py': [
        'import os',
        'def handler(event, context):',
        '    names = ["GREETING", "TABLE", "DATA_DIR", "AWS_REGION"]',
        '    return {**{n: os.environ[n] for n in names}, "data": os.path.isdir(os.environ["DATA_DIR"])}',
      ].join('\n'),
      'env-img/data/x.txt': 'x',
      'src/handlers/get-all-items.js': 'exports.getAllItemsHandler = async () => ({ items: [1, 2] });\n',
      'pyfns/handlers/app.py': 'def handler(event, context):\n    return {"py": event["n"] * 2}\n',
    });
    const workbench = await open(dir);

    const ok = async (name: string, payload: unknown) => {
      const result = await workbench.invoke(name, JSON.stringify(payload));
      assert.equal(result.functionError, undefined, `${name}: ${result.payload.toString()}`);
      return JSON.parse(result.payload.toString()) as unknown;
    };
    assert.deepEqual(await ok('GetAll', {}), { items: [1, 2] });
    assert.deepEqual(await ok('PyDir', { n: 21 }), { py: 42 });
    assert.deepEqual(await ok('Inline', { n: 1 }), { inline: 2 });
    assert.deepEqual(await ok('HelloImg', {}), { statusCode: 200, body: '{"message":"hello world"}' });
    // The image's ENV, under the function's own variables; /var/task paths point into the artefact; Lambda's own variables stay Lambda's.
    const env = (await ok('EnvImg', {})) as Record<string, unknown>;
    assert.deepEqual(env, { GREETING: 'from-image', TABLE: 'template-table', DATA_DIR: env.DATA_DIR, AWS_REGION: 'us-east-1', data: true });
    assert.notEqual(env.DATA_DIR, '/var/task/data');

    const refused = await workbench.invoke('Other', '{}');
    assert.ok(refused.functionError, 'the unsupported image fails');
    assert.match(refused.payload.toString(), /Image function: its Dockerfile .* builds FROM node:22-alpine, not an AWS Lambda base image/);
  });
});
