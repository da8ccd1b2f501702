import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { SHORT_FORMS } from '../../../src/core/config/yamlTags';

// Two manifest contributions with nothing to run: the "Run your first function" walkthrough (its
// command links, completion events and media must name what exists) and the `yaml.customTags`
// default that keeps Red Hat's YAML extension from flagging CloudFormation's short forms.

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributedCommands = new Set<string>((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
const views = new Set<string>(
  Object.values(manifest.contributes.views as Record<string, { id: string }[]>)
    .flat()
    .map((v) => v.id),
);

/** `command:` links of a description or a markdown file. */
const commandLinks = (text: string) => [...text.matchAll(/\]\(command:(?:toSide:)?([\w.]+)/g)].map((m) => m[1]);

describe('walkthrough: Run your first function', () => {
  const walkthrough = (
    manifest.contributes.walkthroughs as {
      id: string;
      steps: { id: string; title: string; description: string; media: { markdown?: string }; completionEvents?: string[] }[];
    }[]
  ).find((w) => w.id === 'lambdaWorkbench.firstFunction');

  it('has the five steps, in order', () => {
    assert.ok(walkthrough, 'contributes.walkthroughs has lambdaWorkbench.firstFunction');
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['openProject', 'invoke', 'replayEvent', 'debug', 'timeline'],
    );
  });

  it('links and completes on commands and views the extension contributes', () => {
    const workbenchCommands = new Set(['workbench.action.files.openFolder', 'workbench.view.extension.lambdaWorkbench']);
    const contextKeys = new Set(['lambdaWorkbench.inLambdaDebugSession']);
    assert.ok(
      Object.values(manifest.contributes.viewsContainers.activitybar as { id: string }[]).some((c) => c.id === 'lambdaWorkbench'),
      'the lambdaWorkbench view container exists',
    );
    for (const step of walkthrough!.steps) {
      const links = commandLinks(step.description);
      assert.ok(links.length > 0, `${step.id} has a button`);
      for (const id of links) assert.ok(contributedCommands.has(id) || workbenchCommands.has(id), `${step.id} links to ${id}, which is no contributed command`);
      assert.ok(step.completionEvents?.length, `${step.id} has completion events`);
      for (const event of step.completionEvents!) {
        const [kind, value] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
        if (kind === 'onCommand') assert.ok(contributedCommands.has(value), `${step.id}: ${event}`);
        else if (kind === 'onView') assert.ok(views.has(value), `${step.id}: ${event}`);
        else if (kind === 'onContext') assert.ok(contextKeys.has(value), `${step.id}: ${event}`);
        else assert.fail(`${step.id}: unexpected completion event ${event}`);
      }
    }
    const steps = Object.fromEntries(walkthrough!.steps.map((s) => [s.id, s]));
    assert.ok(steps.invoke.completionEvents!.includes('onCommand:lambdaWorkbench.invoke'));
    assert.ok(steps.debug.completionEvents!.includes('onCommand:lambdaWorkbench.debugFunction'));
    assert.ok(steps.timeline.completionEvents!.includes('onCommand:lambdaWorkbench.showTimeline'));
  });

  it('shows a markdown file of media/walkthrough/ for each step, short, linking only real commands', () => {
    for (const step of walkthrough!.steps) {
      const file = step.media.markdown;
      assert.ok(file && /^media\/walkthrough\/[\w-]+\.md$/.test(file), `${step.id}: ${file}`);
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      assert.ok(/^# /.test(text), `${file} starts with a title`);
      assert.ok(text.split('\n').length < 40, `${file} is short`);
      for (const id of commandLinks(text)) assert.ok(contributedCommands.has(id), `${file} links to ${id}`);
      // Settings it mentions are the extension's own.
      for (const [, setting] of text.matchAll(/`(lambdaWorkbench\.\w+)`/g)) {
        assert.ok(manifest.contributes.configuration.properties[setting], `${file} mentions ${setting}`);
      }
    }
  });
});

describe('yaml.customTags default (Red Hat YAML) for CloudFormation short forms', () => {
  const tags: string[] = manifest.contributes.configurationDefaults['yaml.customTags'];

  it('lists every tag the engine reads, each as "!Tag kind", once', () => {
    for (const entry of tags) assert.match(entry, /^!\w+ (scalar|sequence|mapping)$/);
    assert.equal(new Set(tags).size, tags.length, 'no duplicates');
    const listed = new Set(tags.map((t) => t.split(' ')[0]));
    assert.deepEqual([...listed].sort(), Object.keys(SHORT_FORMS).sort(), 'the same tags as src/core/config/yamlTags.ts');
  });

  it('has the forms CloudFormation takes', () => {
    const kinds = (tag: string) =>
      tags
        .filter((t) => t.startsWith(`${tag} `))
        .map((t) => t.split(' ')[1])
        .sort();
    assert.deepEqual(kinds('!Ref'), ['scalar']);
    assert.deepEqual(kinds('!Condition'), ['scalar']);
    assert.deepEqual(kinds('!GetAtt'), ['scalar', 'sequence']);
    assert.deepEqual(kinds('!Sub'), ['scalar', 'sequence']);
    for (const tag of ['!Join', '!Select', '!Split', '!If', '!Not', '!Equals', '!And', '!Or', '!FindInMap', '!Cidr']) {
      assert.deepEqual(kinds(tag), ['sequence'], tag);
    }
    for (const tag of ['!Base64', '!ImportValue', '!GetAZs']) assert.deepEqual(kinds(tag), ['mapping', 'scalar'], tag);
    assert.deepEqual(kinds('!Transform'), ['mapping']);
  });

  it('accepts a template written with every form (as Red Hat YAML registers them with the yaml library)', () => {
    const customTags = tags.map((entry) => {
      const [tag, kind] = entry.split(' ');
      return kind === 'scalar'
        ? { tag, resolve: (v: string) => v }
        : { tag, collection: (kind === 'sequence' ? 'seq' : 'map') as 'seq' | 'map', resolve: (v: unknown) => v };
    });
    const text = `
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !And [!Condition NotProd, !Equals [a, a]]]
Resources:
  Fn:
    Properties:
      Role: !GetAtt Role.Arn
      Other: !GetAtt [Role, Arn]
      Name: !Sub '\${AWS::StackName}-fn'
      Named: !Sub ['\${A}-x', { A: !Ref Stage }]
      Joined: !Join [',', [a, b]]
      First: !Select [0, !GetAZs '']
      Zones: !GetAZs { Ref: 'AWS::Region' }
      Parts: !Split [',', !ImportValue shared-list]
      Imported: !ImportValue { 'Fn::Sub': '\${Stage}-x' }
      Mode: !If [IsProd, a, b]
      Mapped: !FindInMap [Map, !Ref Stage, Key]
      Data: !Base64 hello
      UserData: !Base64 { 'Fn::Sub': 'echo \${Stage}' }
      Cidrs: !Cidr [10.0.0.0/16, 4, 8]
      Count: !Length [a, b]
      CountOf: !Length { Ref: List }
      Json: !ToJsonString { a: 1 }
      JsonList: !ToJsonString [1, 2]
      Snippet: !Transform { Name: 'AWS::Include', Parameters: { Location: s3://b/k } }
`;
    const doc = parseDocument(text, { customTags });
    assert.deepEqual(
      doc.errors.map((e) => e.message),
      [],
    );
    assert.deepEqual(
      doc.warnings.map((e) => e.message),
      [],
      'no unresolved tag',
    );
  });
});
