import { strict as assert } from 'node:assert';
import { compileFilterCriteria, compileFilterPattern, parseJsonData, sqsFilterRecord } from '../../../src/core/config/filterCriteria';
import { WorkbenchError } from '../../../src/core/errors';

// Lambda's FilterCriteria (EventBridge pattern syntax), matched against plain records.

const match = (pattern: unknown, record: Record<string, unknown>) => compileFilterPattern(JSON.stringify(pattern))(record);

describe('filter criteria', () => {
  it('keeps everything without criteria or filters', () => {
    assert.equal(compileFilterCriteria(undefined)({ a: 1 }), true);
    assert.equal(compileFilterCriteria({ filters: [] })({}), true);
  });

  it('matches exact values, AND over keys, OR within arrays, nested objects', () => {
    const p = { source: ['orders', 'billing'], detail: { status: ['NEW'], count: [3] } };
    assert.equal(match(p, { source: 'orders', detail: { status: 'NEW', count: 3, other: 1 } }), true);
    assert.equal(match(p, { source: 'billing', detail: { status: 'NEW', count: 3 } }), true);
    assert.equal(match(p, { source: 'orders', detail: { status: 'OLD', count: 3 } }), false);
    assert.equal(match(p, { source: 'orders', detail: { status: 'NEW', count: '3' } }), false, 'numbers match numbers only');
    assert.equal(match(p, { source: 'orders' }), false, 'every key of the pattern must be present');
    assert.equal(match({ flag: [true], none: [null], empty: [''] }, { flag: true, none: null, empty: '' }), true);
    assert.equal(match({ flag: [true] }, { flag: 'true' }), false);
  });

  it('matches an array field when any element matches', () => {
    assert.equal(match({ tags: ['b'] }, { tags: ['a', 'b'] }), true);
    assert.equal(match({ tags: ['c'] }, { tags: ['a', 'b'] }), false);
    assert.equal(match({ items: { sku: ['X'] } }, { items: [{ sku: 'Y' }, { sku: 'X' }] }), true);
  });

  it('prefix, suffix, equals-ignore-case, wildcard', () => {
    assert.equal(match({ r: [{ prefix: 'us-' }] }, { r: 'us-east-1' }), true);
    assert.equal(match({ r: [{ prefix: 'us-' }] }, { r: 'eu-west-1' }), false);
    assert.equal(match({ r: [{ prefix: { 'equals-ignore-case': 'US-' } }] }, { r: 'us-east-1' }), true);
    assert.equal(match({ f: [{ suffix: '.png' }] }, { f: 'a/b.png' }), true);
    assert.equal(match({ f: [{ suffix: '.png' }] }, { f: 'a/b.jpg' }), false);
    assert.equal(match({ n: [{ 'equals-ignore-case': 'alice' }] }, { n: 'ALICE' }), true);
    assert.equal(match({ k: [{ wildcard: 'dir/*.png' }] }, { k: 'dir/sub/a.png' }), true);
    assert.equal(match({ k: [{ wildcard: 'dir/*.png' }] }, { k: 'other/a.png' }), false);
    assert.equal(match({ k: [{ wildcard: 'a\\*b' }] }, { k: 'a*b' }), true);
    assert.equal(match({ k: [{ wildcard: 'a\\*b' }] }, { k: 'axxb' }), false);
    assert.equal(match({ k: [{ prefix: 'x' }] }, { k: 5 }), false, 'string operators do not match numbers');
  });

  it('anything-but: a value, a list, a prefix / suffix / equals-ignore-case', () => {
    assert.equal(match({ w: [{ 'anything-but': 'Raining' }] }, { w: 'Sunny' }), true);
    assert.equal(match({ w: [{ 'anything-but': 'Raining' }] }, { w: 'Raining' }), false);
    assert.equal(match({ w: [{ 'anything-but': ['Rain', 'Snow'] }] }, { w: 'Snow' }), false);
    assert.equal(match({ w: [{ 'anything-but': [1, 2] }] }, { w: 3 }), true);
    assert.equal(match({ w: [{ 'anything-but': { prefix: 'init' } }] }, { w: 'initializing' }), false);
    assert.equal(match({ w: [{ 'anything-but': { prefix: 'init' } }] }, { w: 'running' }), true);
    assert.equal(match({ w: [{ 'anything-but': { suffix: '.tmp' } }] }, { w: 'a.tmp' }), false);
    assert.equal(match({ w: [{ 'anything-but': { 'equals-ignore-case': ['A', 'B'] } }] }, { w: 'b' }), false);
    assert.equal(match({ w: [{ 'anything-but': 'x' }] }, {}), false, 'anything-but needs the field');
  });

  it('numeric ranges and equality', () => {
    const range = { price: [{ numeric: ['>', 10, '<=', 20] }] };
    assert.equal(match(range, { price: 10 }), false);
    assert.equal(match(range, { price: 10.5 }), true);
    assert.equal(match(range, { price: 20 }), true);
    assert.equal(match(range, { price: 21 }), false);
    assert.equal(match(range, { price: '15' }), false, 'numeric matches numbers only');
    assert.equal(match({ p: [{ numeric: ['=', 100] }] }, { p: 100 }), true);
    assert.equal(match({ p: [{ numeric: ['>=', 0] }, 'n/a'] }, { p: 'n/a' }), true, 'OR with an exact value');
  });

  it('exists true / false, on leaves only', () => {
    assert.equal(match({ name: [{ exists: true }] }, { name: 'x' }), true);
    assert.equal(match({ name: [{ exists: true }] }, {}), false);
    assert.equal(match({ name: [{ exists: false }] }, {}), true);
    assert.equal(match({ name: [{ exists: false }] }, { name: 'x' }), false);
    assert.equal(match({ a: { b: [{ exists: false }] } }, {}), true, 'absent all the way down');
    assert.equal(match({ a: [{ exists: true }] }, { a: { b: 1 } }), false, 'an object is not a leaf');
  });

  it('cidr (IPv4 and IPv6) and $or', () => {
    assert.equal(match({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.0.77' }), true);
    assert.equal(match({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '10.0.1.1' }), false);
    assert.equal(match({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:0:1::5' }), true);
    assert.equal(match({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::1' }), false);
    const or = { $or: [{ a: ['x'] }, { b: [{ numeric: ['>', 5] }] }] };
    assert.equal(match(or, { a: 'x' }), true);
    assert.equal(match(or, { b: 6 }), true);
    assert.equal(match(or, { a: 'y', b: 1 }), false);
  });

  it('several filters are ORed', () => {
    const filter = compileFilterCriteria({ filters: [{ pattern: '{"a":["1"]}' }, { pattern: '{"b":["2"]}' }] });
    assert.equal(filter({ a: '1' }), true);
    assert.equal(filter({ b: '2' }), true);
    assert.equal(filter({ a: '2', b: '1' }), false);
    // The API's own shape works too.
    assert.equal(compileFilterCriteria({ Filters: [{ Pattern: '{"a":["1"]}' }] })({ a: '1' }), true);
  });

  it('rejects invalid patterns with InvalidParameterValueException', () => {
    const bad = (pattern: string, why: RegExp) =>
      assert.throws(
        () => compileFilterCriteria({ filters: [{ pattern }] }),
        (error: unknown) => {
          assert.ok(error instanceof WorkbenchError);
          assert.equal(error.code, 'InvalidParameterValueException');
          // AWS's message (recorded: test_sqs_invalid_event_filter, test_dynamodb_invalid_event_filter); why, beside it
          assert.equal(error.message, 'Invalid filter pattern definition.');
          assert.match(error.reason ?? '', why);
          return true;
        },
      );
    bad('{', /not valid JSON/);
    bad('[1]', /must be a JSON object/);
    bad('{"a": "x"}', /"a" must be an object or an array/);
    bad('{"a": [{"numeric": [">", "x"]}]}', /numeric/);
    bad('{"a": [{"numeric": [">", 1, ">", 2]}]}', /numeric/);
    bad('{"a": [{"exists": "yes"}]}', /exists/);
    bad('{"a": [{"prefix": 1}]}', /prefix/);
    bad('{"a": [{"wildcard": "a**b"}]}', /consecutive/);
    bad('{"a": [{"cidr": "10.0.0.0/99"}]}', /cidr/);
    bad('{"a": [{"magic": 1}]}', /unrecognized match type "magic"/);
    bad('{"a": [{"prefix": "a", "suffix": "b"}]}', /exactly one key/);
    bad(`{"a": ["${'x'.repeat(5000)}"]}`, /longer than 4096/);
    assert.throws(
      () => compileFilterCriteria({ filters: [{ pattern: '{"a":["1"]}' }, { pattern: '{"b": 1}' }] }),
      (error: WorkbenchError) => /\(filter 2\)/.test(error.reason ?? ''),
    );
  });
});

describe('SQS filter records', () => {
  const record = (body: string) => ({ messageId: 'm1', body, attributes: { ApproximateReceiveCount: '1' }, eventSource: 'aws:sqs' });

  it('parses a JSON body so patterns reach into it', () => {
    const filter = compileFilterPattern('{"body": {"RequestCode": ["BBBB"], "n": [{"numeric": [">", 1]}]}}');
    assert.equal(filter(sqsFilterRecord(record('{"RequestCode":"BBBB","n":2}'))), true);
    assert.equal(filter(sqsFilterRecord(record('{"RequestCode":"AAAA","n":2}'))), false);
  });

  it('matches a plain-text body as a string; a format mismatch drops the message (as Lambda)', () => {
    const text = compileFilterPattern('{"body": [{"prefix": "hello"}]}');
    const json = compileFilterPattern('{"body": {"a": [{"exists": true}]}}');
    assert.equal(text(sqsFilterRecord(record('hello world'))), true);
    assert.equal(text(sqsFilterRecord(record('{"a":"hello"}'))), false, 'JSON body, plain-string pattern');
    assert.equal(json(sqsFilterRecord(record('plain a'))), false, 'plain body, JSON pattern');
    assert.equal(json(sqsFilterRecord(record('{"a":1}'))), true);
  });

  it("matches the record's other fields (metadata)", () => {
    const filter = compileFilterPattern('{"attributes": {"ApproximateReceiveCount": ["1"]}}');
    assert.equal(filter(sqsFilterRecord(record('x'))), true);
  });

  it('parseJsonData: objects and arrays only', () => {
    assert.deepEqual(parseJsonData(' {"a":1}'), { a: 1 });
    assert.deepEqual(parseJsonData('[1]'), [1]);
    assert.equal(parseJsonData('42'), undefined);
    assert.equal(parseJsonData('{broken'), undefined);
  });
});
