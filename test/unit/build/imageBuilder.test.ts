import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImageBuilder } from '../../../src/core/build/imageBuilder';
import { BuildError, type BuildRequest } from '../../../src/core/build/types';
import type { FunctionDefinition } from '../../../src/core/config/types';
import { writeProject } from '../helpers/project';
import { writeWheel } from './buildTestSupport';

// An image function built without Docker: its Dockerfile's COPY lines lay the context out as
// /var/task, its `RUN npm|pip install` lines run natively into the artefact (offline: a local
// `file:` npm package, a wheel built here with --no-index), other RUN lines are skipped with a warning.

function request(context: string, dockerfile = 'Dockerfile', extra: Record<string, unknown> = {}): BuildRequest & { lines: string[] } {
  const lines: string[] = [];
  const artefactDir = path.join(path.dirname(context), 'artefact');
  const fn = {
    logicalId: 'Img',
    functionName: 'Img',
    runtime: '',
    handler: '',
    codeUri: context,
    build: { method: 'image', properties: { Dockerfile: dockerfile, DockerContext: path.basename(context), DockerTag: 'v1', ...extra }, sourceDir: context },
  } as unknown as FunctionDefinition;
  return { fn, sourceDir: context, artefactDir, cacheDir: path.join(path.dirname(context), 'cache'), log: (line) => lines.push(line), lines };
}

/** A wheel of package `tinypkg` (tinypkg/__init__.py defines VALUE). */
function buildWheel(dir: string): string {
  const wheel = path.join(dir, 'tinypkg-1.0-py3-none-any.whl');
  writeWheel('python3', wheel, 'tinypkg', 'VALUE = 42\n', '1.0');
  return wheel;
}

describe('build: image functions without Docker (ImageBuilder)', () => {
  it('lays the context out as COPY does, runs npm install with its flags, skips other RUN lines, takes runtime and handler from FROM and CMD', async () => {
    const root = writeProject({
      'tiny/package.json': JSON.stringify({ name: 'tiny', version: '1.0.0', main: 'index.js' }),
      'tiny/index.js': 'module.exports = 7;\n',
      'hello-world/app.mjs': 'export const lambdaHandler = async () => ({ statusCode: 200 });\n',
      'hello-world/lib/util.js': 'module.exports = 1;\n',
      'hello-world/notes.txt': 'not copied',
      'hello-world/Dockerfile': [
        '# a comment',
        'FROM public.ecr.aws/lambda/nodejs:22',
        'COPY app.mjs package*.json ./',
        'COPY lib/ ${LAMBDA_TASK_ROOT}/vendor/',
        'RUN npm install \\',
        '    --omit=dev',
        'RUN echo built',
        'ENV GREETING=hi NODE_PATH=${LAMBDA_TASK_ROOT}/vendor:/opt/nodejs',
        'ENV PATH=/var/task/bin:$PATH LAMBDA_TASK_ROOT=/elsewhere',
        'CMD ["app.lambdaHandler"]',
      ].join('\n'),
    });
    const context = path.join(root, 'hello-world');
    fs.writeFileSync(
      path.join(context, 'package.json'),
      JSON.stringify({ name: 'hello', version: '1.0.0', dependencies: { tiny: `file:${path.join(root, 'tiny')}` } }),
    );
    const req = request(context);
    const outcome = await new ImageBuilder().build(req);

    const artefact = req.artefactDir;
    assert.deepEqual(outcome.changes, {
      runtime: 'nodejs22.x',
      handler: 'app.lambdaHandler',
      baseEnvironment: {
        GREETING: 'hi',
        NODE_PATH: `${path.join(artefact, 'vendor')}:/opt/nodejs`,
        PATH: [path.join(artefact, 'bin'), process.env.PATH].join(':'),
      },
    });
    assert.ok(fs.existsSync(path.join(artefact, 'app.mjs')));
    assert.ok(fs.existsSync(path.join(artefact, 'package.json')));
    assert.ok(fs.existsSync(path.join(artefact, 'vendor', 'util.js')), 'a directory source copies its contents');
    assert.ok(!fs.existsSync(path.join(artefact, 'notes.txt')), 'only what COPY names');
    assert.ok(!fs.existsSync(path.join(artefact, 'Dockerfile')));
    assert.equal(fs.readFileSync(path.join(artefact, 'node_modules', 'tiny', 'index.js'), 'utf8'), 'module.exports = 7;\n');
    assert.deepEqual(outcome.warnings, [
      'RUN echo built (Dockerfile:7) is skipped: only npm and pip installs in /var/task run without Docker',
      'ENV LAMBDA_TASK_ROOT is not applied: Lambda sets LAMBDA_TASK_ROOT itself',
    ]);
    assert.ok(
      req.lines.some((l) => l.startsWith('npm install --omit=dev')),
      req.lines.join('\n'),
    );
  });

  it("runs pip install -r requirements.txt --target ${LAMBDA_TASK_ROOT} with the function's Python; ImageConfig.Command wins over CMD", async () => {
    const root = writeProject({
      'hello_world/app.py': 'import tinypkg\n\ndef lambda_handler(event, context):\n    return tinypkg.VALUE\n',
      'hello_world/Dockerfile': [
        'FROM public.ecr.aws/lambda/python:3.12',
        'COPY app.py requirements.txt ${LAMBDA_TASK_ROOT}',
        'RUN python3.12 -m pip install -r requirements.txt --target "${LAMBDA_TASK_ROOT}"',
        'CMD [ "app.lambda_handler" ]',
      ].join('\n'),
    });
    const wheel = buildWheel(root);
    fs.writeFileSync(path.join(root, 'hello_world', 'requirements.txt'), `--no-index\n${wheel}\n`);
    const req = request(path.join(root, 'hello_world'), 'Dockerfile', { ImageConfig: { Command: ['app.other_handler'] } });
    const used: string[] = [];
    const outcome = await new ImageBuilder({
      python: async (fn) => {
        used.push(fn.logicalId);
        return 'python3';
      },
    }).build(req);

    assert.deepEqual(outcome.changes, { runtime: 'python3.12', handler: 'app.other_handler', baseEnvironment: {} });
    assert.deepEqual(used, ['Img']);
    assert.equal(fs.readFileSync(path.join(req.artefactDir, 'tinypkg', '__init__.py'), 'utf8'), 'VALUE = 42\n');
    assert.ok(fs.existsSync(path.join(req.artefactDir, 'app.py')));
    assert.deepEqual(outcome.warnings, []);
  });

  it('fails with the Dockerfile line for a missing COPY source, a failed install, or a base image that is not an AWS one', async () => {
    const missing = writeProject({ 'ctx/Dockerfile': 'FROM public.ecr.aws/lambda/nodejs:20\nCOPY app.js ./\nCMD ["app.handler"]\n' });
    await assert.rejects(new ImageBuilder().build(request(path.join(missing, 'ctx'))), (e: Error) => {
      assert.ok(e instanceof BuildError);
      assert.match(e.message, /^Dockerfile:2: COPY source app\.js not found/);
      return true;
    });

    const failing = writeProject({
      'ctx/package.json': JSON.stringify({ name: 'x', version: '1.0.0', dependencies: { nothere: 'file:/nonexistent/nothere' } }),
      'ctx/Dockerfile': 'FROM public.ecr.aws/lambda/nodejs:20\nCOPY package.json ./\nRUN npm ci --production\nCMD ["app.handler"]\n',
    });
    await assert.rejects(new ImageBuilder().build(request(path.join(failing, 'ctx'))), /Dockerfile:3: npm ci --production .*failed \(exit code/);

    const other = writeProject({ 'ctx/Dockerfile': 'FROM node:22-alpine\nCOPY . .\nCMD ["node", "app.js"]\n' });
    await assert.rejects(new ImageBuilder().build(request(path.join(other, 'ctx'))), /Dockerfile:1: FROM node:22-alpine is not an AWS Lambda base image/);
  });
});
