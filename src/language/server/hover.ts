import type { TextDocument } from 'vscode-languageserver-textdocument';
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import { KNOWN_RUNTIMES } from '../../core/config';
import { EVENT_TYPES, RESOURCE_TYPES, type PropertyDoc } from './lambdaDocs';
import { nodeAtOffset, pathOf, type Outline } from './outline/outline';
import { docOf, placeOf } from './templatePlaces';

// Hover on a Lambda property (key or value) shows what it does and its limits; on a Runtime,
// an event Type or a resource Type value, what that value means.

const FAMILY: Record<string, string> = {
  nodejs: 'Node.js',
  python: 'Python',
  provided: 'custom runtime (bootstrap)',
  java: 'Java',
  dotnet: '.NET',
  ruby: 'Ruby',
  go: 'Go',
};

export function hoverAt(doc: TextDocument, outline: Outline, offset: number): Hover | null {
  const node = nodeAtOffset(outline, offset);
  if (!node || node.partial || node.key === '-') return null;
  const path = pathOf(node);
  const onValue = node.value !== undefined && offset >= node.value.start;
  const range = (start: number, end: number) => ({ start: doc.positionAt(start), end: doc.positionAt(end) });
  if (onValue) {
    const text = valueDoc(outline, path, node.value!.text);
    if (text) return { contents: { kind: MarkupKind.Markdown, value: text }, range: range(node.value!.start, node.value!.end) };
  }
  const found = docOf(outline.root, path);
  if (!found) return null;
  return { contents: { kind: MarkupKind.Markdown, value: propertyMarkdown(found.name, found.doc) }, range: range(node.keyStart, node.keyEnd) };
}

export function propertyMarkdown(name: string, doc: PropertyDoc): string {
  const values = doc.values ? `\n\nValues: ${doc.values.map((v) => `\`${v}\``).join(', ')}` : '';
  return `**${name}**\n\n${doc.doc}${values}`;
}

function valueDoc(outline: Outline, path: string[], value: string): string | undefined {
  const key = path[path.length - 1];
  const place = placeOf(outline.root, path.slice(0, -1));
  if (key === 'Runtime' && place?.kind === 'function' && place.keys.length === 0) return runtimeMarkdown(value);
  if (key === 'Type' && place?.kind === 'event' && place.keys.length === 0) {
    const event = EVENT_TYPES[value];
    return event && `**${value}** event\n\n${event.doc}`;
  }
  if (key === 'Type' && place?.kind === 'resource') {
    const doc = RESOURCE_TYPES[value];
    return doc && `**${value}**\n\n${doc}`;
  }
  return undefined;
}

export function runtimeMarkdown(runtime: string): string | undefined {
  const info = KNOWN_RUNTIMES[runtime];
  if (!info) return undefined;
  const local = info.local ? 'runs locally in Lambda Workbench' : 'recognised, but not run locally by Lambda Workbench';
  const deprecated = info.deprecated ? ' Deprecated by AWS Lambda.' : '';
  return `**${runtime}** — ${FAMILY[info.family] ?? info.family}; ${local}.${deprecated}`;
}
