import * as path from 'node:path';
import type { Diagnostic, Position, Range } from 'vscode-languageserver-protocol/node';
import { writeProject } from '../helpers/project';
import { positionOf } from './lspClient';

// The project the language server tests open: functions with good and broken handlers (Node.js,
// Python, TypeScript behind a source map), values out of Lambda's limits, an unresolved !Ref.

export const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: src
      Handler: app.handler
      MemorySize: 20000
      Timeout: 0
      Environment:
        Variables:
          QUEUE_URL: !Ref MissingQueue
      Events:
        Work:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
            BatchSize: 10
  Queue:
    Type: AWS::SQS::Queue
  Missing:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: src
      Handler: nothere.handler
  NoExport:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: src
      Handler: app.other
  Unknown:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs99.x
      CodeUri: src
      Handler: app.handler
  Py:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: py
      Handler: main.lambda_handler
  PyNoFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: py
      Handler: main.nope
  Typed:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: ts/dist
      Handler: app.handler
`;

export const APP_JS = `'use strict';\n\nconst helper = () => 1;\nexports.handler = async (event) => ({ ok: helper() });\n`;
export const MAIN_PY = `import json\n\n\ndef lambda_handler(event, context):\n    return event\n`;
export const APP_TS = `import type { Handler } from 'aws-lambda';\n\nexport const handler: Handler = async (event) => event;\n`;

export function writeFixture(): { dir: string; template: string } {
  const dir = writeProject({
    'template.yaml': TEMPLATE,
    'src/app.js': APP_JS,
    'py/main.py': MAIN_PY,
    'ts/src/app.ts': APP_TS,
    'ts/dist/app.js': `"use strict";\nexports.handler = async (event) => event;\n//# sourceMappingURL=app.js.map\n`,
    'ts/dist/app.js.map': JSON.stringify({ version: 3, sources: ['../src/app.ts'], names: [], mappings: '' }),
    'notes.yaml': 'title: not a template\nResources:\n  Thing: 1\n',
  });
  return { dir, template: path.join(dir, 'template.yaml') };
}

/** The range of `needle` (the nth occurrence) in `text`. */
export function rangeOf(text: string, needle: string, nth = 0): Range {
  const start: Position = positionOf(text, needle, 0, nth);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

/** The range of `value` written right after `prefix` (e.g. the 0 of `Timeout: 0`). */
export function rangeAfter(text: string, prefix: string, value: string): Range {
  const start: Position = positionOf(text, prefix, prefix.length);
  return { start, end: { line: start.line, character: start.character + value.length } };
}

/** A diagnostic reduced to what the tests compare. */
export function brief(d: Diagnostic): { code: unknown; severity: unknown; range: Range } {
  return { code: d.code, severity: d.severity, range: d.range };
}
