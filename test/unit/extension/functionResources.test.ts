import { strict as assert } from 'node:assert';
import { findFunctionResources } from '../../../src/extension/debug/functionResources';

// Where the template CodeLens goes: the line of each function resource's logical id.

describe('template function resources (CodeLens positions)', () => {
  it('finds SAM and Lambda function resources, skipping other types, with 0-based positions', () => {
    const text = [
      'Transform: AWS::Serverless-2016-10-31', // 0
      'Resources:', // 1
      '  Queue:', // 2
      '    Type: AWS::SQS::Queue', // 3
      '  Hello:', // 4
      '    Type: AWS::Serverless::Function', // 5
      '    Properties:', // 6
      '      Handler: index.handler', // 7
      '      Role: !GetAtt Role.Arn', // 8
      '      Environment: { Variables: { T: !Ref Queue } }', // 9
      '  "Raw":', // 10
      '    Type: AWS::Lambda::Function', // 11
      '  Layer:', // 12
      '    Type: AWS::Serverless::LayerVersion', // 13
    ].join('\n');
    assert.deepEqual(findFunctionResources(text), [
      { logicalId: 'Hello', type: 'AWS::Serverless::Function', line: 4, column: 2 },
      { logicalId: 'Raw', type: 'AWS::Lambda::Function', line: 10, column: 2 },
    ]);
  });

  it('reads JSON templates', () => {
    const text = JSON.stringify({ Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: {} }, B: { Type: 'AWS::S3::Bucket' } } }, null, 2);
    assert.deepEqual(findFunctionResources(text), [{ logicalId: 'Fn', type: 'AWS::Lambda::Function', line: 2, column: 4 }]);
  });

  it('keeps working on a template being edited (duplicate keys, a broken tail, a Type not yet typed)', () => {
    const text = ['Resources:', '  A:', '    Type: AWS::Serverless::Function', '  A:', '    Type: AWS::Serverless::Function', '  B:', '    Type:', '  C: [', ''].join('\n');
    assert.deepEqual(findFunctionResources(text).map((r) => [r.logicalId, r.line]), [['A', 1], ['A', 3]]);
  });

  it('finds nothing without a Resources map', () => {
    for (const text of ['', 'Resources: []', '- a\n- b', 'Resources:\n  A: 1', ': : :']) assert.deepEqual(findFunctionResources(text), [], text);
  });
});
