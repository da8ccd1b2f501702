import { strict as assert } from 'node:assert';
import { evaluatePolicy, parsePolicyDocument, type PolicyStatement } from '../../../src/core/http/authorizers/policy';
import { ResultCache } from '../../../src/core/http/authorizers/resultCache';

// The pieces of a Lambda authorizer's decision without a function: the IAM policy it returns
// evaluated against method ARNs, and the result cache's TTL (a clock of the test's own).

const ARN = 'arn:aws:execute-api:us-east-1:000000000000:abc123/dev/GET/pets/42';

function statements(...list: unknown[]): PolicyStatement[] {
  const parsed = parsePolicyDocument({ Version: '2012-10-17', Statement: list });
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

describe('http: authorizer policies and result cache', () => {
  it('Allow needs a matching action and resource; * and ? are wildcards over the whole ARN', () => {
    const allow = (Resource: unknown, Action: unknown = 'execute-api:Invoke') => evaluatePolicy(statements({ Effect: 'Allow', Action, Resource }), ARN);
    assert.equal(allow(ARN), 'allow');
    assert.equal(allow('arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/*'), 'allow');
    assert.equal(allow('arn:aws:execute-api:*:*:abc123/dev/*'), 'allow');
    assert.equal(allow('arn:aws:execute-api:us-east-1:000000000000:abc123/dev/GET/pets/4?'), 'allow');
    assert.equal(allow(['arn:aws:execute-api:us-east-1:000000000000:other/*', ARN]), 'allow');
    assert.equal(allow('*'), 'allow');
    assert.equal(allow('arn:aws:execute-api:us-east-1:000000000000:abc123/dev/GET/pets'), 'implicit-deny', 'a resource matches whole, not as a prefix');
    assert.equal(allow('arn:aws:execute-api:us-east-1:000000000000:abc123/dev/POST/*'), 'implicit-deny');
    assert.equal(allow(ARN, 'execute-api:*'), 'allow');
    assert.equal(allow(ARN, 'EXECUTE-API:invoke'), 'allow', 'actions are case-insensitive');
    assert.equal(allow(ARN, ['s3:GetObject']), 'implicit-deny');
    assert.equal(allow(ARN.toUpperCase()), 'implicit-deny', 'resources are case-sensitive');
  });

  it('an applying Deny wins over any Allow; NotResource / NotAction invert; a Condition never applies', () => {
    const allowAll = { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' };
    assert.equal(evaluatePolicy(statements(allowAll, { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: '*/POST/pets/*' }), ARN), 'allow');
    assert.equal(evaluatePolicy(statements(allowAll, { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: '*/dev/GET/pets/*' }), ARN), 'explicit-deny');
    assert.equal(evaluatePolicy(statements({ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: ARN }, allowAll), ARN), 'explicit-deny');
    assert.equal(evaluatePolicy(statements({ Effect: 'Allow', Action: 'execute-api:Invoke', NotResource: '*/POST/*' }), ARN), 'allow');
    assert.equal(evaluatePolicy(statements({ Effect: 'Allow', NotAction: 'execute-api:ManageConnections', Resource: '*' }), ARN), 'allow');
    assert.equal(evaluatePolicy(statements({ ...allowAll, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }), ARN), 'implicit-deny');
  });

  it('refuses documents API Gateway cannot use', () => {
    assert.match(String(parsePolicyDocument(undefined)), /not an object/);
    assert.match(String(parsePolicyDocument({ Statement: [] })), /no Statement/);
    assert.match(String(parsePolicyDocument({ Statement: [{ Effect: 'allow', Action: 'x', Resource: '*' }] })), /not Allow or Deny/);
    assert.match(String(parsePolicyDocument({ Statement: [{ Effect: 'Allow', Resource: '*' }] })), /no Action/);
    assert.match(String(parsePolicyDocument({ Statement: [{ Effect: 'Allow', Action: 'x', Resource: 7 }] })), /not a string/);
    // A single statement object is a list of one, as IAM reads it.
    assert.equal(
      evaluatePolicy(parsePolicyDocument({ Statement: { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: ARN } }) as PolicyStatement[], ARN),
      'allow',
    );
  });

  it('keeps a result for its TTL only, nothing for a TTL of 0, and the newest entries beyond its bound', () => {
    let clock = 1_000_000;
    const cache = new ResultCache<string>(() => clock);
    cache.set('a', 'A', 300);
    cache.set('zero', 'Z', 0);
    assert.equal(cache.get('a'), 'A');
    assert.equal(cache.get('zero'), undefined);
    clock += 299_999;
    assert.equal(cache.get('a'), 'A');
    clock += 1;
    assert.equal(cache.get('a'), undefined, 'expired at exactly the TTL');
    for (let i = 0; i < 10_001; i++) cache.set(`k${i}`, 'v', 60);
    assert.equal(cache.size, 10_000);
    assert.equal(cache.get('k0'), undefined, 'the oldest entry went first');
    assert.equal(cache.get('k10000'), 'v');
  });
});
