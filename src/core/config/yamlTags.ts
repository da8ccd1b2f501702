// CloudFormation short-form tags (`!Ref`, `!Sub`, …). The YAML library only needs to
// accept them (so they are not reported as unknown); the tree conversion then rewrites
// each tagged node into the long form (`{ "Fn::Sub": … }`).
import type { Tags } from 'yaml';
import { makeMap, type ScalarNode, type TNode } from './tree';

/** Short-form tag → long-form function name. */
export const SHORT_FORMS: Readonly<Record<string, string>> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!If': 'Fn::If',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!Base64': 'Fn::Base64',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Not': 'Fn::Not',
  '!ImportValue': 'Fn::ImportValue',
  '!GetAZs': 'Fn::GetAZs',
  '!Cidr': 'Fn::Cidr',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

// Every tag may be written on a scalar, a sequence or a mapping (e.g. `!Base64 { Fn::Sub: … }`),
// so register all three shapes; resolution keeps the node as parsed.
export const CFN_TAGS: Tags = Object.keys(SHORT_FORMS).flatMap((tag) => [
  { tag, resolve: (value: string) => value },
  { tag, collection: 'seq' as const, resolve: (value: unknown) => value },
  { tag, collection: 'map' as const, resolve: (value: unknown) => value },
]);

/**
 * `!Tag value` → `{ Fn: value }`. The wrapper starts at the tag so diagnostics point at
 * it; `!GetAtt Res.Attr.Sub` becomes `[Res, Attr.Sub]` (split at the first dot), as
 * CloudFormation does.
 */
export function wrapTag(fn: string, tag: string, start: number, inner: TNode, path: string): TNode {
  let value = inner;
  if (fn === 'Fn::GetAtt' && inner.kind === 'scalar' && typeof inner.value === 'string') {
    const dot = inner.value.indexOf('.');
    const parts = dot < 0 ? [inner.value] : [inner.value.slice(0, dot), inner.value.slice(dot + 1)];
    value = {
      kind: 'seq',
      start: inner.start,
      end: inner.end,
      path: inner.path,
      items: parts.map((s, i): ScalarNode => ({ kind: 'scalar', value: s, start: inner.start, end: inner.end, path: `${inner.path}[${i}]` })),
    };
  }
  return makeMap([{ key: fn, keyStart: start, keyEnd: start + tag.length, value }], start, inner.end, path);
}
