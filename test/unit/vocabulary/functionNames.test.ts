import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { WorkbenchError } from '../../../src/core/errors';
import { checkFunctionRegion, DEFAULT_REGION, functionArn, functionRefOf, parseFunctionRef, regionOfArn } from '../../../src/core/vocabulary/functionNames';
import { STATE_DIR_NAME, stateDirOf, stateLayout } from '../../../src/core/vocabulary/stateDirectory';

describe('ground vocabulary', () => {
  describe('parseFunctionRef (the Lambda API)', () => {
    it('reads names, Name:qualifier, full and partial ARNs', () => {
      assert.deepEqual(parseFunctionRef('Worker'), { name: 'Worker', qualifier: undefined, region: undefined, accountId: undefined });
      assert.deepEqual(parseFunctionRef('Worker:$LATEST'), { name: 'Worker', qualifier: '$LATEST', region: undefined, accountId: undefined });
      assert.deepEqual(parseFunctionRef('arn:aws:lambda:eu-west-1:123456789012:function:Worker:live'), {
        name: 'Worker',
        qualifier: 'live',
        region: 'eu-west-1',
        accountId: '123456789012',
      });
      assert.deepEqual(parseFunctionRef('123456789012:function:Worker'), {
        name: 'Worker',
        qualifier: undefined,
        region: undefined,
        accountId: '123456789012',
      });
    });

    it('refuses what Lambda refuses, with its validation message', () => {
      for (const bad of ['', 'a b', 'Worker:live:1', 'arn:aws:lambda:local:000000000000:function:Worker']) {
        assert.throws(
          () => parseFunctionRef(bad),
          (e: unknown) => e instanceof WorkbenchError && e.code === 'ValidationException' && e.message.includes(`Value '${bad}' at 'functionName'`),
        );
      }
      // AWS's pattern takes a name longer than a function's 64 characters: no function has it (not found).
      assert.equal(parseFunctionRef('x'.repeat(65)).name, 'x'.repeat(65));
    });

    it('checks the Qualifier parameter with the name, every failed constraint in one message', () => {
      assert.deepEqual(parseFunctionRef('Worker', '$latest'), { region: undefined, accountId: undefined, name: 'Worker', qualifier: undefined });
      assert.throws(
        () => parseFunctionRef('a b', 'q'.repeat(129)),
        (e: unknown) =>
          e instanceof WorkbenchError &&
          e.code === 'ValidationException' &&
          e.message.startsWith('2 validation errors detected: ') &&
          e.message.includes("at 'qualifier' failed to satisfy constraint: Member must have length less than or equal to 128; Value 'a b' at 'functionName'"),
      );
      assert.throws(
        () => parseFunctionRef('Worker', 'bad!'),
        (e: unknown) => e instanceof WorkbenchError && e.message.startsWith("1 validation error detected: Value 'bad!' at 'qualifier'"),
      );
    });

    it('refuses a function ARN of another region as AWS does', () => {
      assert.throws(
        () => checkFunctionRegion(parseFunctionRef('arn:aws:lambda:eu-central-1:000000000000:function:Worker'), 'us-east-1'),
        (e: unknown) =>
          e instanceof WorkbenchError &&
          e.code === 'ResourceNotFoundException' &&
          e.message === "Functions from 'eu-central-1' are not reachable in this region ('us-east-1')",
      );
      checkFunctionRegion(parseFunctionRef('Worker'), 'us-east-1');
    });
  });

  describe('functionRefOf (names the engine did not receive from a client)', () => {
    // Moved here with the parsers it replaced (the extension's splitFunctionName and functionOfArn).
    it('splits function names, Name:qualifier and ARNs', () => {
      assert.deepEqual(functionRefOf('HelloCjs'), { name: 'HelloCjs' });
      assert.deepEqual(functionRefOf('HelloCjs', 'prod'), { name: 'HelloCjs', qualifier: 'prod' });
      assert.deepEqual(functionRefOf('HelloCjs:3'), { name: 'HelloCjs', qualifier: '3' });
      assert.deepEqual(functionRefOf('HelloCjs:$LATEST'), { name: 'HelloCjs', qualifier: '$LATEST' });
      assert.deepEqual(functionRefOf('arn:aws:lambda:us-east-1:000000000000:function:HelloCjs'), { name: 'HelloCjs' });
      assert.deepEqual(functionRefOf('arn:aws:lambda:us-east-1:000000000000:function:HelloCjs:prod'), { name: 'HelloCjs', qualifier: 'prod' });
      assert.deepEqual(functionRefOf('HelloCjs:3', 'prod'), { name: 'HelloCjs', qualifier: 'prod' });
      assert.deepEqual(functionRefOf('arn:aws:lambda:us-east-1:000000000000:function:Worker:live'), { name: 'Worker', qualifier: 'live' });
    });

    it('reads ARNs the API pattern would refuse and keeps anything else as a name', () => {
      assert.deepEqual(functionRefOf('arn:aws:lambda:local:000000000000:function:Worker:live'), { name: 'Worker', qualifier: 'live' });
      assert.deepEqual(functionRefOf('arn:aws-cn:lambda:cn-north-1:000000000000:function:Worker'), { name: 'Worker' });
      assert.deepEqual(functionRefOf('a:b:c'), { name: 'a:b:c' });
      assert.deepEqual(functionRefOf(''), { name: '' });
    });
  });

  it('builds function ARNs in the local account and reads the region of any ARN', () => {
    assert.equal(functionArn('eu-west-1', 'Worker', 'live'), 'arn:aws:lambda:eu-west-1:000000000000:function:Worker:live');
    assert.equal(functionArn('eu-west-1', 'Worker'), 'arn:aws:lambda:eu-west-1:000000000000:function:Worker');
    assert.equal(regionOfArn('arn:aws:kinesis:eu-west-1:000000000000:stream/Clicks'), 'eu-west-1');
    assert.equal(regionOfArn('arn:aws:sqs:ap-south-2:000000000000:jobs'), 'ap-south-2');
    assert.equal(regionOfArn('jobs'), DEFAULT_REGION);
    assert.equal(regionOfArn('jobs', 'eu-north-1'), 'eu-north-1');
  });

  it('lays out the state directory beside the template', () => {
    const template = path.resolve('/projects/app/template.yaml');
    assert.equal(stateDirOf(template), path.resolve('/projects/app', STATE_DIR_NAME));
    assert.equal(stateDirOf(template, 'state'), path.resolve('/projects/app/state'));
    assert.equal(stateDirOf(template, '/var/state'), path.resolve('/var/state'));
    const layout = stateLayout('/s');
    assert.equal(layout.store, path.join('/s', 'store'));
    assert.equal(layout.serveFile, path.join('/s', 'serve.json'));
    assert.equal(layout.functions, path.join('/s', 'functions'));
  });
});
