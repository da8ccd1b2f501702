import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { FunctionDefinition, TemplateModel } from '../../../src/core/config/index';
import { FIXTURES, lines, load, loadFixture, NODE_CODE, samFn, samFunction, samResourceLines, single, where } from './helpers';

function fn(model: TemplateModel, logicalId: string): FunctionDefinition {
  const f = model.functions.find((x) => x.logicalId === logicalId);
  if (!f) throw new Error(`no function ${logicalId}`);
  return f;
}

describe('config: functions', () => {
  describe('the SAM fixture application', () => {
    const dir = path.join(FIXTURES, 'sam-app');
    let model: TemplateModel;
    before(async () => (model = await loadFixture('sam-app')));

    it('loads without diagnostics', () => {
      assert.deepEqual(model.diagnostics, []);
      assert.equal(model.file, path.join(dir, 'template.yaml'));
      assert.deepEqual(
        model.functions.map((f) => f.logicalId),
        ['HelloFunction', 'WorkerFunction'],
      );
    });

    it('merges Globals.Function as SAM does: maps key by key, lists concatenated (Architectures replaced), scalars overridden', () => {
      const hello = fn(model, 'HelloFunction');
      const worker = fn(model, 'WorkerFunction');
      assert.equal(hello.runtime, 'nodejs20.x'); // global
      assert.equal(worker.runtime, 'python3.12'); // resource wins
      assert.equal(hello.timeout, 10);
      assert.deepEqual(hello.architectures, ['arm64']);
      // Environment.Variables merged; the resource's LOG_LEVEL wins over the global one.
      assert.deepEqual(hello.environment, { LOG_LEVEL: 'debug', TABLE_NAME: 'items', STAGE: 'dev' });
      // Layers: the global list for Hello; for Worker, its own (empty) list after the global entries.
      assert.deepEqual(hello.layers, [{ logicalId: 'SharedLayer', contentUri: path.join(dir, 'layers/shared') }]);
      assert.deepEqual(worker.layers, [{ logicalId: 'SharedLayer', contentUri: path.join(dir, 'layers/shared') }]);
    });

    it('reads every property of a SAM function', () => {
      const hello = fn(model, 'HelloFunction');
      assert.deepEqual(hello, {
        logicalId: 'HelloFunction',
        functionName: 'local-hello',
        resourceType: 'AWS::Serverless::Function',
        handler: 'app.handler',
        runtime: 'nodejs20.x',
        codeUri: path.join(dir, 'hello'),
        description: 'Says hello',
        memorySize: 128,
        timeout: 10,
        environment: { LOG_LEVEL: 'debug', TABLE_NAME: 'items', STAGE: 'dev' },
        layers: [{ logicalId: 'SharedLayer', contentUri: path.join(dir, 'layers/shared') }],
        architectures: ['arm64'],
        autoPublishAlias: 'live',
        provisionedConcurrency: 2,
        events: [{ name: 'Api', type: 'Api', properties: { Path: '/hello', Method: 'get' }, position: { file: model.file, line: 45, column: 9 } }],
        position: { file: model.file, line: 30, column: 3 },
      });
    });

    it('resolves parameters, conditions, env stringification and async settings of the worker', () => {
      const worker = fn(model, 'WorkerFunction');
      assert.equal(worker.functionName, 'WorkerFunction'); // no FunctionName: the logical id
      assert.equal(worker.memorySize, 512); // !Ref of a Number parameter
      assert.equal(worker.timeout, 30); // !If [IsProd, 60, 30]
      assert.equal(worker.reservedConcurrentExecutions, 5);
      assert.deepEqual(worker.environment, {
        QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/jobs-dev',
        RETRIES: '3',
        ENABLED: 'true',
        STAGE: 'dev',
        LOG_LEVEL: 'info',
      });
      assert.deepEqual(worker.eventInvokeConfig, {
        maximumRetryAttempts: 1,
        maximumEventAgeInSeconds: 120,
        destinationConfig: { onFailure: { type: 'SQS', destination: 'arn:aws:sqs:us-east-1:000000000000:FailureQueue' } },
      });
      assert.deepEqual(worker.deadLetterQueue, { type: 'SNS', targetArn: 'arn:aws:sns:us-east-1:000000000000:AlarmTopic' });
    });

    it('keeps SAM events and attaches AWS::Lambda::EventSourceMapping resources to their function', () => {
      const worker = fn(model, 'WorkerFunction');
      assert.deepEqual(
        worker.events.map((e) => [e.name, e.type, e.position.line]),
        [
          ['Jobs', 'SQS', 67],
          ['TableStreamMapping', 'EventSourceMapping', 115],
        ],
      );
      assert.deepEqual(worker.events[0]!.properties, { Queue: 'arn:aws:sqs:us-east-1:000000000000:jobs-dev', BatchSize: 10 });
      assert.deepEqual(worker.events[1]!.properties, {
        FunctionName: 'WorkerFunction',
        EventSourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/items/stream/1970-01-01T00:00:00.000',
        StartingPosition: 'LATEST',
      });
    });

    it('reads layers and fills resources for every resource', () => {
      assert.deepEqual(model.layers, [
        {
          logicalId: 'SharedLayer',
          layerName: 'shared',
          contentUri: path.join(dir, 'layers/shared'),
          compatibleRuntimes: ['nodejs20.x', 'nodejs22.x', 'python3.12'],
          position: { file: model.file, line: 83, column: 3 },
        },
      ]);
      assert.deepEqual(Object.keys(model.resources), [
        'HelloFunction',
        'WorkerFunction',
        'SharedLayer',
        'Queue',
        'FailureQueue',
        'AlarmTopic',
        'Table',
        'TableStreamMapping',
      ]);
      assert.deepEqual(model.resources.Queue, {
        type: 'AWS::SQS::Queue',
        properties: { QueueName: 'jobs-dev' },
        position: { file: model.file, line: 90, column: 3 },
      });
      // SAM functions' resources carry the properties merged with Globals.
      assert.equal(model.resources.HelloFunction!.properties.Runtime, 'nodejs20.x');
    });

    it('applies parameter overrides and the options', async () => {
      const prod = await loadFixture('sam-app', 'template.yaml', {
        parameterOverrides: { Stage: 'prod', WorkerMemory: '1024' },
        region: 'eu-west-1',
        stackName: 'shop',
      });
      const worker = fn(prod, 'WorkerFunction');
      assert.equal(fn(prod, 'HelloFunction').functionName, 'shop-hello');
      assert.equal(worker.memorySize, 1024);
      assert.equal(worker.timeout, 60);
      assert.equal(worker.environment.QUEUE_URL, 'https://sqs.eu-west-1.amazonaws.com/000000000000/jobs-prod');
    });
  });

  describe('the CloudFormation JSON fixture (AWS::Lambda::Function)', () => {
    const dir = path.join(FIXTURES, 'lambda-json');
    let model: TemplateModel;
    before(async () => (model = await loadFixture('lambda-json', 'template.json')));

    it('reads Code, FindInMap, Select over a CommaDelimitedList and DeadLetterConfig', () => {
      assert.deepEqual(model.diagnostics, []);
      const p = fn(model, 'Processor');
      assert.deepEqual(p, {
        logicalId: 'Processor',
        functionName: 'processor-test',
        resourceType: 'AWS::Lambda::Function',
        handler: 'index.handler',
        runtime: 'nodejs22.x',
        codeUri: path.join(dir, 'code'),
        memorySize: 256,
        timeout: 30,
        environment: { FIRST_SUBNET: 'subnet-a' },
        layers: [],
        architectures: ['x86_64'],
        reservedConcurrentExecutions: 0,
        role: 'arn:aws:iam::000000000000:role/ProcessorRole',
        events: p.events,
        eventInvokeConfig: {
          maximumRetryAttempts: 0,
          destinationConfig: { onSuccess: { destination: 'arn:aws:sqs:us-east-1:000000000000:Dlq' } },
        },
        deadLetterQueue: { type: 'SQS', targetArn: 'arn:aws:sqs:us-east-1:000000000000:Dlq' },
        position: { file: model.file, line: 11, column: 5 },
      });
    });

    it('attaches an EventSourceMapping that names the function by ARN, and the EventInvokeConfig resource', () => {
      const p = fn(model, 'Processor');
      assert.deepEqual(p.events, [
        {
          name: 'StreamMapping',
          type: 'EventSourceMapping',
          properties: {
            FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:processor-test',
            EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/Stream',
            StartingPosition: 'TRIM_HORIZON',
            BatchSize: 100,
          },
          position: { file: model.file, line: 29, column: 5 },
        },
      ]);
    });
  });

  it('applies defaults: MemorySize 128, Timeout 3, x86_64, no layers or events', async () => {
    const m = await load(samFunction());
    assert.deepEqual(m.diagnostics, []);
    const f = fn(m, 'Fn');
    assert.equal(f.functionName, 'Fn');
    assert.equal(f.memorySize, 128);
    assert.equal(f.timeout, 3);
    assert.deepEqual(f.architectures, ['x86_64']);
    assert.deepEqual([f.layers, f.events, f.environment], [[], [], {}]);
    assert.equal(f.codeUri, path.join(path.dirname(m.file), 'src'));
    for (const key of [
      'description',
      'reservedConcurrentExecutions',
      'provisionedConcurrency',
      'autoPublishAlias',
      'eventInvokeConfig',
      'deadLetterQueue',
      'emptyEnvironmentDeclared',
    ]) {
      assert.equal(key in f, false, key);
    }
  });

  it('stringifies environment values as written (numbers keep their text)', async () => {
    const m = await load(samFunction('Environment:', '  Variables:', '    RATIO: 1.50', '    ACCOUNT: 012345678901', '    ON: false', '    NAME: plain'));
    assert.deepEqual(fn(m, 'Fn').environment, { RATIO: '1.50', ACCOUNT: '012345678901', ON: 'false', NAME: 'plain' });
  });

  it('marks Environment.Variables written empty (Lambda shows Environment: { Variables: {} } then), and only then', async () => {
    const empty = fn(await load(samFunction('Environment:', '  Variables: {}')), 'Fn');
    assert.deepEqual([empty.environment, empty.emptyEnvironmentDeclared], [{}, true]);
    assert.equal('emptyEnvironmentDeclared' in fn(await load(samFunction()), 'Fn'), false);
    assert.equal('emptyEnvironmentDeclared' in fn(await load(samFunction('Environment:', '  Variables:', '    STAGE: dev')), 'Fn'), false);
  });

  it('resolves a layer ARN to an arn reference (with a warning) and AWS::Lambda::LayerVersion content', async () => {
    const m = await load(
      samFn(
        ['CodeUri: src', 'Handler: app.handler', 'Runtime: python3.12', 'Layers:', '  - !Ref Plain', '  - arn:aws:lambda:us-east-1:123456789012:layer:tools:3'],
        '  Plain:',
        '    Type: AWS::Lambda::LayerVersion',
        '    Properties:',
        '      LayerName: plain-layer',
        '      Content: deps',
        '      CompatibleRuntimes: [python3.12]',
      ),
      {},
      ['src', 'deps'],
    );
    const dir = path.dirname(m.file);
    assert.deepEqual(fn(m, 'Fn').layers, [
      { logicalId: 'Plain', contentUri: path.join(dir, 'deps') },
      { arn: 'arn:aws:lambda:us-east-1:123456789012:layer:tools:3' },
    ]);
    assert.deepEqual(
      m.layers.map((l) => [l.logicalId, l.layerName, l.contentUri]),
      [['Plain', 'plain-layer', path.join(dir, 'deps')]],
    );
    const d = single(m, 'not-local');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(where(d), { line: 11, column: 11, property: 'Resources.Fn.Properties.Layers[1]' });
  });

  it('warns when a layer is not compatible with the function runtime', async () => {
    const m = await load(
      samResourceLines(
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: app.handler, Runtime: nodejs22.x, Layers: [!Ref L] }',
        '  L:',
        '    Type: AWS::Serverless::LayerVersion',
        '    Properties: { ContentUri: src, CompatibleRuntimes: [python3.12] }',
      ),
    );
    assert.match(single(m, 'incompatible-layer').message, /Layer 'L' lists CompatibleRuntimes python3.12, which does not include nodejs22.x/);
  });

  it('attaches a SAM EventInvokeConfig and an AWS::Lambda::EventInvokeConfig resource', async () => {
    const m = await load(
      samFn(
        [
          ...NODE_CODE,
          'EventInvokeConfig:',
          '  MaximumRetryAttempts: 2',
          '  DestinationConfig:',
          '    OnSuccess: { Type: Lambda, Destination: !GetAtt Other.Arn }',
        ],
        '  Other:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { CodeUri: src, Handler: app.handler, Runtime: nodejs20.x }',
        '  OtherConfig:',
        '    Type: AWS::Lambda::EventInvokeConfig',
        '    Properties:',
        '      FunctionName: !Ref Other',
        '      Qualifier: $LATEST',
        '      MaximumEventAgeInSeconds: 3600',
      ),
    );
    assert.deepEqual(m.diagnostics, []);
    assert.deepEqual(fn(m, 'Fn').eventInvokeConfig, {
      maximumRetryAttempts: 2,
      destinationConfig: { onSuccess: { type: 'Lambda', destination: 'arn:aws:lambda:us-east-1:000000000000:function:Other' } },
    });
    assert.deepEqual(fn(m, 'Other').eventInvokeConfig, { maximumEventAgeInSeconds: 3600 });
  });

  it('warns about an EventSourceMapping whose function is not in the template', async () => {
    const m = await load(
      lines(
        'Resources:',
        '  Mapping:',
        '    Type: AWS::Lambda::EventSourceMapping',
        '    Properties:',
        '      FunctionName: elsewhere',
        '      EventSourceArn: arn:aws:sqs:us-east-1:1:q',
      ),
    );
    assert.deepEqual(where(single(m, 'unknown-function')), { line: 5, column: 21, property: 'Resources.Mapping.Properties.FunctionName' });
    assert.deepEqual(m.functions, []);
  });
});
