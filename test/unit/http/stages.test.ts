import { strict as assert } from 'node:assert';
import { load, samFunction, single, where } from '../config/helpers';

// What the template reader gives the API front end besides routes (src/core/config/functionUrls.ts):
// each route's API, the stage each API is served as (StageName, Variables / StageVariables, from
// SAM's APIs, Globals or CloudFormation's Stage resources) and API Gateway's TimeoutInMillis.

describe('http: stages and integration timeouts in the template', () => {
  it("routes name their API; SAM's implicit APIs are ServerlessRestApi and ServerlessHttpApi", async () => {
    const model = await load(
      samFunction(
        'Events:',
        '  A: {Type: Api, Properties: {Path: /a, Method: GET}}',
        '  B: {Type: HttpApi, Properties: {Path: /b, Method: GET}}',
        '  C: {Type: Api, Properties: {Path: /c, Method: GET, RestApiId: !Ref MyApi}}',
      ) + ['  MyApi:', '    Type: AWS::Serverless::Api', '    Properties:', '      StageName: v1', ''].join('\n'),
    );
    assert.deepEqual(model.diagnostics, []);
    assert.deepEqual(
      model.httpFrontEnds!.routes.map((r) => [r.path, r.apiLogicalId]),
      [
        ['/a', 'ServerlessRestApi'],
        ['/b', 'ServerlessHttpApi'],
        ['/c', 'MyApi'],
      ],
    );
    assert.deepEqual(model.httpFrontEnds!.stages, {
      ServerlessRestApi: { stageName: 'Prod' },
      ServerlessHttpApi: { stageName: '$default' },
      MyApi: { stageName: 'v1' },
    });
  });

  it("CloudFormation's AWS::ApiGateway::Stage (Variables) and AWS::ApiGatewayV2::Stage (StageVariables) give their API's stage", async () => {
    const model = await load(
      samFunction(
        'Events:',
        '  Rest: {Type: Api, Properties: {Path: /r, Method: GET, RestApiId: !Ref CfnRest}}',
        '  Http: {Type: HttpApi, Properties: {Path: /h, Method: GET, ApiId: !Ref CfnHttp}}',
      ) +
        [
          '  CfnRest:',
          '    Type: AWS::ApiGateway::RestApi',
          '    Properties: {Name: rest}',
          '  RestStage:',
          '    Type: AWS::ApiGateway::Stage',
          '    Properties: {RestApiId: !Ref CfnRest, StageName: live, Variables: {backend: blue}}',
          '  CfnHttp:',
          '    Type: AWS::ApiGatewayV2::Api',
          '    Properties: {Name: http, ProtocolType: HTTP}',
          '  HttpStage:',
          '    Type: AWS::ApiGatewayV2::Stage',
          '    Properties: {ApiId: !Ref CfnHttp, StageName: edge, StageVariables: {backend: green}}',
          '',
        ].join('\n'),
    );
    assert.deepEqual(model.httpFrontEnds!.stages, {
      CfnRest: { stageName: 'live', variables: { backend: 'blue' } },
      CfnHttp: { stageName: 'edge', variables: { backend: 'green' } },
    });
  });

  it('stage variables: names of letters, digits and underscores; values scalars', async () => {
    const model = await load(
      samFunction('Events:', '  A: {Type: Api, Properties: {Path: /a, Method: GET, RestApiId: !Ref MyApi}}') +
        [
          '  MyApi:',
          '    Type: AWS::Serverless::Api',
          '    Properties:',
          '      StageName: v1',
          '      Variables:',
          '        good_1: yes',
          '        bad-name: x',
          '        nested: {a: 1}',
          '',
        ].join('\n'),
    );
    assert.deepEqual(model.httpFrontEnds!.stages.MyApi, { stageName: 'v1', variables: { good_1: 'yes' } });
    assert.match(single(model, 'invalid-value').message, /Stage variable name 'bad-name' may only contain letters, digits and underscores/);
    assert.match(single(model, 'invalid-type').message, /Stage variable nested must be a string, got a mapping/);
  });

  it('TimeoutInMillis: 50 ms to 29 s on a REST route, to 30 s on an HTTP API route', async () => {
    const model = await load(
      samFunction(
        'Events:', // 9
        '  A: {Type: Api, Properties: {Path: /a, Method: GET, TimeoutInMillis: 5000}}',
        '  B: {Type: HttpApi, Properties: {Path: /b, Method: GET, TimeoutInMillis: 30000}}',
        '  C: {Type: Api, Properties: {Path: /c, Method: GET, TimeoutInMillis: 30000}}', // 12
        '  D: {Type: HttpApi, Properties: {Path: /d, Method: GET}}',
      ),
    );
    assert.deepEqual(
      model.httpFrontEnds!.routes.map((r) => [r.path, r.timeoutMs]),
      [
        ['/a', 5000],
        ['/b', 30000],
        ['/c', undefined],
        ['/d', undefined],
      ],
    );
    const d = single(model, 'invalid-value');
    assert.match(d.message, /TimeoutInMillis must be an integer between 50 and 29000 \(milliseconds\), got 30000/);
    assert.equal(where(d).line, 12);
  });
});
