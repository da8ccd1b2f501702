import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { DeleteAliasCommand, GetFunctionCommand } from '@aws-sdk/client-lambda';
import { HttpFrontEnd } from '../../../src/core/http/httpFrontEnd';
import { serveFrontEnds, type ServedFrontEnds } from '../http/frontEnds';
import { startLambdaApi, type TestApi } from '../helpers/lambdaApi';
import { openProject, samResources, samTemplate, writeProject } from '../helpers/project';
import { recording, Replay, type Recorded } from './replay';
import { parsedObject } from './invokeAnswer';

// Function URLs invoked as AWS answers them: LocalStack's TestLambdaURL (test_lambda.py) beyond
// test_lambda_url_invocation (functionUrls.test.ts) — the event Lambda builds (echoed back by the
// functions), the response mapping, RESPONSE_STREAM, the error answers — compared with AWS's
// recorded answers, and the test's own assertions (made against AWS too) checked as plain asserts.
// The URLs are the template's FunctionUrlConfig / AWS::Lambda::Url served by our HTTP front end;
// CreateFunctionUrlConfig, GetFunctionUrlConfig, UpdateFunctionUrlConfig and AddPermission are not
// served, so their recorded answers are not compared. Requests are sent with the headers Python's
// `requests` sent to AWS (User-Agent, Accept-Encoding, Accept, Connection), so the echoed header
// sets can be compared.

const RECORDED = 'test_lambda.snapshot.json';
const TEST = 'tests/aws/services/lambda_/test_lambda.py::TestLambdaURL';

const short = () => randomBytes(4).toString('hex');
const ERROR_FUNCTION = `test-function-${short()}`;
const ALIAS = `alias-${short()}`;

const PY = {
  // raises an exception of its own class
  unhandledError: 'class CustomException(Exception):\n    pass\n\n\ndef handler(event, context):\n    raise CustomException("some error occurred")\n',
  // the request's body, read as JSON, is the response (status, headers, body)
  echoJsonBody: 'import json\n\n\ndef handler(event, context):\n    return json.loads(event["body"])\n',
  // {"hello": "world"}
  hello: 'def handler(event, context):\n    return {"hello": "world"}\n',
  // what the request looked like to the function, as the fixture's echo server answers it (a body that is a JSON object, not a string)
  echoHttp: [
    'import os',
    '',
    '',
    'def handler(event, context):',
    '    headers = event.get("headers", {})',
    '    if os.environ.get("TRIM_X_HEADERS") == "1":',
    '        headers = {k: v for k, v in headers.items() if not k.startswith(("x-amzn", "x-forwarded-"))}',
    '    context_http = event["requestContext"]["http"]',
    '    body = {',
    '        "args": event.get("queryStringParameters", {}),',
    '        "data": event.get("body", ""),',
    '        "domain": event["requestContext"].get("domainName", ""),',
    '        "headers": headers,',
    '        "method": context_http.get("method", ""),',
    '        "origin": context_http.get("sourceIp", ""),',
    '        "path": context_http.get("path", ""),',
    '    }',
    '    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": body}',
    '',
  ].join('\n'),
};

const NODE = {
  // 200 with the event and the context as a JSON body
  echoEventAndContext: 'exports.handler = async (event, context) => ({ statusCode: 200, body: JSON.stringify({ event, context }) });\n',
  // streams "Hello, world!" in two writes after an HTTP prelude (status 200, text/html)
  streaming: [
    'exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {',
    "  const stream = awslambda.HttpResponseStream.from(responseStream, { status: 200, headers: { 'Content-Type': 'text/html', 'Cache-Control': 'no-cache' } });",
    "  stream.write('Hello,');",
    "  stream.write(' world!');",
    '  stream.end();',
    '});',
    '',
  ].join('\n'),
};

const url = (props = '') => `FunctionUrlConfig:\n  AuthType: NONE${props}`;
const FUNCTIONS = {
  // the fixture's function (create_lambda_function: handler.handler, python3.12, Timeout 30, no variables)
  Failing: {
    handler: 'handler.handler',
    runtime: 'python3.12',
    codeUri: 'failing',
    props: `FunctionName: ${ERROR_FUNCTION}\nTimeout: 30\nEnvironment:\n  Variables: {}\n${url()}`,
  },
  EchoDefault: { handler: 'echo.handler', runtime: 'nodejs20.x', codeUri: 'echo', props: url() },
  EchoBuffered: { handler: 'echo.handler', runtime: 'nodejs20.x', codeUri: 'echo', props: url('\n  InvokeMode: BUFFERED') },
  EchoStream: { handler: 'echo.handler', runtime: 'nodejs20.x', codeUri: 'echo', props: url('\n  InvokeMode: RESPONSE_STREAM') },
  JsonBody: { handler: 'json_body.handler', runtime: 'python3.12', codeUri: 'py', props: url() },
  EchoHttp: { handler: 'echo_http.handler', runtime: 'python3.12', codeUri: 'py', props: `Environment:\n  Variables:\n    TRIM_X_HEADERS: '0'\n${url()}` },
  EchoHttpTrim: { handler: 'echo_http.handler', runtime: 'python3.12', codeUri: 'py', props: `Environment:\n  Variables:\n    TRIM_X_HEADERS: '1'\n${url()}` },
  Hello: { handler: 'hello.handler', runtime: 'python3.12', codeUri: 'py', props: url() },
  // a URL on an alias of $LATEST (AWS::Lambda::Alias and AWS::Lambda::Url below)
  HelloAliased: { handler: 'hello.handler', runtime: 'python3.12', codeUri: 'py' },
  // a URL on an alias of version 1: AutoPublishAlias publishes it
  Persisting: { handler: 'echo.handler', runtime: 'nodejs20.x', codeUri: 'echo', props: `AutoPublishAlias: ${ALIAS}\n${url('\n  InvokeMode: BUFFERED')}` },
  Streaming: { handler: 'streaming.handler', runtime: 'nodejs20.x', codeUri: 'echo', props: url('\n  InvokeMode: RESPONSE_STREAM') },
};
const RESOURCES = samResources({
  HelloAlias: { type: 'AWS::Lambda::Alias', props: 'FunctionName: !Ref HelloAliased\nFunctionVersion: $LATEST\nName: myalias' },
  HelloAliasUrl: { type: 'AWS::Lambda::Url', props: 'TargetFunctionArn: !Ref HelloAliased\nQualifier: myalias\nAuthType: NONE' },
  // AddPermission with the alias as Qualifier
  HelloAliasUrlPermission: {
    type: 'AWS::Lambda::Permission',
    props: "FunctionName: !Ref HelloAlias\nAction: lambda:InvokeFunctionUrl\nPrincipal: '*'\nFunctionUrlAuthType: NONE",
  },
});

describe('conformance: function URL invocations (TestLambdaURL, recorded against AWS)', function () {
  this.timeout(60000);
  let served: ServedFrontEnds;
  let api: TestApi;
  const urlOf = (functionName: string, qualifier?: string) => {
    const endpoint = served.endpoints.find((e) => e.kind === 'url' && e.functionName === functionName && e.qualifier === qualifier);
    assert.ok(endpoint, `no function URL for ${functionName}${qualifier ? `:${qualifier}` : ''}`);
    return endpoint.url;
  };
  const replayOf = (test: string, options?: ConstructorParameters<typeof Replay>[1]) => new Replay(recording(RECORDED, `${TEST}::${test}`), options);

  before(async () => {
    served = await serveFrontEnds({
      'template.yaml': samTemplate(FUNCTIONS) + RESOURCES,
      'failing/handler.py': PY.unhandledError,
      'py/json_body.py': PY.echoJsonBody,
      'py/echo_http.py': PY.echoHttp,
      'py/hello.py': PY.hello,
      'echo/echo.js': NODE.echoEventAndContext,
      'echo/streaming.js': NODE.streaming,
    });
    api = await startLambdaApi(served.workbench);
  });
  after(async () => {
    await api?.close();
    await served?.close();
  });

  it('test_lambda_url_invocation_exception', async () => {
    // LocalStack's fixture replaced the recorded CodeSha256 with a fixed text: only its presence is compared.
    const replay = replayOf('test_lambda_url_invocation_exception', { skip: ['Configuration.CodeSha256'] });
    await replay.call('get_fn_result', () => api.client.send(new GetFunctionCommand({ FunctionName: ERROR_FUNCTION })));
    const r = await send(urlOf(ERROR_FUNCTION), '', { 'User-Agent': 'python-requests/testing', 'Content-Length': '2' }, Buffer.from('{}'));
    assert.equal(r.body.toString(), 'Internal Server Error');
    assert.equal(r.status, 502);
  });

  for (const [id, fn] of [
    ['None', 'EchoDefault'],
    ['BUFFERED', 'EchoBuffered'],
    ['RESPONSE_STREAM', 'EchoStream'],
  ] as const) {
    it(`test_lambda_url_echo_invoke[${id}]`, async () => {
      const target = `${urlOf(fn)}custom_path/extend?test_param=test_value`;
      let r = await fetch(target, { method: 'POST', body: 'text', headers: { 'Content-Type': 'text/plain' } });
      assert.equal(r.status, 200);
      let event: Record<string, unknown>;
      if (id !== 'RESPONSE_STREAM') {
        event = ((await r.json()) as { event: Record<string, unknown> }).event;
        assert.equal(event.body, 'text');
        assert.equal(event.isBase64Encoded, false);
        r = await fetch(target, { method: 'POST' });
        event = ((await r.json()) as { event: Record<string, unknown> }).event;
      } else {
        // A function that does not stream: its result comes back as the body, uninterpreted.
        const result = JSON.parse(await r.text()) as { body: string };
        event = (JSON.parse(result.body) as { event: Record<string, unknown> }).event;
      }
      assert.ok(!('Body' in event));
      assert.equal(event.isBase64Encoded, false);
    });
  }

  it('test_lambda_url_headers_and_status', async () => {
    const target = `${urlOf('JsonBody')}custom_path/extend?test_param=test_value`;
    const answer = {
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'My-Custom-Header': 'Custom Value' },
      body: JSON.stringify({ message: 'hello-world' }),
      isBase64Encoded: false,
    };
    let r = await fetch(target, { method: 'POST', body: JSON.stringify(answer), headers: { 'Content-Type': 'application/json' } });
    assert.deepEqual(await r.json(), { message: 'hello-world' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('my-custom-header'), 'Custom Value');
    // a status code given as a string
    const teapot = { statusCode: '418', body: "i'm a teapot", isBase64Encoded: false };
    r = await fetch(target, { method: 'POST', body: JSON.stringify(teapot), headers: { 'Content-Type': 'application/json' } });
    assert.equal(await r.text(), "i'm a teapot");
    assert.equal(r.status, 418);
  });

  describe('the request as the function sees it (the create_echo_http_server fixture)', () => {
    // AWS's URLs are HTTPS only: Lambda adds x-amzn-tls-version and x-amzn-tls-cipher-suite, which a
    // plain-HTTP local URL cannot truthfully send. And the event's domainName is the URL's AWS-style
    // domain, while the Host header is the loopback address the client used (on AWS both are the
    // URL's domain): only its presence is compared.
    const withoutTls = (recorded: Record<string, Recorded>) => {
      const headers = (recorded.url_response as { headers: Record<string, unknown> }).headers;
      delete headers['x-amzn-tls-version'];
      delete headers['x-amzn-tls-cipher-suite'];
      return recorded;
    };

    it('test_lambda_url_echo_http_fixture_default', async () => {
      const replay = new Replay(withoutTls(recording(RECORDED, `${TEST}::test_lambda_url_echo_http_fixture_default`)), { skip: ['domain'] });
      // requests' json= body: json.dumps({"foo": "bar"})
      const body = Buffer.from('{"foo": "bar"}');
      const r = await send(
        urlOf('EchoHttp'),
        'pa2%25Fth/1?q=query&multiQuery=foo&multiQuery=%2Fbar',
        { 'content-type': 'application/json', 'ExTrA-HeadErs': 'With WeiRd CapS', 'user-agent': 'test/echo', 'Content-Length': String(body.length) },
        body,
      );
      replay.expectValue('url_response', parsedObjects(JSON.parse(r.body.toString())));
    });

    it('test_lambda_url_echo_http_fixture_trim_x_headers', async () => {
      const replay = replayOf('test_lambda_url_echo_http_fixture_trim_x_headers', { skip: ['domain'] });
      const body = Buffer.from('{"foo": "bar"}');
      const r = await send(
        urlOf('EchoHttpTrim'),
        'path/1?q=query',
        { 'content-type': 'application/json', 'ExTrA-HeadErs': 'With WeiRd CapS', 'user-agent': 'test/echo', 'Content-Length': String(body.length) },
        body,
      );
      replay.expectValue('url_response', parsedObjects(JSON.parse(r.body.toString())));
    });

    it('test_lambda_url_form_payload', async () => {
      const replay = replayOf('test_lambda_url_form_payload', { skip: ['domain'] });
      const boundary = '4efd159eae0c4f4e125a5a509e073d85';
      const body = Buffer.from(
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name="formfield"\r\n\r\nnot a file, just a field` +
          `\r\n--${boundary}\r\nContent-Disposition: form-data; name="foo"; filename="foo"\r\nContent-Type: text/plain;\r\n\r\nbar` +
          `\r\n\r\n--${boundary}--\r\n`,
      );
      const r = await send(
        urlOf('EchoHttpTrim'),
        'test/value',
        { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'User-Agent': 'python/test-request', 'Content-Length': String(body.length) },
        body,
      );
      assert.equal(r.status, 200);
      const answer = JSON.parse(r.body.toString()) as { data: string };
      replay.expectValue('url_response', parsedObjects(answer));
      assert.deepEqual(Buffer.from(answer.data, 'base64'), body);
    });
  });

  // LocalStack names the URL after a tag (its own feature); AWS ignores the tag: the URL answers.
  it('test_lambda_url_invocation_custom_id', async () => {
    const r = await fetch(`${urlOf('Hello')}custom_path/extend?test_param=test_value`, { method: 'POST', body: "{'key':'value'}" });
    assert.equal(r.status, 200);
  });

  it('test_lambda_url_invocation_custom_id_aliased', async () => {
    const r = await fetch(`${urlOf('HelloAliased', 'myalias')}custom_path/extend?test_param=test_value`, { method: 'POST', body: "{'key':'value'}" });
    assert.equal(r.status, 200);
  });

  it('test_lambda_url_persists_after_alias_delete', async () => {
    const replay = replayOf('test_lambda_url_persists_after_alias_delete');
    const target = urlOf('Persisting', ALIAS);
    const invoke = async () => {
      const r = await fetch(target, { method: 'POST', body: 'text', headers: { 'Content-Type': 'text/plain' } });
      const errorType = r.headers.get('x-amzn-ErrorType');
      const content = await r.text();
      return errorType
        ? { status_code: r.status, headers: { 'x-amzn-ErrorType': errorType }, content: parsedObject(content) ?? content }
        : { status_code: r.status };
    };
    replay.expectValue('invoke_aliased_url_response', await invoke());
    await replay.call('delete_alias_resp', () => api.client.send(new DeleteAliasCommand({ FunctionName: 'Persisting', Name: ALIAS })));
    // The alias's URL went with it: Lambda refuses the caller.
    replay.expectValue('invoke_deleted_alias_url_response_delayed', await invoke());
  });

  it('test_function_url_with_response_streaming', async () => {
    const replay = replayOf('test_function_url_with_response_streaming');
    const r = await fetch(urlOf('Streaming'), { method: 'POST', body: "{'key':'value'}" });
    replay.expectValue('response_status', r.status);
    replay.expectValue('response_data', await r.text());
  });
});

describe('conformance: a function URL that no function has (TestLambdaURL, recorded against AWS)', function () {
  this.timeout(60000);

  // AWS: any URL id no function has. Locally a URL exists only on its port while the template declares
  // it: the URL removed from the template by hot reload, its port answers as AWS answers an unknown one.
  it('test_lambda_url_non_existing_url', async () => {
    const template = (props: string) => samTemplate({ Hello: { handler: 'hello.handler', runtime: 'python3.12', props } });
    const dir = writeProject({ 'template.yaml': template(url()), 'src/hello.py': PY.hello });
    const workbench = await openProject(dir);
    const frontEnd = new HttpFrontEnd(workbench);
    try {
      const [endpoint] = await frontEnd.start();
      await workbench.hotReloadReady();
      fs.writeFileSync(path.join(dir, 'template.yaml'), template('Timeout: 3'));
      // the template read again (no function changed, so no workbench.reload event)
      for (const deadline = Date.now() + 30_000; workbench.template.httpFrontEnds;) {
        assert.ok(Date.now() < deadline, 'the template was not reloaded');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const r = await fetch(endpoint!.url);
      assert.equal(await r.text(), '{"Message":null}');
      assert.equal(r.status, 403);
      assert.equal(r.headers.get('Content-Type'), 'application/json');
      assert.equal(r.headers.get('x-amzn-ErrorType'), 'AccessDeniedException');
    } finally {
      await frontEnd.close();
      await workbench.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('conformance: a function URL without permission (TestLambdaPermissions, recorded against AWS)', function () {
  this.timeout(60000);
  let served: ServedFrontEnds;

  // AuthType NONE, the URL created, AddPermission intentionally left out: an AWS::Lambda::Url without
  // an AWS::Lambda::Permission (SAM's FunctionUrlConfig would add it). Beside it, the same with the
  // permission, which answers.
  before(async () => {
    const permission = (target: string) => `FunctionName: !Ref ${target}\nAction: lambda:InvokeFunctionUrl\nPrincipal: '*'\nFunctionUrlAuthType: NONE`;
    served = await serveFrontEnds({
      'template.yaml':
        samTemplate({
          Echo: { handler: 'echo.handler', runtime: 'nodejs20.x' },
          Allowed: { handler: 'echo.handler', runtime: 'nodejs20.x' },
        }) +
        samResources({
          EchoUrl: { type: 'AWS::Lambda::Url', props: 'TargetFunctionArn: !Ref Echo\nAuthType: NONE' },
          AllowedUrl: { type: 'AWS::Lambda::Url', props: 'TargetFunctionArn: !GetAtt Allowed.Arn\nAuthType: NONE' },
          AllowedUrlPermission: { type: 'AWS::Lambda::Permission', props: permission('Allowed') },
        }),
      'src/echo.js': NODE.echoEventAndContext,
    });
  });
  after(() => served?.close());

  it('test_lambda_permission_url_invocation', async () => {
    const replay = new Replay(recording(RECORDED, 'tests/aws/services/lambda_/test_lambda.py::TestLambdaPermissions::test_lambda_permission_url_invocation'));
    const post = (functionName: string) =>
      fetch(served.endpoint('url', functionName).url, { method: 'POST', body: 'text', headers: { 'Content-Type': 'text/plain' } });
    const r = await post('Echo');
    assert.equal(r.status, 403);
    const text = await r.text();
    replay.expectValue('lambda_url_invocation_missing_permission', parsedObject(text) ?? text);
    assert.equal((await post('Allowed')).status, 200);
  });
});

/** A POST as Python's `requests` sends it: its default headers, then the test's. */
function send(base: string, pathAndQuery: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: Buffer }> {
  const defaults = { 'User-Agent': 'python-requests/2.32.3', 'Accept-Encoding': 'gzip, deflate', Accept: '*/*', Connection: 'keep-alive' };
  const merged: Record<string, string> = {};
  for (const [name, value] of [...Object.entries(defaults), ...Object.entries(headers)]) {
    const existing = Object.keys(merged).find((k) => k.toLowerCase() === name.toLowerCase());
    if (existing) delete merged[existing];
    merged[name] = value;
  }
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathAndQuery}`, { method: 'POST', headers: merged, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A value with every string that is a JSON object parsed, as LocalStack's snapshots record values. */
function parsedObjects(value: unknown): unknown {
  if (typeof value === 'string') return parsedObject(value) ?? value;
  if (Array.isArray(value)) return value.map(parsedObjects);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, parsedObjects(v)]));
  return value;
}
