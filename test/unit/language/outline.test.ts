import { strict as assert } from 'node:assert';
import { jsonContextAt, jsonOutline } from '../../../src/language/server/outline/jsonOutline';
import { nodeAtPath, pathOf, type Outline } from '../../../src/language/server/outline/outline';
import { yamlContextAt, yamlOutline } from '../../../src/language/server/outline/yamlOutline';
import { isTemplateText } from '../../../src/core/config';

// The tolerant outline the editor features stand on: what a template being typed looks like.

const keys = (o: Outline) => o.nodes.map((n) => `${pathOf(n).join('.')}${n.partial ? '?' : ''}${n.value ? `=${n.value.text}` : ''}`);

describe('language server: template outline', () => {
  it('reads block YAML: quoted keys and values, comments, tags, block scalars, flow collections, sequences', () => {
    const text = [
      'Description: >',
      '  folded: not a key',
      'Resources:',
      '  "Fn": # the function',
      '    Properties:',
      "      Handler: 'app.handler' # comment",
      '      Role: !GetAtt Role.Arn',
      '      Env: { A: [1,',
      '        2] }',
      '      Layers:',
      '        - !Ref Layer',
      '        - Name: x',
      '          Fn::Sub: y',
      '      Descr',
    ].join('\n');
    const o = yamlOutline(text);
    assert.deepEqual(keys(o), [
      'Description',
      'Resources',
      'Resources.Fn',
      'Resources.Fn.Properties',
      'Resources.Fn.Properties.Handler=app.handler',
      'Resources.Fn.Properties.Role=!GetAtt Role.Arn',
      'Resources.Fn.Properties.Env',
      'Resources.Fn.Properties.Layers',
      'Resources.Fn.Properties.Layers.-=!Ref Layer',
      'Resources.Fn.Properties.Layers.-',
      'Resources.Fn.Properties.Layers.-.Name=x',
      'Resources.Fn.Properties.Layers.-.Fn::Sub=y',
      'Resources.Fn.Properties.Descr?',
    ]);
    // A sequence at its key's own column.
    const compact = yamlOutline('Policies:\n- Crud:\n    Table: t\n- Other\nEvents:\n  E: 1\n');
    assert.deepEqual(keys(compact), ['Policies', 'Policies.-', 'Policies.-.Crud', 'Policies.-.Crud.Table=t', 'Policies.-=Other', 'Events', 'Events.E=1']);
    const handler = nodeAtPath(o.root, ['Resources', 'Fn', 'Properties', 'Handler'])!;
    assert.equal(text.slice(handler.value!.start, handler.value!.end), "'app.handler'");
  });

  it("finds the cursor's mapping in YAML: a new line, a half-typed key, a value", () => {
    const text = 'Resources:\n  Fn:\n    Properties:\n      Runtime: node\n      \n      Tim\n    Type: x\n';
    const o = yamlOutline(text);
    const at = (needle: string, delta: number) => yamlContextAt(o, text, text.indexOf(needle) + delta);
    const blank = at('      \n', 6)!;
    assert.deepEqual([pathOf(blank.container), blank.kind], [['Resources', 'Fn', 'Properties'], 'key']);
    const typed = at('Tim', 3)!;
    assert.deepEqual([typed.kind, typed.node?.key, text.slice(typed.replace.start, typed.replace.end)], ['key', 'Tim', 'Tim']);
    const value = at('node', 2)!;
    assert.deepEqual([value.kind, value.node?.key, text.slice(value.replace.start, value.replace.end)], ['value', 'Runtime', 'node']);
    assert.deepEqual(pathOf(at('    Type', 4)!.container), ['Resources', 'Fn']);
  });

  it('reads JSON while it is typed: a key without its colon, an unclosed string and brace', () => {
    const text = '{\n  "Resources": {\n    "Fn": {\n      "Properties": { "Runtime": "nod", "Mem\n    }\n';
    const o = jsonOutline(text);
    assert.deepEqual(keys(o), ['Resources', 'Resources.Fn', 'Resources.Fn.Properties', 'Resources.Fn.Properties.Runtime=nod', 'Resources.Fn.Properties.Mem?']);
    const value = jsonContextAt(o, text, text.indexOf('nod') + 2)!;
    assert.deepEqual([value.kind, value.inQuotes, text.slice(value.replace.start, value.replace.end)], ['value', true, 'nod']);
    const key = jsonContextAt(o, text, text.indexOf('Mem') + 3)!;
    assert.deepEqual([key.kind, key.node?.key, pathOf(key.container)], ['key', 'Mem', ['Resources', 'Fn', 'Properties']]);
  });

  it('recognises templates by AWSTemplateFormatVersion or the SAM transform only', () => {
    assert.ok(isTemplateText("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"));
    assert.ok(isTemplateText('Transform: AWS::Serverless-2016-10-31\n'));
    assert.ok(isTemplateText('Transform:\n  - AWS::Serverless-2016-10-31\n'));
    assert.ok(isTemplateText('{\n  "Transform": ["AWS::Serverless-2016-10-31"]\n}'));
    assert.ok(!isTemplateText('Resources:\n  Thing: 1\n# AWSTemplateFormatVersion is mentioned only\n'));
    assert.ok(!isTemplateText('name: ci\non: push\n'));
  });
});
