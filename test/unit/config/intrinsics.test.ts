import { strict as assert } from 'node:assert';
import { hasErrors } from '../../../src/core/config/index';
import { lines, load, probe, samResourceLines, single, where, withCode } from './helpers';

// Intrinsic functions are resolved into TemplateModel.resources; a `Custom::Probe`
// resource carries the expressions under test.

const PREAMBLE = [
  'Parameters:', // 1
  '  Stage:', // 2
  '    Type: String', // 3
  '    Default: dev', // 4
  '  Subnets:', // 5
  '    Type: CommaDelimitedList', // 6
  '    Default: "subnet-a, subnet-b,subnet-c"', // 7
  '  Size:', // 8
  '    Type: Number', // 9
  '    Default: 256', // 10
  'Conditions:', // 11
  '  IsProd: !Equals [!Ref Stage, prod]', // 12
  '  IsDev: !Equals [dev, !Ref Stage]', // 13
  '  DevOrProd: !Or [!Condition IsProd, !Condition IsDev]', // 14
  '  DevAndNotProd: !And [!Condition IsDev, !Not [!Condition IsProd]]', // 15
  'Mappings:', // 16
  '  Regions:', // 17
  '    us-east-1: { Ami: ami-east, Zones: 3 }', // 18
  '    eu-west-1: { Ami: ami-west, Zones: 2 }', // 19
  'Resources:', // 20
];

const PROBE = (props: string[]) => ['  Probe:', '    Type: Custom::Probe', '    Properties:', ...props.map((p) => `      ${p}`)];

const probeTemplate = (...props: string[]) => lines(...PREAMBLE, ...PROBE(props));

/** A SAM template without parameters: the Probe with these properties, then further resources. */
const probeAmong = (props: string[], ...resources: string[]) => samResourceLines(...PROBE(props), ...resources);

describe('config: intrinsic functions', () => {
  describe('Ref', () => {
    it('resolves parameters from defaults, with lists for CommaDelimitedList and strings for Number', async () => {
      const m = await load(probeTemplate('Stage: !Ref Stage', 'Subnets: !Ref Subnets', 'Size: !Ref Size'));
      assert.deepEqual(probe(m), { Stage: 'dev', Subnets: ['subnet-a', 'subnet-b', 'subnet-c'], Size: '256' });
      assert.deepEqual(m.parameters, { Stage: 'dev', Subnets: 'subnet-a, subnet-b,subnet-c', Size: '256' });
      assert.deepEqual(m.diagnostics, []);
    });

    it('uses parameter overrides over defaults', async () => {
      const m = await load(probeTemplate('Stage: !Ref Stage', 'Subnets: !Ref Subnets'), {
        parameterOverrides: { Stage: 'prod', Subnets: 'x,y' },
      });
      assert.deepEqual(probe(m), { Stage: 'prod', Subnets: ['x', 'y'] });
      assert.equal(m.parameters.Stage, 'prod');
    });

    it('resolves pseudo parameters with local defaults', async () => {
      const m = await load(
        probeTemplate(
          'Region: !Ref AWS::Region',
          'Account: !Ref AWS::AccountId',
          'Stack: !Ref AWS::StackName',
          'Partition: !Ref AWS::Partition',
          'Suffix: !Ref AWS::URLSuffix',
          'StackId: !Ref AWS::StackId',
          'Arns: !Ref AWS::NotificationARNs',
        ),
      );
      assert.deepEqual(probe(m), {
        Region: 'us-east-1',
        Account: '000000000000',
        Stack: 'local',
        Partition: 'aws',
        Suffix: 'amazonaws.com',
        StackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/local/00000000-0000-0000-0000-000000000000',
        Arns: [],
      });
    });

    it('takes region, account and stack name from the options', async () => {
      const m = await load(probeTemplate('All: !Sub "${AWS::Region}/${AWS::AccountId}/${AWS::StackName}"'), {
        region: 'eu-west-1',
        accountId: '123456789012',
        stackName: 'demo',
      });
      assert.deepEqual(probe(m), { All: 'eu-west-1/123456789012/demo' });
    });

    it('AWS::NoValue removes the property and the list item', async () => {
      const m = await load(probeTemplate('Gone: !Ref AWS::NoValue', 'List: [a, !Ref AWS::NoValue, b]', 'Kept: x'));
      assert.deepEqual(probe(m), { List: ['a', 'b'], Kept: 'x' });
    });

    it('resolves resources: functions to their name, layers to their logical id, queues to URLs, topics to ARNs', async () => {
      const m = await load(
        probeAmong(
          [
            'Named: !Ref Named',
            'Unnamed: !Ref Unnamed',
            'Layer: !Ref Layer',
            'Queue: !Ref Queue',
            'Topic: !Ref Topic',
            'Table: !Ref Table',
            'Bucket: !Ref Bucket',
            'Role: !Ref UnnamedRole',
          ],
          '  Named:',
          '    Type: AWS::Lambda::Function',
          '    Properties: { FunctionName: my-fn, Code: src, Handler: a.b, Runtime: nodejs20.x, Role: r }',
          '  Unnamed:',
          '    Type: AWS::Serverless::Function',
          '    Properties: { CodeUri: src, Handler: a.b, Runtime: nodejs20.x }',
          '  Layer:',
          '    Type: AWS::Serverless::LayerVersion',
          '    Properties: { ContentUri: src }',
          '  Queue:',
          '    Type: AWS::SQS::Queue',
          '    Properties: { QueueName: jobs }',
          '  Topic:',
          '    Type: AWS::SNS::Topic',
          '  Table:',
          '    Type: AWS::DynamoDB::Table',
          '    Properties: { TableName: items }',
          '  Bucket:',
          '    Type: AWS::S3::Bucket',
        ),
      );
      assert.deepEqual(probe(m), {
        Named: 'my-fn',
        Unnamed: 'Unnamed',
        Layer: 'Layer',
        Queue: 'https://sqs.us-east-1.amazonaws.com/000000000000/jobs',
        Topic: 'arn:aws:sns:us-east-1:000000000000:Topic',
        Table: 'items',
        Bucket: 'Bucket',
        // SAM creates `<Function>Role` for functions without a Role.
        Role: 'UnnamedRole',
      });
      assert.deepEqual(m.diagnostics, []);
    });
  });

  describe('Fn::GetAtt', () => {
    const resources = [
      '  Fn:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { FunctionName: worker, CodeUri: src, Handler: a.b, Runtime: nodejs20.x }',
      '  Queue:',
      '    Type: AWS::SQS::Queue',
      '  Stream:',
      '    Type: AWS::Kinesis::Stream',
      '    Properties: { Name: clicks }',
      '  Table:',
      '    Type: AWS::DynamoDB::Table',
      '    Properties: { TableName: items }',
    ];

    it('resolves ARNs and attributes in both the dotted and the list form', async () => {
      const m = await load(
        probeAmong(
          [
            'FnArn: !GetAtt Fn.Arn',
            'FnArnList: !GetAtt [Fn, Arn]',
            'FnArnLong: { "Fn::GetAtt": [Fn, Arn] }',
            'QueueArn: !GetAtt Queue.Arn',
            'QueueUrl: !GetAtt Queue.QueueUrl',
            'QueueName: !GetAtt Queue.QueueName',
            'StreamArn: !GetAtt Stream.Arn',
            'TableArn: !GetAtt Table.Arn',
            'TableStream: !GetAtt Table.StreamArn',
          ],
          ...resources,
        ),
        { region: 'eu-central-1', accountId: '111122223333' },
      );
      assert.deepEqual(probe(m), {
        FnArn: 'arn:aws:lambda:eu-central-1:111122223333:function:worker',
        FnArnList: 'arn:aws:lambda:eu-central-1:111122223333:function:worker',
        FnArnLong: 'arn:aws:lambda:eu-central-1:111122223333:function:worker',
        QueueArn: 'arn:aws:sqs:eu-central-1:111122223333:Queue',
        QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/111122223333/Queue',
        QueueName: 'Queue',
        StreamArn: 'arn:aws:kinesis:eu-central-1:111122223333:stream/clicks',
        TableArn: 'arn:aws:dynamodb:eu-central-1:111122223333:table/items',
        TableStream: 'arn:aws:dynamodb:eu-central-1:111122223333:table/items/stream/1970-01-01T00:00:00.000',
      });
    });

    it('reports an unknown attribute at the node, listing the known ones', async () => {
      const m = await load(
        lines('Resources:', '  Probe:', '    Type: Custom::Probe', '    Properties:', '      X: !GetAtt Queue.Nope', ...resources.slice(3, 5)),
      );
      const d = single(m, 'unresolvable-intrinsic');
      assert.equal(d.severity, 'warning');
      assert.deepEqual(where(d), { line: 5, column: 10, property: 'Resources.Probe.Properties.X' });
      assert.match(d.message, /attribute 'Nope' of AWS::SQS::Queue cannot be resolved locally \(known: Arn, QueueUrl, QueueName\)/);
      assert.deepEqual(probe(m), {});
    });
  });

  describe('Fn::Sub', () => {
    it('substitutes pseudo parameters, parameters, attributes and keeps ${!Literal}', async () => {
      const m = await load(
        lines(
          ...PREAMBLE,
          '  Probe:',
          '    Type: Custom::Probe',
          '    Properties:',
          '      Text: !Sub "${AWS::Region}-${Stage}-${Queue.QueueName}-${Queue}-${!Literal}"',
          '      Block: !Sub |',
          '        echo ${Stage}',
          '      WithVars: !Sub',
          '        - "${Name}:${Port}/${Stage}"',
          '        - Name: !Join [".", [a, !Ref Stage]]',
          '          Port: 8080',
          '  Queue:',
          '    Type: AWS::SQS::Queue',
        ),
      );
      assert.deepEqual(probe(m), {
        Text: 'us-east-1-dev-Queue-https://sqs.us-east-1.amazonaws.com/000000000000/Queue-${Literal}',
        Block: 'echo dev\n',
        WithVars: 'a.dev:8080/dev',
      });
    });

    it('points an unknown variable at the exact ${…} inside the string', async () => {
      const m = await load(probeTemplate('Text: !Sub "prefix-${Stage}-${Missing}"'));
      const d = single(m, 'unresolved-ref');
      // Line 24 is the Text line; `${Missing}` spans columns 35–44.
      assert.deepEqual(where(d), { line: 24, column: 35, property: 'Resources.Probe.Properties.Text.Fn::Sub' });
      assert.equal(d.range.endColumn, 45);
      assert.match(d.message, /\$\{Missing\}: 'Missing' is not a parameter, resource or pseudo parameter/);
      assert.deepEqual(probe(m), {});
    });
  });

  it('Fn::Join, Fn::Select, Fn::Split, Fn::Base64, Fn::GetAZs and Fn::Cidr', async () => {
    const m = await load(
      probeTemplate(
        'Join: !Join [":", [a, !Ref Stage, 3]]',
        'Select: !Select [1, !Ref Subnets]',
        'SelectString: !Select ["2", [x, y, z]]',
        'Split: !Split [",", "a,b,,c"]',
        'SplitSelect: !Select [0, !Split ["/", !Sub "${Stage}/rest"]]',
        'Base64: !Base64 "hello ${x}"',
        'Zones: !GetAZs ""',
        'Cidr: !Cidr ["10.0.0.0/16", 3, 8]',
      ),
    );
    assert.deepEqual(probe(m), {
      Join: 'a:dev:3',
      Select: 'subnet-b',
      SelectString: 'z',
      Split: ['a', 'b', '', 'c'],
      SplitSelect: 'dev',
      Base64: Buffer.from('hello ${x}').toString('base64'),
      Zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      Cidr: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
    });
    assert.deepEqual(m.diagnostics, []);
  });

  it('Fn::If follows Conditions (Equals, And, Or, Not, Condition) and evaluates only the chosen branch', async () => {
    const text = probeTemplate(
      'Prod: !If [IsProd, yes, no]',
      'Dev: !If [IsDev, yes, no]',
      'Either: !If [DevOrProd, yes, no]',
      'DevOnly: !If [DevAndNotProd, yes, no]',
      'Skipped: !If [IsProd, !ImportValue never-evaluated, local]',
      'Optional: !If [IsProd, x, !Ref AWS::NoValue]',
    );
    const dev = await load(text);
    assert.deepEqual(probe(dev), { Prod: 'no', Dev: 'yes', Either: 'yes', DevOnly: 'yes', Skipped: 'local' });
    assert.deepEqual(dev.diagnostics, []);
    const prod = await load(text, { parameterOverrides: { Stage: 'prod' } });
    assert.equal(probe(prod).Prod, 'yes');
    assert.equal(probe(prod).DevOnly, 'no');
    assert.equal(probe(prod).Optional, 'x');
    assert.equal(single(prod, 'unresolvable-intrinsic').range.line, 28);
  });

  it('Fn::FindInMap looks up Mappings, with keys from intrinsics', async () => {
    const m = await load(probeTemplate('Ami: !FindInMap [Regions, !Ref AWS::Region, Ami]', 'Zones: !FindInMap [Regions, eu-west-1, Zones]'));
    assert.deepEqual(probe(m), { Ami: 'ami-east', Zones: 2 });
  });

  it('reports a missing mapping key at that key, listing the available ones', async () => {
    const m = await load(probeTemplate('Ami: !FindInMap [Regions, ap-south-1, Ami]'));
    const d = single(m, 'unresolvable-intrinsic');
    assert.deepEqual(where(d), { line: 24, column: 33, property: 'Resources.Probe.Properties.Ami.Fn::FindInMap[1]' });
    assert.match(d.message, /mapping 'Regions' has no key 'ap-south-1' \(keys: us-east-1, eu-west-1\)/);
  });

  it('reports Fn::ImportValue as unresolvable at its node, with file, line and column', async () => {
    const m = await load(probeTemplate('Vpc: !ImportValue shared-vpc-id', 'Other: kept'));
    const d = single(m, 'unresolvable-intrinsic');
    // Valid CloudFormation that is only unknowable locally: a warning, so it does not block
    // unrelated functions (a required property fed by it reports its own error).
    assert.equal(d.severity, 'warning');
    assert.equal(hasErrors(m), false);
    assert.match(d.range.file, /template\.yaml$/);
    assert.deepEqual(where(d), { line: 24, column: 12, property: 'Resources.Probe.Properties.Vpc' });
    assert.deepEqual([d.range.endLine, d.range.endColumn], [24, 38]);
    assert.match(d.message, /Fn::ImportValue 'shared-vpc-id' .* cannot be resolved locally/);
    assert.deepEqual(probe(m), { Other: 'kept' });
  });

  it('reports a Ref to an unknown name and a parameter without a value', async () => {
    const m = await load(
      lines(
        'Parameters:',
        '  NoDefault:',
        '    Type: String',
        'Resources:',
        '  Probe:',
        '    Type: Custom::Probe',
        '    Properties:',
        '      A: !Ref Nope',
        '      B: { Ref: NoDefault }',
      ),
    );
    const [a, b] = withCode(m, 'unresolved-ref');
    // A reference to nothing is a template error; a parameter without a value is a missing input.
    assert.deepEqual([a!.severity, b!.severity], ['error', 'warning']);
    assert.deepEqual(where(a!), { line: 8, column: 10, property: 'Resources.Probe.Properties.A' });
    assert.match(a!.message, /'Nope' is not a parameter, resource or pseudo parameter/);
    assert.deepEqual(where(b!), { line: 9, column: 10, property: 'Resources.Probe.Properties.B' });
    assert.match(b!.message, /Parameter 'NoDefault' has no value: it has no Default and no override was given/);
  });

  it('reports unknown and circular conditions', async () => {
    const m = await load(
      lines(
        'Conditions:',
        '  A: !Condition B',
        '  B: !Not [!Condition A]',
        'Resources:',
        '  Probe:',
        '    Type: Custom::Probe',
        '    Properties:',
        '      X: !If [Unknown, 1, 2]',
        '      Y: !If [A, 1, 2]',
      ),
    );
    assert.deepEqual(where(single(m, 'unresolved-ref')), { line: 8, column: 15, property: 'Resources.Probe.Properties.X.Fn::If[0]' });
    assert.match(single(m, 'circular-reference').message, /Condition 'A' depends on itself/);
    assert.deepEqual(probe(m), {});
  });

  it('skips resources whose Condition is false, and a Ref to them fails', async () => {
    const m = await load(
      lines(
        'Conditions:',
        '  Never: !Equals [a, b]',
        'Resources:',
        '  Probe:',
        '    Type: Custom::Probe',
        '    Properties:',
        '      Q: !Ref Queue',
        '  Queue:',
        '    Type: AWS::SQS::Queue',
        '    Condition: Never',
      ),
    );
    assert.equal(m.resources.Queue, undefined);
    assert.match(single(m, 'unresolved-ref').message, /resource 'Queue' is not created \(its Condition 'Never' is false\)/);
    assert.equal(single(m, 'condition-false').severity, 'info');
  });

  it('reports Fn::Select out of range', async () => {
    const m = await load(probeTemplate('X: !Select [5, !Ref Subnets]'));
    assert.match(single(m, 'unresolvable-intrinsic').message, /index 5 is out of range \(the list has 3 items\)/);
  });
});
