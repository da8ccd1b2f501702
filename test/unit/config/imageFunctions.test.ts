import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { awsBaseImageRuntime, readDockerfile } from '../../../src/core/config/dockerfile';
import { loadTemplate, type TemplateModel } from '../../../src/core/config/index';
import { samResourceLines, single, where, writeTemplate } from './helpers';

// PackageType: Image functions are definitions like the others: runtime from the AWS base image,
// handler from CMD (or ImageConfig.Command), build = image from Metadata. Any other image is
// listed with a warning and the reason its invocations fail with.

/** A template with one image function `Img` (declared at 3:3; Metadata from line 8) and a Dockerfile in ./img. */
async function imageTemplate(
  dockerfile: string | undefined,
  props: string[] = [],
  metadata = ['Dockerfile: Dockerfile', 'DockerContext: ./img', 'DockerTag: v1'],
) {
  const file = writeTemplate(
    samResourceLines(
      '  Img:', // 3
      '    Type: AWS::Serverless::Function', // 4
      '    Properties:', // 5
      '      PackageType: Image', // 6
      ...props.map((p) => `      ${p}`),
      '    Metadata:',
      ...metadata.map((m) => `      ${m}`),
      '  Zip:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { Handler: app.handler, Runtime: nodejs22.x }',
    ),
    ['img'],
  );
  if (dockerfile !== undefined) fs.writeFileSync(path.join(path.dirname(file), 'img', 'Dockerfile'), dockerfile);
  return loadTemplate(file);
}

const img = (m: TemplateModel) => m.functions.find((f) => f.logicalId === 'Img')!;

describe('config: Dockerfiles and image functions', () => {
  it('reads the last stage: FROM with ARG defaults, continuations and comments, COPY/ADD (--chown ignored), WORKDIR, RUN, ENV, CMD', () => {
    const recipe = readDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG NODE=20',
        'FROM public.ecr.aws/docker/library/node:${NODE} AS deps',
        'RUN npm ci',
        'FROM public.ecr.aws/lambda/nodejs:${NODE}',
        'ARG APP_DIR=lib',
        'ENV STAGE=prod OTHER="two words"',
        'COPY --chown=1000:1000 app.js \\',
        '     # a comment inside the continuation',
        '     package.json ./',
        'COPY --from=deps /build/node_modules ./node_modules',
        'WORKDIR ${APP_DIR}',
        'ADD ${APP_DIR}/ .',
        'RUN npm install --omit=dev && echo done',
        'CMD app.handler',
      ].join('\n'),
    )!;
    assert.equal(recipe.base, 'public.ecr.aws/lambda/nodejs:20');
    assert.equal(recipe.baseLine, 5);
    assert.deepEqual(recipe.stages, ['deps']);
    assert.deepEqual(recipe.env, { STAGE: 'prod', OTHER: 'two words' });
    assert.equal(recipe.workdir, '/var/task/lib');
    assert.deepEqual(recipe.cmd, ['app.handler']);
    assert.deepEqual(recipe.steps, [
      { kind: 'copy', sources: ['app.js', 'package.json'], dest: '/var/task/', line: 8 },
      { kind: 'copy', sources: ['/build/node_modules'], dest: '/var/task/node_modules', from: 'deps', line: 11 },
      { kind: 'copy', sources: ['lib/'], dest: '/var/task/lib/', line: 13 },
      { kind: 'run', command: 'npm install --omit=dev && echo done', cwd: '/var/task/lib', line: 14 },
    ]);
    assert.equal(readDockerfile('ARG X=1\n', {}), undefined);
    assert.equal(readDockerfile('ARG V=3.11\nFROM public.ecr.aws/lambda/python:${V}\n', { V: '3.13' })!.base, 'public.ecr.aws/lambda/python:3.13');
  });

  it('knows the AWS base images and their runtimes', () => {
    const runtimes = [
      'public.ecr.aws/lambda/nodejs:22',
      'public.ecr.aws/lambda/nodejs:20.2024.11.06.18-x86_64',
      'public.ecr.aws/lambda/python:3.12',
      'amazon/aws-lambda-python:3.11',
      'public.ecr.aws/lambda/ruby:3.3',
      'public.ecr.aws/lambda/provided:al2023',
      'public.ecr.aws/lambda/provided:al2',
      'public.ecr.aws/lambda/java:21',
      'public.ecr.aws/lambda/nodejs:latest',
      'node:22-alpine',
      'public.ecr.aws/docker/library/golang:1.19',
    ].map((image) => awsBaseImageRuntime(image)?.runtime ?? null);
    assert.deepEqual(runtimes, [
      'nodejs22.x',
      'nodejs20.x',
      'python3.12',
      'python3.11',
      'ruby3.3',
      'provided.al2023',
      'provided.al2',
      'java21',
      null,
      null,
      null,
    ]);
  });

  it("SAM's hello-img: runtime from FROM, handler from CMD, build = image from the DockerContext", async () => {
    const m = await imageTemplate('FROM public.ecr.aws/lambda/nodejs:22\n\nCOPY app.mjs package*.json ./\n\nRUN npm install\n\nCMD ["app.lambdaHandler"]\n');
    assert.deepEqual(m.diagnostics, []);
    const fn = img(m);
    const context = path.join(path.dirname(m.file), 'img');
    assert.deepEqual([fn.runtime, fn.handler, fn.codeUri, fn.unsupported], ['nodejs22.x', 'app.lambdaHandler', context, undefined]);
    assert.deepEqual(fn.build, { method: 'image', properties: { Dockerfile: 'Dockerfile', DockerContext: './img', DockerTag: 'v1' }, sourceDir: context });
    assert.equal(m.functions.find((f) => f.logicalId === 'Zip')!.codeUri, path.dirname(m.file));
  });

  it('ImageConfig.Command wins over CMD; EntryPoint and another WorkingDirectory are noted as not simulated', async () => {
    const m = await imageTemplate('FROM public.ecr.aws/lambda/python:3.12\nCMD ["app.lambda_handler"]\n', [
      'ImageConfig:',
      '  Command: [other.handler]',
      '  EntryPoint: [/lambda-entrypoint.sh]',
      '  WorkingDirectory: /app',
    ]);
    const fn = img(m);
    assert.deepEqual([fn.runtime, fn.handler], ['python3.12', 'other.handler']);
    assert.deepEqual(fn.build?.properties.ImageConfig, { Command: ['other.handler'], EntryPoint: ['/lambda-entrypoint.sh'], WorkingDirectory: '/app' });
    assert.deepEqual(
      m.diagnostics.map((d) => [d.severity, d.code, where(d).line]),
      [
        ['warning', 'not-simulated', 9],
        ['warning', 'not-simulated', 10],
      ],
    );
  });

  it('an image not FROM an AWS base image is listed, with a warning at its Dockerfile and the reason it cannot run', async () => {
    const m = await imageTemplate('FROM node:22-alpine\nCOPY . .\nCMD ["node", "app.js"]\n');
    const d = single(m, 'unsupported-image');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(where(d), { line: 8, column: 19, property: 'Resources.Img.Metadata.Dockerfile' });
    assert.match(img(m).unsupported!, /^Image function: its Dockerfile \(.*img\/Dockerfile:1\) builds FROM node:22-alpine, not an AWS Lambda base image/);
    assert.equal(img(m).build, undefined);
    assert.equal(m.diagnostics.filter((x) => x.severity === 'error').length, 0);
  });

  it('a Dockerfile that cannot be read, or no Dockerfile in Metadata: a warning, the function still listed', async () => {
    const unreadable = await imageTemplate(undefined);
    assert.match(single(unreadable, 'unsupported-image').message, /^Image function: cannot read its Dockerfile .*img\/Dockerfile: ENOENT/);
    assert.equal(unreadable.functions.length, 2);

    const noMetadata = await imageTemplate(undefined, ['ImageUri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1'], ['DockerTag: v1']);
    const d = single(noMetadata, 'unsupported-image');
    assert.deepEqual(where(d), { line: 6, column: 20, property: 'Resources.Img.Properties.PackageType' });
    assert.match(img(noMetadata).unsupported!, /no Metadata.Dockerfile and DockerContext .*ImageUri 123456789012/);
  });
});
