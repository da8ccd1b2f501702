import { strict as assert } from 'node:assert';
import type { ApiRouteDefinition, TemplateModel } from '../../../src/core/config/types';
import { lines, load, single, where, withCode } from '../config/helpers';

// Reading authorizers from templates (src/core/config/authorizers.ts): SAM's Auth of Api and
// HttpApi resources and Globals, attached to the routes, with positioned diagnostics.

const HEAD = ['Transform: AWS::Serverless-2016-10-31', 'Resources:'];
const AUTH_FN = ['  AuthFn:', '    Type: AWS::Serverless::Function', '    Properties: {CodeUri: src, Handler: auth.handler, Runtime: nodejs20.x}'];

/** A function Fn with these events (one-line YAML mappings), after the given resources. */
function template(resources: string[], events: Record<string, string>, globals: string[] = []): string {
  return lines(
    ...(globals.length ? ['Transform: AWS::Serverless-2016-10-31', 'Globals:', ...globals, 'Resources:'] : HEAD),
    ...AUTH_FN,
    ...resources,
    '  Fn:',
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    '      CodeUri: src',
    '      Handler: app.handler',
    '      Runtime: nodejs20.x',
    '      Events:',
    ...Object.entries(events).map(([name, props]) => `        ${name}: ${props}`),
  );
}

function route(model: TemplateModel, event: string): ApiRouteDefinition {
  const found = model.httpFrontEnds?.routes.find((r) => r.eventName === event);
  if (!found) throw new Error(`no route ${event}: ${JSON.stringify(model.diagnostics, null, 2)}`);
  return found;
}

function definitionOf(model: TemplateModel, event: string): Record<string, unknown> | undefined {
  const authorizer = route(model, event).authorizer;
  if (!authorizer) return undefined;
  const { position: _position, ...rest } = authorizer.definition;
  return { ...rest, routeScopes: authorizer.scopes };
}

describe('http: authorizers in templates', () => {
  it('reads REST Lambda TOKEN / REQUEST and Cognito authorizers, the default, NONE and per-event names', async () => {
    const model = await load(
      template(
        [
          '  Api:',
          '    Type: AWS::Serverless::Api',
          '    Properties:',
          '      StageName: dev',
          '      Auth:',
          '        DefaultAuthorizer: Token',
          '        Authorizers:',
          '          Token:',
          '            FunctionArn: !GetAtt AuthFn.Arn',
          '            Identity: {Header: X-Token, ValidationExpression: "^Bearer .+$", ReauthorizeEvery: 20}',
          '          Request:',
          '            FunctionArn: !Ref AuthFn.Alias',
          '            FunctionPayloadType: REQUEST',
          '            Identity: {Headers: [H1], QueryStrings: [q], StageVariables: [s], Context: [identity.sourceIp]}',
          '          Pool:',
          '            UserPoolArn: [arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_AbC, !GetAtt UserPool.Arn]',
          '            AuthorizationScopes: [a/read]',
          '  UserPool:',
          '    Type: AWS::Cognito::UserPool',
        ],
        {
          Default: '{Type: Api, Properties: {RestApiId: !Ref Api, Path: /a, Method: get}}',
          Open: '{Type: Api, Properties: {RestApiId: !Ref Api, Path: /b, Method: get, Auth: {Authorizer: NONE}}}',
          Req: '{Type: Api, Properties: {RestApiId: !Ref Api, Path: /c, Method: get, Auth: {Authorizer: Request}}}',
          Pool: '{Type: Api, Properties: {RestApiId: !Ref Api, Path: /d, Method: get, Auth: {Authorizer: Pool}}}',
          PoolScoped: '{Type: Api, Properties: {RestApiId: !Ref Api, Path: /e, Method: get, Auth: {Authorizer: Pool, AuthorizationScopes: [b/write]}}}',
          Implicit: '{Type: Api, Properties: {Path: /f, Method: get}}',
        },
      ).replace(
        'AuthFn:\n    Type: AWS::Serverless::Function\n    Properties: {',
        'AuthFn:\n    Type: AWS::Serverless::Function\n    Properties: {AutoPublishAlias: live, ',
      ),
    );
    assert.deepEqual(
      model.diagnostics.filter((d) => d.severity !== 'info'),
      [],
    );
    assert.deepEqual(definitionOf(model, 'Default'), {
      name: 'Token',
      api: 'rest',
      apiLogicalId: 'Api',
      type: 'lambda',
      functionName: 'AuthFn',
      payloadType: 'TOKEN',
      payloadFormatVersion: '1.0',
      simpleResponses: false,
      identitySources: [{ kind: 'header', name: 'X-Token' }],
      validationExpression: '^Bearer .+$',
      resultTtlSeconds: 20,
      routeScopes: [],
    });
    assert.equal(route(model, 'Default').authorizer!.definition.position.line, 13);
    assert.equal(definitionOf(model, 'Open'), undefined);
    assert.deepEqual(definitionOf(model, 'Req'), {
      name: 'Request',
      api: 'rest',
      apiLogicalId: 'Api',
      type: 'lambda',
      functionName: 'AuthFn',
      qualifier: 'live',
      payloadType: 'REQUEST',
      payloadFormatVersion: '1.0',
      simpleResponses: false,
      identitySources: [
        { kind: 'header', name: 'H1' },
        { kind: 'query', name: 'q' },
        { kind: 'stageVariable', name: 's' },
        { kind: 'context', name: 'identity.sourceIp' },
      ],
      resultTtlSeconds: 300,
      routeScopes: [],
    });
    const pool = {
      name: 'Pool',
      api: 'rest',
      apiLogicalId: 'Api',
      type: 'cognito',
      // A pool of the template has the local id <region>_<LogicalId>.
      issuers: ['https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC', 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_UserPool'],
      identitySource: { kind: 'header', name: 'Authorization' },
      scopes: ['a/read'],
    };
    assert.deepEqual(definitionOf(model, 'Pool'), { ...pool, routeScopes: ['a/read'] });
    assert.deepEqual(definitionOf(model, 'PoolScoped'), { ...pool, routeScopes: ['b/write'] });
    // The implicit API has no Auth: its routes have no authorizer.
    assert.equal(definitionOf(model, 'Implicit'), undefined);
  });

  it("reads HttpApi Lambda (1.0 / 2.0, simple responses) and JWT authorizers, JwtConfiguration's keys in either case", async () => {
    const model = await load(
      template(
        [
          '  Http:',
          '    Type: AWS::Serverless::HttpApi',
          '    Properties:',
          '      Auth:',
          '        DefaultAuthorizer: Simple',
          '        Authorizers:',
          '          Simple:',
          '            FunctionArn: !GetAtt AuthFn.Arn',
          '            AuthorizerPayloadFormatVersion: 2.0',
          '            EnableSimpleResponses: true',
          '            Identity: {Headers: [Authorization], Context: [routeKey], ReauthorizeEvery: 0}',
          '          Policy:',
          '            FunctionArn: !GetAtt AuthFn.Arn',
          "            AuthorizerPayloadFormatVersion: '1.0'",
          '          Jwt:',
          '            IdentitySource: $request.header.Authorization',
          '            JwtConfiguration: {Issuer: "https://issuer.example", Audience: [a1, a2]}',
          '            AuthorizationScopes: [read]',
        ],
        {
          Simple: '{Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /a, Method: get}}',
          Policy: '{Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /b, Method: get, Auth: {Authorizer: Policy}}}',
          Jwt: '{Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /c, Method: get, Auth: {Authorizer: Jwt}}}',
        },
      ),
    );
    assert.deepEqual(
      model.diagnostics.filter((d) => d.severity !== 'info'),
      [],
    );
    assert.deepEqual(definitionOf(model, 'Simple'), {
      name: 'Simple',
      api: 'http',
      apiLogicalId: 'Http',
      type: 'lambda',
      functionName: 'AuthFn',
      payloadType: 'REQUEST',
      payloadFormatVersion: '2.0',
      simpleResponses: true,
      identitySources: [
        { kind: 'header', name: 'Authorization' },
        { kind: 'context', name: 'routeKey' },
      ],
      resultTtlSeconds: 0,
      routeScopes: [],
    });
    // No identity source: nothing to cache by.
    assert.equal((route(model, 'Policy').authorizer!.definition as { resultTtlSeconds: number }).resultTtlSeconds, 0);
    assert.deepEqual(definitionOf(model, 'Jwt'), {
      name: 'Jwt',
      api: 'http',
      apiLogicalId: 'Http',
      type: 'jwt',
      issuers: ['https://issuer.example'],
      audience: ['a1', 'a2'],
      identitySource: { kind: 'header', name: 'Authorization' },
      scopes: ['read'],
      routeScopes: ['read'],
    });
  });

  it("Globals' Auth serves the implicit API and every API, read (and reported) once", async () => {
    const model = await load(
      template(
        ['  Second:', '    Type: AWS::Serverless::Api', '    Properties: {StageName: two}'],
        {
          Implicit: '{Type: Api, Properties: {Path: /a, Method: get}}',
          Second: '{Type: Api, Properties: {RestApiId: !Ref Second, Path: /b, Method: get}}',
        },
        [
          '  Api:', // 3
          '    Auth:', // 4
          '      DefaultAuthorizer: Token', // 5
          '      Authorizers:', // 6
          '        Token: {FunctionArn: !GetAtt AuthFn.Arn}', // 7
          '        Broken: {FunctionArn: !GetAtt AuthFn.Arn, FunctionPayloadType: COOKIE}', // 8
        ],
      ),
    );
    assert.equal(definitionOf(model, 'Implicit')?.apiLogicalId, 'ServerlessRestApi');
    assert.equal(definitionOf(model, 'Second')?.apiLogicalId, 'Second');
    assert.equal(definitionOf(model, 'Second')?.name, 'Token');
    assert.deepEqual(where(single(model, 'invalid-value')), { line: 8, column: 72, property: 'Globals.Api.Auth.Authorizers.Broken.FunctionPayloadType' });
  });

  it('reports unknown authorizer names, bad definitions and functions outside the template where they are written', async () => {
    const model = await load(
      template(
        [
          '  Api:', // 6
          '    Type: AWS::Serverless::Api', // 7
          '    Properties:', // 8
          '      StageName: dev', // 9
          '      Auth:', // 10
          '        DefaultAuthorizer: Missing', // 11
          '        Authorizers:', // 12
          '          Elsewhere: {FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:NotHere"}', // 13
          '          Neither: {Identity: {Header: X}}', // 14
          '  Http:', // 15
          '    Type: AWS::Serverless::HttpApi', // 16
          '    Properties:', // 17
          '      Auth:', // 18
          '        Authorizers:', // 19
          '          NoVersion: {FunctionArn: !GetAtt AuthFn.Arn}', // 20
          '          SimpleV1: {FunctionArn: !GetAtt AuthFn.Arn, AuthorizerPayloadFormatVersion: "1.0", EnableSimpleResponses: true}', // 21
          '          NoSource: {JwtConfiguration: {issuer: https://i.example, audience: [a]}}', // 22
        ],
        {
          Typo: '{Type: Api, Properties: {RestApiId: !Ref Api, Path: /a, Method: get, Auth: {Authorizer: Tokn}}}', // 30
          Far: '{Type: Api, Properties: {RestApiId: !Ref Api, Path: /b, Method: get, Auth: {Authorizer: Elsewhere}}}', // 31
          Iam: '{Type: HttpApi, Properties: {ApiId: !Ref Http, Path: /c, Method: get, Auth: {Authorizer: AWS_IAM}}}', // 32
        },
      ),
    );
    const problems = model.diagnostics.filter((d) => d.severity !== 'info').map((d) => [d.severity, d.code, d.range.line]);
    assert.deepEqual(
      problems.sort((a, b) => (a[2] as number) - (b[2] as number)),
      [
        ['error', 'unknown-authorizer', 11],
        ['warning', 'unknown-function', 13],
        ['error', 'missing-property', 14],
        ['error', 'missing-property', 20],
        ['error', 'invalid-value', 21],
        ['error', 'missing-property', 22],
        ['error', 'unknown-authorizer', 30],
      ],
    );
    assert.match(single(model, 'unknown-function').message, /runs function 'NotHere', which is not defined in this template/);
    const typo = withCode(model, 'unknown-authorizer').find((d) => d.range.line === 30)!;
    assert.match(typo.message, /Authorizer 'Tokn' of event 'Typo' is not one of the Authorizers of Api \(Elsewhere\)/);
    assert.equal(typo.property, 'Resources.Fn.Properties.Events.Typo.Properties.Auth.Authorizer');
    // The authorizer whose function is elsewhere stays, unavailable: its routes answer 500.
    assert.match(String(definitionOf(model, 'Far')?.unavailable), /NotHere/);
    assert.equal(route(model, 'Typo').authorizer, undefined);
    const iam = withCode(model, 'not-enforced').find((d) => d.range.line === 32);
    assert.match(String(iam?.message), /AWS_IAM of event 'Iam' is not simulated locally/);
  });
});
