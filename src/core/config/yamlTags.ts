// CloudFormation short-form tags (`!Ref`, `!Sub`, …). The YAML library only needs to
// accept them (so they are not reported as unknown); the tree conversion then rewrites
// each tagged node into the long form (`{ "Fn::Sub": … }`).
import type { Tags } from 'yaml';

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
