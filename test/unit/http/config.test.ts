import { strict as assert } from 'node:assert';
import { lines, load, samFunction, samResourceLines, single, where, withCode } from '../config/helpers';

// Reading function URLs and API events from templates (src/core/config/functionUrls.ts).

const TRANSFORM = 'Transform: AWS::Serverless-2016-10-31';

describe('http: template config', () => {
  it('reads SAM FunctionUrlConfig with its CORS, on the AutoPublishAlias when there is one', async () => {
    const model = await load(
      samFunction(
        'AutoPublishAlias: live', // 9
        'FunctionUrlConfig:', // 10
        '  AuthType: NONE',
        '  InvokeMode: BUFFERED',
        '  Cors:',
        '    AllowOrigins: [https://app.example]',
        '    AllowMethods: [get, POST]',
        '    AllowHeaders: [content-type]',
        '    ExposeHeaders: [x-total]',
        '    AllowCredentials: true',
        '    MaxAge: 300',
      ),
    );
    assert.deepEqual(model.diagnostics, []);
    assert.deepEqual(model.httpFrontEnds?.functionUrls, [
      {
        logicalId: 'FnUrl',
        functionName: 'Fn',
        qualifier: 'live',
        authType: 'NONE',
        invokeMode: 'BUFFERED',
        cors: {
          allowOrigins: ['https://app.example'],
          allowMethods: ['GET', 'POST'],
          allowHeaders: ['content-type'],
          exposeHeaders: ['x-total'],
          allowCredentials: true,
          maxAge: 300,
        },
        position: { file: model.file, line: 10, column: 7 },
      },
    ]);
    assert.deepEqual(model.httpFrontEnds?.routes, []);
  });

  it('has no httpFrontEnds for a template without URLs or API events', async () => {
    const model = await load(samFunction('MemorySize: 256'));
    assert.equal(model.httpFrontEnds, undefined);
  });

  it('reports invalid FunctionUrlConfig values where they are written', async () => {
    const model = await load(
      samFunction(
        'FunctionUrlConfig:', // 9
        '  AuthType: PUBLIC', // 10
        '  Cors:',
        '    AllowOrigins: "*"', // 12
        '    AllowMethods: [GET, FETCH]', // 13
        '    MaxAge: 90000', // 14
        '    AllowOrigin: x', // 15
      ),
    );
    assert.deepEqual(where(single(model, 'invalid-value')), { line: 10, column: 19, property: 'Resources.Fn.Properties.FunctionUrlConfig.AuthType' });
    assert.match(single(model, 'invalid-value').message, /AuthType is string "PUBLIC": a function URL needs AuthType NONE \(public\) or AWS_IAM/);

    const cors = await load(
      samFunction(
        'FunctionUrlConfig:', // 9
        '  AuthType: AWS_IAM', // 10
        '  InvokeMode: RESPONSE_STREAM', // 11
        '  Cors:',
        '    AllowOrigins: "*"', // 13
        '    AllowMethods: [GET, FETCH]', // 14
        '    MaxAge: 90000', // 15
        '    AllowOrigin: x', // 16
      ),
    );
    const problems = cors.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.range.line, d.code, d.message]);
    assert.deepEqual(problems, [
      [13, 'invalid-type', 'AllowOrigins must be a list of strings, got string "*"'],
      [14, 'invalid-value', "AllowMethods: 'FETCH' is not an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or *)"],
      [15, 'invalid-value', 'FunctionUrlConfig.Cors.MaxAge must be an integer between 0 and 86400 (seconds), got 90000'],
      [
        16,
        'unknown-property',
        'AllowOrigin is not a CORS property (allowed: AllowCredentials, AllowHeaders, AllowMethods, AllowOrigins, ExposeHeaders, MaxAge)',
      ],
    ]);
    // AWS_IAM works differently locally: said, not refused. RESPONSE_STREAM streams as in AWS.
    assert.deepEqual(
      cors.diagnostics.filter((d) => d.severity === 'info').map((d) => [d.range.line, d.code]),
      [[10, 'not-enforced']],
    );
    assert.equal(cors.httpFrontEnds?.functionUrls[0]?.invokeMode, 'RESPONSE_STREAM');

    const missing = await load(samFunction('FunctionUrlConfig:', '  Cors: {AllowOrigins: ["*"]}'));
    assert.match(single(missing, 'missing-property').message, /AuthType is missing/);
    assert.equal(missing.httpFrontEnds, undefined);
  });

  it('reads AWS::Lambda::Url targeting a function, an alias ARN or a Qualifier; one URL per function or alias', async () => {
    const model = await load(
      samResourceLines(
        '  Fn:', // 3
        '    Type: AWS::Serverless::Function',
        '    Properties: {CodeUri: src, Handler: app.handler, Runtime: nodejs20.x, AutoPublishAlias: live}',
        '  PlainUrl:', // 6
        '    Type: AWS::Lambda::Url',
        '    Properties: {TargetFunctionArn: !GetAtt Fn.Arn, AuthType: NONE}',
        '  QualifiedUrl:', // 9
        '    Type: AWS::Lambda::Url',
        '    Properties: {TargetFunctionArn: !Ref Fn, Qualifier: beta, AuthType: NONE, Cors: {AllowOrigins: ["*"]}}',
        '  AliasUrl:', // 12
        '    Type: AWS::Lambda::Url',
        '    Properties: {TargetFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:Fn:live", AuthType: AWS_IAM}',
        '  SecondUrl:', // 15
        '    Type: AWS::Lambda::Url',
        '    Properties: {TargetFunctionArn: Fn, AuthType: NONE}', // 17
        '  VersionUrl:', // 18
        '    Type: AWS::Lambda::Url',
        '    Properties: {TargetFunctionArn: Fn, Qualifier: 3, AuthType: NONE}', // 20
        '  Elsewhere:', // 21
        '    Type: AWS::Lambda::Url',
        '    Properties: {TargetFunctionArn: other-function, AuthType: NONE}', // 23
      ),
    );
    const urls = model.httpFrontEnds!.functionUrls.map((u) => [u.logicalId, u.functionName, u.qualifier, u.authType, u.cors?.allowOrigins]);
    assert.deepEqual(urls, [
      ['PlainUrl', 'Fn', undefined, 'NONE', undefined],
      ['QualifiedUrl', 'Fn', 'beta', 'NONE', ['*']],
      ['AliasUrl', 'Fn', 'live', 'AWS_IAM', undefined],
    ]);
    const errors = model.diagnostics.filter((d) => d.severity !== 'info').map((d) => [d.range.line, d.code]);
    // AuthType NONE URLs without an AWS::Lambda::Permission: Lambda refuses their callers (AWS's recorded answer).
    assert.deepEqual(errors, [
      [8, 'missing-url-permission'],
      [11, 'missing-url-permission'],
      [17, 'duplicate-function-url'],
      [17, 'missing-url-permission'],
      [20, 'invalid-value'],
      [23, 'unknown-function'],
    ]);
    assert.match(
      single(model, 'duplicate-function-url').message,
      /function 'Fn' \(\$LATEST\) already has a function URL \('PlainUrl', line 6\); Lambda allows one per function or alias/,
    );
    assert.match(single(model, 'invalid-value').message, /not to a published version/);
  });

  it('an AuthType NONE AWS::Lambda::Url needs a permission for anyone to call it, on its own function and qualifier', async () => {
    const permission = (name: string, target: string, extra = '') => [
      `  ${name}:`,
      '    Type: AWS::Lambda::Permission',
      `    Properties: {FunctionName: ${target}, Action: lambda:InvokeFunctionUrl, Principal: '*'${extra}}`,
    ];
    const model = await load(
      samResourceLines(
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties: {CodeUri: src, Handler: app.handler, Runtime: nodejs20.x, AutoPublishAlias: live}',
        '  Other:',
        '    Type: AWS::Serverless::Function',
        '    Properties: {CodeUri: src, Handler: app.handler, Runtime: nodejs20.x}',
        '  Plain:',
        '    Type: AWS::Lambda::Url',
        '    Properties: {TargetFunctionArn: !Ref Fn, AuthType: NONE}',
        '  Aliased:',
        '    Type: AWS::Lambda::Url',
        '    Properties: {TargetFunctionArn: !Ref Fn, Qualifier: live, AuthType: NONE}',
        '  OtherUrl:',
        '    Type: AWS::Lambda::Url',
        '    Properties: {TargetFunctionArn: !GetAtt Other.Arn, AuthType: NONE}',
        // on the function ($LATEST) only: the alias's URL stays without one
        ...permission('PlainPermission', '!GetAtt Fn.Arn', ', FunctionUrlAuthType: NONE'),
        // not for anyone, and for another auth type: neither counts
        ...permission('OtherAccount', '!Ref Other').map((l) => l.replace("Principal: '*'", "Principal: '123456789012'")),
        ...permission('OtherIam', '!Ref Other', ', FunctionUrlAuthType: AWS_IAM'),
      ),
    );
    const refused = Object.fromEntries(model.httpFrontEnds!.functionUrls.map((u) => [u.logicalId, u.missingPermission === true]));
    assert.deepEqual(refused, { Plain: false, Aliased: true, OtherUrl: true });
    assert.match(
      withCode(model, 'missing-url-permission')[0]!.message,
      /AuthType NONE, but no AWS::Lambda::Permission grants lambda:InvokeFunctionUrl to Principal '\*' on the alias 'live' of function 'Fn': Lambda answers every request 403 Forbidden/,
    );
  });

  it('reads Api and HttpApi events as routes (payload versions, $default, the AutoPublishAlias)', async () => {
    const model = await load(
      samResourceLines(
        '  Items:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      CodeUri: src',
        '      Handler: app.handler',
        '      Runtime: nodejs20.x',
        '      AutoPublishAlias: live',
        '      Events:',
        '        Get: {Type: HttpApi, Properties: {Path: "/items/{id}", Method: get}}', // 11
        '        Legacy: {Type: HttpApi, Properties: {Path: /legacy, Method: ANY, PayloadFormatVersion: "1.0"}}',
        '        Rest: {Type: Api, Properties: {Path: "/files/{proxy+}", Method: any}}',
        '        Default: {Type: HttpApi}',
        '        Queue: {Type: SQS, Properties: {Queue: arn:aws:sqs:us-east-1:000000000000:q}}',
      ),
    );
    assert.deepEqual(model.diagnostics, []);
    const routes = model.httpFrontEnds!.routes.map((r) => [r.api, r.method, r.path, r.functionName, r.qualifier, r.eventName, r.payloadFormatVersion]);
    assert.deepEqual(routes, [
      ['http', 'GET', '/items/{id}', 'Items', 'live', 'Get', '2.0'],
      ['http', 'ANY', '/legacy', 'Items', 'live', 'Legacy', '1.0'],
      ['rest', 'ANY', '/files/{proxy+}', 'Items', 'live', 'Rest', '1.0'],
      ['http', 'ANY', '$default', 'Items', 'live', 'Default', '2.0'],
    ]);
    assert.deepEqual(model.httpFrontEnds!.routes[0]!.position, { file: model.file, line: 11, column: 9 });
    assert.deepEqual(model.httpFrontEnds!.restApi, { stageName: 'Prod', binaryMediaTypes: [] });
    assert.deepEqual(model.httpFrontEnds!.httpApi, {});
  });

  it('reports invalid paths, methods, payload versions and duplicate routes', async () => {
    const model = await load(
      samResourceLines(
        '  A:', // 3
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      CodeUri: src',
        '      Handler: app.handler',
        '      Runtime: nodejs20.x',
        '      Events:', // 9
        '        NoSlash: {Type: Api, Properties: {Path: items, Method: GET}}', // 10
        '        Greedy: {Type: Api, Properties: {Path: "/{proxy+}/x", Method: GET}}', // 11
        '        Mixed: {Type: Api, Properties: {Path: "/item-{id}", Method: GET}}', // 12
        '        Verb: {Type: Api, Properties: {Path: /x, Method: FETCH}}', // 13
        '        NoMethod: {Type: Api, Properties: {Path: /y}}', // 14
        '        HalfHttp: {Type: HttpApi, Properties: {Path: /z}}', // 15
        '        Version: {Type: HttpApi, Properties: {Path: /v, Method: GET, PayloadFormatVersion: "3.0"}}', // 16
        '        One: {Type: HttpApi, Properties: {Path: "/u/{id}", Method: GET}}', // 17
        '  B:', // 18
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      CodeUri: src',
        '      Handler: app.handler',
        '      Runtime: nodejs20.x',
        '      Events:', // 24
        '        Two: {Type: HttpApi, Properties: {Path: "/u/{userId}", Method: get}}', // 25
        '        Other: {Type: HttpApi, Properties: {Path: "/u/{id}", Method: GET, ApiId: !Ref Second}}', // 26
        '  Second:',
        '    Type: AWS::Serverless::HttpApi',
      ),
    );
    const found = model.diagnostics.map((d) => [d.range.line, d.severity, d.code, d.message]);
    assert.deepEqual(found, [
      [10, 'error', 'invalid-value', "Path 'items' of Api event 'NoSlash' must start with '/'"],
      [11, 'error', 'invalid-value', "Path '/{proxy+}/x' of Api event 'Greedy' has the greedy parameter {proxy+} before the last segment"],
      [12, 'error', 'invalid-value', "Path '/item-{id}' of Api event 'Mixed' has a segment 'item-{id}' that is not a literal or a whole {parameter}"],
      [13, 'error', 'invalid-value', "Method 'FETCH' of Api event 'Verb' is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY"],
      [14, 'error', 'missing-property', "Api event 'NoMethod' has no Method"],
      [
        15,
        'error',
        'missing-property',
        "HttpApi event 'HalfHttp' has no Method (an HttpApi event has both Path and Method, or neither for the $default route)",
      ],
      [16, 'error', 'invalid-value', "PayloadFormatVersion must be '1.0' or '2.0', got string \"3.0\""],
      [25, 'error', 'duplicate-route', "GET /u/{userId} is already routed to 'A' (event 'One', line 17) in the same API"],
      [
        26,
        'warning',
        'route-shadowed',
        "GET /u/{id} is also routed to 'A' (event 'One', line 17) in another API; locally the HTTP APIs share one server and the first route wins",
      ],
    ]);
  });

  it('reads API settings from Globals and API resources: CORS, binary media types, stage name', async () => {
    const model = await load(
      lines(
        TRANSFORM,
        'Globals:',
        '  Api:',
        '    BinaryMediaTypes: [image~1png, "application~1octet-stream"]',
        '    Cors: "\'https://app.example\'"',
        '  HttpApi:',
        '    CorsConfiguration:',
        '      AllowOrigins: [https://app.example]',
        '      AllowMethods: [GET]',
        'Resources:',
        '  Api:',
        '    Type: AWS::Serverless::Api',
        '    Properties: {StageName: dev, BinaryMediaTypes: ["image~1*"]}',
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      CodeUri: src',
        '      Handler: app.handler',
        '      Runtime: nodejs20.x',
        '      Events:',
        '        R: {Type: Api, Properties: {Path: /r, Method: GET, RestApiId: !Ref Api}}',
        '        H: {Type: HttpApi, Properties: {Path: /h, Method: GET}}',
      ),
    );
    assert.deepEqual(model.diagnostics, []);
    assert.deepEqual(model.httpFrontEnds!.restApi, {
      stageName: 'dev',
      binaryMediaTypes: ['image/png', 'application/octet-stream', 'image/*'],
      cors: {
        allowOrigins: ['https://app.example'],
        allowMethods: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
        allowHeaders: [],
        exposeHeaders: [],
        allowCredentials: false,
      },
    });
    assert.deepEqual(model.httpFrontEnds!.httpApi, {
      cors: { allowOrigins: ['https://app.example'], allowMethods: ['GET'], allowHeaders: [], exposeHeaders: [], allowCredentials: false },
    });

    const wildcard = await load(
      samResourceLines(
        '  Http:',
        '    Type: AWS::Serverless::HttpApi',
        '    Properties:',
        '      CorsConfiguration: {AllowOrigins: ["*"], AllowCredentials: true}', // 6
      ),
    );
    assert.deepEqual(where(single(wildcard, 'invalid-value')), {
      line: 6,
      column: 66,
      property: 'Resources.Http.Properties.CorsConfiguration.AllowCredentials',
    });
    assert.equal(
      withCode(wildcard, 'invalid-value')[0]!.message,
      "API Gateway rejects AllowCredentials: true together with AllowOrigins '*'; list the origins",
    );
  });
});
