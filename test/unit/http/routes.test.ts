import { strict as assert } from 'node:assert';
import type { CorsConfig } from '../../../src/core/config/types';
import { isPreflight, preflightResponse, withCorsHeaders } from '../../../src/core/http/cors';
import { matchesMediaType, parseQuery, splitUrl } from '../../../src/core/http/events';
import { frontEndErrors, toHttpResponse, type HttpResponse } from '../../../src/core/http/responses';
import { RouteTable, type RouteLike } from '../../../src/core/http/routes';

// The pure parts of the HTTP front ends: route selection, result → response, CORS.

function route(method: string, path: string): RouteLike & { id: string } {
  return { method, path, id: `${method} ${path}` };
}

const header = (r: HttpResponse, name: string) => r.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

describe('http: routes', () => {
  // API Gateway's documented example: GET /pets/dog/1, GET /pets/dog/{id}, GET /pets/{proxy+}, ANY /{proxy+}, $default.
  const table = new RouteTable([
    route('GET', '/pets/dog/1'),
    route('GET', '/pets/dog/{id}'),
    route('GET', '/pets/{proxy+}'),
    route('ANY', '/{proxy+}'),
    route('ANY', '$default'),
  ]);

  it('picks the most specific route, as API Gateway does', () => {
    assert.equal(table.match('GET', '/pets/dog/1')?.route.id, 'GET /pets/dog/1');
    assert.deepEqual(table.match('GET', '/pets/dog/2'), { route: route('GET', '/pets/dog/{id}'), pathParameters: { id: '2' } });
    assert.deepEqual(table.match('GET', '/pets/cat/1'), { route: route('GET', '/pets/{proxy+}'), pathParameters: { proxy: 'cat/1' } });
    assert.deepEqual(table.match('POST', '/pets/cat'), { route: route('ANY', '/{proxy+}'), pathParameters: { proxy: 'pets/cat' } });
    // A greedy variable needs at least one segment: `/` falls through to $default.
    assert.equal(table.match('GET', '/')?.route.id, 'ANY $default');
  });

  it('prefers an exact method over ANY for the same path, and literals over parameters segment by segment', () => {
    const t = new RouteTable([
      route('ANY', '/items/{id}'),
      route('DELETE', '/items/{id}'),
      route('GET', '/items/{id}/parts'),
      route('GET', '/{a}/special/{b}'),
    ]);
    assert.equal(t.match('DELETE', '/items/7')?.route.id, 'DELETE /items/{id}');
    assert.equal(t.match('PATCH', '/items/7')?.route.id, 'ANY /items/{id}');
    assert.equal(t.match('GET', '/items/7/parts')?.route.id, 'GET /items/{id}/parts');
    assert.equal(t.match('GET', '/x/special/y')?.route.id, 'GET /{a}/special/{b}');
    assert.equal(t.match('GET', '/items'), undefined);
    assert.equal(t.match('GET', '/items/7/parts/9'), undefined);
  });

  it('decodes parameter values, ignores a trailing slash, keeps the root route', () => {
    const t = new RouteTable([route('GET', '/'), route('GET', '/files/{name}'), route('PUT', '/blobs/{key+}')]);
    assert.deepEqual(t.match('GET', '/files/a%20b.txt')?.pathParameters, { name: 'a b.txt' });
    assert.equal(t.match('GET', '/files/x/')?.route.id, 'GET /files/{name}');
    assert.equal(t.match('GET', '/')?.route.id, 'GET /');
    assert.deepEqual(t.match('PUT', '/blobs/a/b%2Fc/d')?.pathParameters, { key: 'a/b/c/d' });
    assert.equal(t.match('GET', '/blobs/a'), undefined);
    assert.equal(t.hasPath('/blobs/a'), true);
    assert.equal(t.hasPath('/nothing/here'), false);
  });

  it('splits URLs and query strings as API Gateway reports them', () => {
    assert.deepEqual(splitUrl('/a/b?x=1&x=2'), { rawPath: '/a/b', rawQueryString: 'x=1&x=2' });
    assert.deepEqual(splitUrl('/'), { rawPath: '/', rawQueryString: '' });
    assert.deepEqual(parseQuery('a=1&a=2&b=%20c&flag&=x&&d=e%ZZ'), [
      ['a', '1'],
      ['a', '2'],
      ['b', ' c'],
      ['flag', ''],
      ['', 'x'],
      ['d', 'e%ZZ'],
    ]);
    assert.equal(matchesMediaType('image/png; q=1', ['image/*']), true);
    assert.equal(matchesMediaType('application/pdf', ['*/*']), true);
    assert.equal(matchesMediaType('text/plain', ['image/png']), false);
  });
});

describe('http: function result → HTTP response', () => {
  const v2 = (value: unknown, kind: 'url' | 'http' = 'http') =>
    toHttpResponse(Buffer.from(typeof value === 'string' && value.startsWith('RAW:') ? value.slice(4) : JSON.stringify(value)), {
      kind,
      payloadFormatVersion: '2.0',
    });
  const v1 = (value: unknown, kind: 'rest' | 'http' = 'rest', extra: { accept?: string; binaryMediaTypes?: string[] } = {}) =>
    toHttpResponse(Buffer.from(JSON.stringify(value)), { kind, payloadFormatVersion: '1.0', ...extra });

  it('2.0: a bare string is a 200 application/json response with the string as body', () => {
    const r = v2('Hello from Lambda!');
    assert.equal(r.status, 200);
    assert.deepEqual(header(r, 'content-type'), ['application/json']);
    assert.equal(r.body.toString(), 'Hello from Lambda!');
  });

  it('2.0: an object without statusCode (or any other JSON) is the body as returned', () => {
    const r = v2('RAW:{ "message": "Hello from Lambda!" }');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), '{ "message": "Hello from Lambda!" }');
    assert.equal(v2([1, 2]).body.toString(), '[1,2]');
    assert.equal(v2(null).body.toString(), 'null');
    assert.equal(v2({ body: 'x' }).body.toString(), '{"body":"x"}');
  });

  it('2.0: statusCode, headers, cookies (one Set-Cookie each), base64 bodies; multiValueHeaders ignored', () => {
    const r = v2({
      statusCode: 201,
      headers: { 'X-One': '1', 'X-Num': 5 },
      multiValueHeaders: { 'X-Multi': ['a'] },
      cookies: ['a=1; Path=/', 'b=2'],
      body: Buffer.from([0, 255, 1]).toString('base64'),
      isBase64Encoded: true,
    });
    assert.equal(r.status, 201);
    assert.deepEqual(header(r, 'x-one'), ['1']);
    assert.deepEqual(header(r, 'x-num'), ['5']);
    assert.deepEqual(header(r, 'x-multi'), []);
    assert.deepEqual(header(r, 'set-cookie'), ['a=1; Path=/', 'b=2']);
    assert.deepEqual([...r.body], [0, 255, 1]);
  });

  it('2.0: default content type is text/plain for an HTTP API, JSON for a function URL; bad statusCode is a 502', () => {
    assert.deepEqual(header(v2({ statusCode: 204 }), 'content-type'), ['text/plain; charset=utf-8']);
    assert.deepEqual(header(v2({ statusCode: 204 }, 'url'), 'content-type'), ['application/json']);
    assert.equal(v2({ statusCode: 'abc' }).status, 502);
    assert.equal(v2({ statusCode: 42 }).status, 502);
    assert.equal(v2('RAW:not json').status, 502);
    assert.equal(v2({ statusCode: 200, body: { a: 1 } }).body.toString(), '{"a":1}');
  });

  it('1.0: statusCode required; headers and multiValueHeaders merged (multiValueHeaders wins)', () => {
    const r = v1({ statusCode: 200, headers: { A: '1', B: '2' }, multiValueHeaders: { B: ['x', 'y'], 'Set-Cookie': ['s=1', 't=2'] }, body: 'ok' });
    assert.deepEqual(header(r, 'a'), ['1']);
    assert.deepEqual(header(r, 'b'), ['x', 'y']);
    assert.deepEqual(header(r, 'set-cookie'), ['s=1', 't=2']);
    assert.deepEqual(header(r, 'content-type'), ['application/json']);
    assert.equal(v1({ body: 'no status' }).status, 502);
    assert.equal(v1('just a string').status, 502);
  });

  it('1.0 REST: other keys and non-string bodies are malformed (502 "Internal server error")', () => {
    const bad = v1({ statusCode: 200, body: 'x', cookies: ['a=1'] });
    assert.equal(bad.status, 502);
    assert.equal(bad.body.toString(), '{"message": "Internal server error"}');
    assert.equal(v1({ statusCode: 200, body: { a: 1 } }).status, 502);
    // An HTTP API with payload 1.0 is not that strict.
    assert.equal(v1({ statusCode: 200, body: { a: 1 } }, 'http').body.toString(), '{"a":1}');
  });

  it('1.0 REST: a base64 body is decoded only for binary media types (response type or Accept)', () => {
    const body = Buffer.from([137, 80, 78, 71]).toString('base64');
    const png = { statusCode: 200, headers: { 'Content-Type': 'image/png' }, body, isBase64Encoded: true };
    assert.equal(v1(png).body.toString(), body);
    assert.deepEqual([...v1(png, 'rest', { binaryMediaTypes: ['image/png'] }).body], [137, 80, 78, 71]);
    const other = { ...png, headers: { 'Content-Type': 'application/octet-stream' } };
    assert.equal(v1(other, 'rest', { binaryMediaTypes: ['image/png'] }).body.toString(), body);
    assert.deepEqual([...v1(other, 'rest', { binaryMediaTypes: ['image/png'], accept: 'image/png' }).body], [137, 80, 78, 71]);
  });

  it("has each front end's own error bodies", () => {
    assert.equal(frontEndErrors.badGateway('http').body.toString(), '{"message":"Internal Server Error"}');
    assert.equal(frontEndErrors.notFound('http').status, 404);
    assert.equal(frontEndErrors.notFound('http').body.toString(), '{"message":"Not Found"}');
    assert.equal(frontEndErrors.notFound('rest').status, 403);
    assert.equal(frontEndErrors.notFound('rest').body.toString(), '{"message":"Missing Authentication Token"}');
    assert.equal(frontEndErrors.badGateway('url').status, 502);
  });
});

describe('http: CORS', () => {
  const cors: CorsConfig = {
    allowOrigins: ['https://app.example'],
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['content-type', 'x-api-key'],
    exposeHeaders: ['x-total'],
    allowCredentials: true,
    maxAge: 600,
  };
  const raw = (h: Record<string, string>) => Object.entries(h).flat();

  it('answers an allowed preflight with the configured headers', () => {
    const req = raw({ Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'Content-Type' });
    assert.equal(isPreflight('OPTIONS', req), true);
    assert.equal(isPreflight('OPTIONS', raw({ Origin: 'https://app.example' })), false);
    const r = preflightResponse(cors, req, 204);
    assert.equal(r.status, 204);
    assert.deepEqual(Object.fromEntries(r.headers), {
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'content-type,x-api-key',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
  });

  it('gives no CORS headers to other origins, methods or headers', () => {
    for (const h of <Array<Record<string, string>>>[
      { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
      { Origin: 'https://app.example', 'Access-Control-Request-Method': 'DELETE' },
      { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-secret' },
    ]) {
      assert.deepEqual(preflightResponse(cors, raw(h), 204).headers, []);
    }
  });

  it('wildcards: * origin, methods and headers echo what the browser asked for', () => {
    const any: CorsConfig = { allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'], exposeHeaders: [], allowCredentials: false };
    const r = preflightResponse(
      any,
      raw({ Origin: 'https://x.example', 'Access-Control-Request-Method': 'PATCH', 'Access-Control-Request-Headers': 'x-a, x-b' }),
      200,
    );
    assert.deepEqual(Object.fromEntries(r.headers), {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'PATCH',
      'access-control-allow-headers': 'x-a,x-b',
    });
  });

  it("replaces the function's CORS headers on responses to allowed origins", () => {
    const response: HttpResponse = {
      status: 200,
      headers: [
        ['Access-Control-Allow-Origin', '*'],
        ['x-total', '3'],
      ],
      body: Buffer.alloc(0),
    };
    const allowed = withCorsHeaders(response, cors, raw({ Origin: 'https://app.example' }));
    assert.deepEqual(allowed.headers, [
      ['x-total', '3'],
      ['access-control-allow-origin', 'https://app.example'],
      ['access-control-expose-headers', 'x-total'],
      ['access-control-allow-credentials', 'true'],
      ['vary', 'Origin'],
    ]);
    assert.deepEqual(withCorsHeaders(response, cors, raw({ Origin: 'https://evil.example' })).headers, [['x-total', '3']]);
  });
});
