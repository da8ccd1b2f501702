import { strict as assert } from 'node:assert';
import { aliasArgs, aliasWeights, isFunctionRefArg, payloadArg, sampleArg } from '../../../src/extension/commandArgs';

describe('extension command arguments', () => {
  it('recognises { functionName } arguments', () => {
    assert.ok(isFunctionRefArg({ functionName: 'A' }));
    assert.ok(isFunctionRefArg({ functionName: 'A', qualifier: '1' }));
    assert.ok(!isFunctionRefArg({ name: 'A' }));
    assert.ok(!isFunctionRefArg('A'));
    assert.ok(!isFunctionRefArg(undefined));
  });

  it('turns payload arguments into text', () => {
    assert.equal(payloadArg(undefined), undefined);
    assert.equal(payloadArg('{"a":1}'), '{"a":1}');
    assert.equal(payloadArg({ a: 1 }), '{"a":1}');
    assert.equal(payloadArg([1, 2]), '[1,2]');
    assert.equal(payloadArg(null), 'null');
    assert.equal(payloadArg(42), '42');
    assert.equal(payloadArg(Buffer.from('{"b":2}')), '{"b":2}');
  });

  it('reads sample arguments', () => {
    assert.deepEqual(sampleArg({ service: 's3', type: 'put' }), { service: 's3', type: 'put' });
    assert.deepEqual(sampleArg('sqs/receive-message'), { service: 'sqs', type: 'receive-message' });
    assert.equal(sampleArg('s3'), undefined);
    assert.equal(sampleArg({ service: 's3' }), undefined);
    assert.equal(sampleArg(undefined), undefined);
  });

  it('reads alias arguments and their routing weights', () => {
    assert.deepEqual(aliasArgs({ name: 'prod', version: '3' }), { name: 'prod', version: '3' });
    assert.deepEqual(aliasArgs({ name: 'prod', version: 3, additionalVersion: 4, weight: 0.1 }), {
      name: 'prod',
      version: '3',
      additionalVersion: '4',
      weight: 0.1,
    });
    assert.equal(aliasArgs({ name: 'prod' }), undefined);
    assert.equal(aliasArgs(undefined), undefined);
    assert.deepEqual(aliasWeights({}), {});
    assert.deepEqual(aliasWeights({ additionalVersion: '4', weight: 0.1 }), { '4': 0.1 });
    assert.deepEqual(aliasWeights({ additionalVersion: '4' }), { '4': 0 });
  });
});
