import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParseCache, parseChunked } from '../../../src/core/config/chunkedParse';
import { DiagnosticSink } from '../../../src/core/config/diagnostics';
import { loadTemplateText } from '../../../src/core/config/loader';
import { parseTemplate } from '../../../src/core/config/parse';
import { SourceFile } from '../../../src/core/config/source';
import type { TNode } from '../../../src/core/config/tree';

// Incremental parsing (an editor's document): the tree built from cached chunks must be exactly the
// tree of a whole parse, and an edit must parse only the chunk it touched.

const root = path.resolve(__dirname, '../../..');

function wholeTree(text: string): TNode | undefined {
  return parseTemplate(new SourceFile('/t/template.yaml', text), new DiagnosticSink(new SourceFile('/t/template.yaml', text)));
}

function chunkedTree(text: string, cache: ParseCache): TNode | undefined {
  const source = new SourceFile('/t/template.yaml', text);
  return parseChunked(text, new DiagnosticSink(source), cache);
}

/** Every template in the repository's fixtures and examples. */
function repositoryTemplates(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', '.git', 'dist', 'out', '.lambda-workbench'].includes(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^template\.ya?ml$/.test(entry.name)) found.push(full);
    }
  };
  for (const dir of ['examples', 'test']) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  return found;
}

function bigTemplate(resources: number): string {
  let y =
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n# a comment\nGlobals:\n  Function:\n    Runtime: nodejs20.x\nResources:\n";
  for (let i = 0; i < resources; i++) {
    y += `  # resource ${i}\n  Fn${i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src\n      Handler: app.handler\n      MemorySize: ${128 + i}\n      Environment:\n        Variables:\n          Q: !Ref Queue${i}\n          S: !Sub '\${AWS::StackName}-${i}'\n      Events:\n        E:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Queue${i}.Arn\n            BatchSize: 10\n  Queue${i}:\n    Type: AWS::SQS::Queue\n\n`;
  }
  return y + 'Outputs:\n  First:\n    Value: !Ref Fn0\n';
}

describe('chunked template parsing (editors)', () => {
  it('builds exactly the tree of a whole parse, for every template of the repository and a large one', () => {
    const templates = [...repositoryTemplates().map((f) => fs.readFileSync(f, 'utf8')), bigTemplate(50)];
    assert.ok(templates.length >= 3);
    let chunked = 0;
    for (const text of templates) {
      const tree = chunkedTree(text, new ParseCache());
      if (!tree) continue; // not splittable: the whole parse is used
      chunked++;
      assert.deepEqual(tree, wholeTree(text));
    }
    assert.ok(chunked >= 2, `${chunked} templates were parsed in chunks`);
  });

  it('parses again only the resource an edit touched, and the result still equals a whole parse', () => {
    const cache = new ParseCache();
    let text = bigTemplate(200);
    assert.ok(chunkedTree(text, cache));
    const first = cache.parsed;
    assert.ok(first >= 400, `every chunk parsed once (${first})`);
    text = text.replace('MemorySize: 228', 'MemorySize: 2280');
    const tree = chunkedTree(text, cache);
    assert.equal(cache.parsed - first, 1, 'one chunk parsed again');
    assert.deepEqual(tree, wholeTree(text));
    // An inserted resource shifts everything after it: reused chunks move with their offsets.
    text = text.replace('  Fn5:\n', '  Extra:\n    Type: AWS::SQS::Queue\n  Fn5:\n');
    const moved = chunkedTree(text, cache);
    assert.equal(cache.parsed - first, 2);
    assert.deepEqual(moved, wholeTree(text));
  });

  it('leaves to a whole parse what a split could misread: errors, duplicates, anchors, flow style', () => {
    const cache = new ParseCache();
    const base = bigTemplate(3);
    assert.equal(chunkedTree(base.replace('BatchSize: 10', 'BatchSize: [10'), cache), undefined, 'a syntax error');
    assert.equal(chunkedTree(base.replace('  Queue1:', '  Queue0:'), cache), undefined, 'a duplicate logical id');
    assert.equal(chunkedTree(base.replace('Runtime: nodejs20.x', 'Runtime: &rt nodejs20.x'), cache), undefined, 'an anchor');
    assert.equal(chunkedTree('{"Resources": {}}', cache), undefined, 'JSON');
    assert.equal(chunkedTree(base.replace('!Ref Queue1', '!Nope Queue1'), cache), undefined, 'an unknown tag');
  });

  it('gives the same model and diagnostics through loadTemplateText', () => {
    const text = bigTemplate(20).replace('MemorySize: 130', 'MemorySize: 99999').replace('!Ref Queue3', '!Ref Missing');
    const whole = loadTemplateText('/t/template.yaml', text);
    const cache = new ParseCache();
    const cached = loadTemplateText('/t/template.yaml', text, { parseCache: cache });
    assert.ok(cache.parsed > 0, 'the chunked path was taken');
    assert.deepEqual(cached.diagnostics, whole.diagnostics);
    assert.deepEqual(cached.functions, whole.functions);
    assert.ok(whole.diagnostics.some((d) => d.code === 'unresolved-ref'));
  });
});
