// Template `Parameters`: the value each one has locally (override or Default), checked
// against its Type and constraints the way CloudFormation would at deploy time.
import type { DiagnosticSink, Span } from './diagnostics';
import { childOf, scalarString, type MapEntry, type TNode } from './tree';

export interface ParameterInfo {
  name: string;
  type: string;
  /** What `Ref` returns: a list for CommaDelimitedList / List<…>, otherwise the string. */
  value?: string | string[];
  /** The value as text (what TemplateModel.parameters reports). */
  text?: string;
  /** Why there is no value, for the diagnostic at each `Ref`. */
  problem?: string;
}

const LIST_TYPE = /^(CommaDelimitedList|List<.*>|AWS::SSM::Parameter::Value<(CommaDelimitedList|List<.*>)>)$/;

export function readParameters(section: MapEntry | undefined, overrides: Record<string, string>, sink: DiagnosticSink): Map<string, ParameterInfo> {
  const params = new Map<string, ParameterInfo>();
  const node = section?.value;
  if (section && node?.kind !== 'map') {
    sink.error('invalid-template', 'Parameters must be a mapping of parameter names to definitions', node ?? spanOfKey(section), 'Parameters');
  }
  const entries = node?.kind === 'map' ? node.entries : [];
  for (const e of entries) params.set(e.key, readParameter(e, overrides, sink));

  for (const name of Object.keys(overrides)) {
    if (params.has(name)) continue;
    const at = section ? spanOfKey(section) : { start: 0, end: 0 };
    const known = [...params.keys()].join(', ') || 'none';
    sink.warning('unknown-parameter', `Override for parameter '${name}' does not match any template parameter (parameters: ${known})`, at, 'Parameters');
  }
  return params;
}

function readParameter(e: MapEntry, overrides: Record<string, string>, sink: DiagnosticSink): ParameterInfo {
  const path = `Parameters.${e.key}`;
  const def = e.value;
  if (def.kind !== 'map') {
    sink.error('invalid-parameter', `Parameter '${e.key}' must be a mapping with at least a Type`, def, path);
    return { name: e.key, type: 'String', problem: 'its definition is invalid' };
  }
  const typeNode = childOf(def, 'Type');
  const type = scalarString(typeNode) ?? 'String';
  if (!typeNode) sink.error('missing-property', `Parameter '${e.key}' has no Type (e.g. String, Number, CommaDelimitedList)`, spanOfKey(e), `${path}.Type`);

  const defaultNode = childOf(def, 'Default');
  const isSsm = type.startsWith('AWS::SSM::Parameter::Value<');
  let text: string | undefined;
  let at: Span = spanOfKey(e);
  let origin: string;
  if (Object.prototype.hasOwnProperty.call(overrides, e.key)) {
    text = overrides[e.key];
    origin = 'override value';
  } else if (isSsm) {
    // The Default of an SSM-typed parameter is the SSM parameter *name*; its value lives in AWS.
    return { name: e.key, type, problem: `it is an SSM parameter (${type}), whose value cannot be read locally; give one with a parameter override` };
  } else if (defaultNode && defaultNode.kind === 'scalar' && defaultNode.value !== null) {
    text = defaultNode.raw ?? String(defaultNode.value);
    at = defaultNode;
    origin = 'Default';
  } else if (defaultNode && defaultNode.kind === 'seq' && LIST_TYPE.test(type)) {
    text = defaultNode.items.map((i) => scalarString(i) ?? '').join(',');
    at = defaultNode;
    origin = 'Default';
  } else {
    return { name: e.key, type, problem: 'it has no Default and no override was given' };
  }
  const value = LIST_TYPE.test(type) ? (text === '' ? [] : text!.split(',').map((s) => s.trim())) : text!;
  checkConstraints(e.key, def, type, value, origin, at, sink);
  return { name: e.key, type, value, text };
}

function checkConstraints(name: string, def: TNode, type: string, value: string | string[], origin: string, at: Span, sink: DiagnosticSink): void {
  const path = `Parameters.${name}`;
  const values = Array.isArray(value) ? value : [value];
  const numeric = type === 'Number' || type === 'List<Number>';
  for (const v of values) {
    if (numeric && (v.trim() === '' || !Number.isFinite(Number(v)))) {
      sink.error('invalid-parameter', `${origin} '${v}' of parameter '${name}' is not a number (Type: ${type})`, at, path);
      return;
    }
  }
  const allowedNode = childOf(def, 'AllowedValues');
  if (allowedNode?.kind === 'seq') {
    const allowed = allowedNode.items.map((i) => scalarString(i) ?? '');
    const bad = values.find((v) => !allowed.includes(v));
    if (bad !== undefined) {
      sink.error('invalid-parameter', `${origin} '${bad}' of parameter '${name}' is not one of AllowedValues: ${allowed.join(', ')}`, at, path);
    }
  }
  const pattern = scalarString(childOf(def, 'AllowedPattern'));
  if (pattern !== undefined && !numeric) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      const at = childOf(def, 'AllowedPattern')!;
      sink.error('invalid-parameter', `AllowedPattern of parameter '${name}' is not a valid regular expression`, at, `${path}.AllowedPattern`);
    }
    const bad = re && values.find((v) => !re.test(v));
    if (bad !== undefined) sink.error('invalid-parameter', `${origin} '${bad}' of parameter '${name}' does not match AllowedPattern ${pattern}`, at, path);
  }
  const min = Number(scalarString(childOf(def, 'MinValue')) ?? NaN);
  const max = Number(scalarString(childOf(def, 'MaxValue')) ?? NaN);
  if (numeric) {
    const bad = values.find((v) => Number(v) < min || Number(v) > max);
    if (bad !== undefined) {
      const range = [Number.isNaN(min) ? '' : `MinValue ${min}`, Number.isNaN(max) ? '' : `MaxValue ${max}`].filter(Boolean).join(', ');
      sink.error('invalid-parameter', `${origin} ${bad} of parameter '${name}' is out of range (${range})`, at, path);
    }
  }
}

function spanOfKey(e: MapEntry): Span {
  return { start: e.keyStart, end: e.keyEnd };
}
