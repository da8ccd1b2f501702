import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTemplateText } from '../../../src/core/config';
import { readSourceDeclarations } from '../../../src/core/sources/declarations';
import { sourceEndpointsFromSetting } from '../../../src/extension/sourceEndpointsSetting';
import { REPO_ROOT } from '../helpers/build';

// The `lambdaWorkbench.sourceEndpoints` setting → the engine's `sourceEndpoints` (no VS Code).

describe('extension: the sourceEndpoints setting', () => {
  it("maps queues and streams to the engine's endpoints, with every key the engine takes", () => {
    // Every key the setting takes is one the engine takes: the setting passes through unchanged.
    const setting = {
      Jobs: { url: 'http://127.0.0.1:9324' },
      'arn:aws:kinesis:us-east-1:000000000000:stream/Clicks': {
        url: 'https://kinesis.example.com',
        region: 'eu-west-1',
        profile: 'dev',
        remoteName: 'clicks-dev',
      },
      Aws: {},
    };
    const { endpoints, problems } = sourceEndpointsFromSetting(setting);
    assert.deepEqual(problems, []);
    assert.deepEqual(endpoints, setting);
  });

  it("reaches the template's queues and streams by logical id, name or ARN", async () => {
    const model = await loadTemplateText(
      '/project/template.yaml',
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Resources:',
        '  Jobs:',
        '    Type: AWS::SQS::Queue',
        '  Parked:',
        '    Type: AWS::SQS::Queue',
        '    Properties: { QueueName: parked }',
        '  Clicks:',
        '    Type: AWS::Kinesis::Stream',
        '',
      ].join('\n'),
    );
    const { endpoints } = sourceEndpointsFromSetting({
      Jobs: { url: 'http://127.0.0.1:9324' },
      parked: { url: 'http://127.0.0.1:9325', region: 'eu-west-1' },
      'arn:aws:kinesis:us-east-1:000000000000:stream/Clicks': { url: 'http://127.0.0.1:4567' },
    });
    const { queues, streams } = readSourceDeclarations(model, 'us-east-1', endpoints);
    assert.deepEqual(
      queues.map((q) => [q.logicalId, q.endpoint]),
      [
        ['Jobs', { url: 'http://127.0.0.1:9324' }],
        ['Parked', { url: 'http://127.0.0.1:9325', region: 'eu-west-1' }],
      ],
    );
    assert.deepEqual(
      streams.map((s) => [s.logicalId, s.endpoint]),
      [['Clicks', { url: 'http://127.0.0.1:4567' }]],
    );
  });

  it('leaves out what is not usable, saying why, and keeps the rest', () => {
    assert.deepEqual(sourceEndpointsFromSetting(undefined), { endpoints: {}, problems: [] });
    assert.deepEqual(sourceEndpointsFromSetting({}), { endpoints: {}, problems: [] });
    assert.match(sourceEndpointsFromSetting('http://x').problems.join('\n'), /must be an object/);
    assert.match(sourceEndpointsFromSetting([]).problems.join('\n'), /must be an object/);
    const { endpoints, problems } = sourceEndpointsFromSetting({
      Good: { url: 'http://127.0.0.1:9324', extra: true },
      Ftp: { url: 'ftp://127.0.0.1' },
      Garbage: { url: 'not a url' },
      Short: 'http://127.0.0.1:9324',
      Region: { url: 'http://127.0.0.1:1', region: 5 },
      '': { url: 'http://127.0.0.1:1' },
    });
    assert.deepEqual(endpoints, { Good: { url: 'http://127.0.0.1:9324' } });
    assert.deepEqual(problems, [
      'lambdaWorkbench.sourceEndpoints["Good"]: unknown key "extra" (url, region, profile, remoteName); ignored.',
      'lambdaWorkbench.sourceEndpoints["Ftp"].url must be an http:// or https:// URL, got "ftp://127.0.0.1"; Ftp stays embedded.',
      'lambdaWorkbench.sourceEndpoints["Garbage"].url must be an http:// or https:// URL, got "not a url"; Garbage stays embedded.',
      'lambdaWorkbench.sourceEndpoints["Short"] must be an object such as { "url": "http://127.0.0.1:9324" }; Short stays embedded.',
      'lambdaWorkbench.sourceEndpoints["Region"].region must be a non-empty string; Region stays embedded.',
      'lambdaWorkbench.sourceEndpoints[""]: an empty queue or stream name; ignored.',
    ]);
  });

  it("package.json declares the setting with the engine's keys, per resource", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const setting = manifest.contributes.configuration.properties['lambdaWorkbench.sourceEndpoints'];
    assert.equal(setting.type, 'object');
    assert.equal(setting.scope, 'resource');
    assert.deepEqual(setting.default, {});
    assert.deepEqual(Object.keys(setting.additionalProperties.properties).sort(), ['profile', 'region', 'remoteName', 'url']);
    assert.equal(setting.additionalProperties.additionalProperties, false);
  });
});
