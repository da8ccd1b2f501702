import type { TextDocument } from 'vscode-languageserver-textdocument';
import { CompletionItemKind, CompletionItemTag, InsertTextMode, MarkupKind, type CompletionItem } from 'vscode-languageserver/node';
import { KNOWN_RUNTIMES } from '../../core/config';
import { EVENT_TYPES, RESOURCE_TYPES, type PropertyDoc } from './lambdaDocs';
import { pathOf, type CursorContext, type Outline } from './outline/outline';
import { propertiesAt, placeOf, type Place } from './templatePlaces';
import { propertyMarkdown, runtimeMarkdown } from './hover';

// Completion of Lambda's keys and values: Runtime identifiers, event and resource Types, the
// settings of a function, of an event and of their nested mappings (those not written yet),
// and the values a setting allows.

interface Choice {
  label: string;
  detail?: string;
  documentation?: string;
  deprecated?: boolean;
}

export function completionsAt(doc: TextDocument, outline: Outline, context: CursorContext | undefined): CompletionItem[] {
  if (!context) return [];
  const place = placeOf(outline.root, pathOf(context.container));
  if (!place) return [];
  const range = { start: doc.positionAt(context.replace.start), end: doc.positionAt(context.replace.end) };
  const text = doc.getText();
  const json = outline.format === 'json';
  if (context.kind === 'value') {
    const key = context.node?.key;
    const choices = key === undefined ? [] : valueChoices(place, key);
    // `Runtime:|` — a YAML value needs its space after the colon.
    const space = !json && text[context.replace.start - 1] === ':' ? ' ' : '';
    return choices.map((c, i) => {
      const insert = json && !context.inQuotes ? JSON.stringify(c.label) : space + c.label;
      const item: CompletionItem = {
        label: c.label,
        kind: CompletionItemKind.Value,
        sortText: `${c.deprecated ? 1 : 0}${String(i).padStart(3, '0')}`,
        textEdit: { range, newText: insert },
      };
      if (c.detail) item.detail = c.detail;
      if (c.documentation) item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
      if (c.deprecated) {
        item.tags = [CompletionItemTag.Deprecated];
        item.deprecated = true; // for clients older than tags
      }
      return item;
    });
  }
  const props = propertiesAt(place);
  if (!props) return [];
  const present = new Set(context.container.children.filter((c) => !c.partial && c !== context.node).map((c) => c.key));
  return Object.entries(props)
    .filter(([name]) => !present.has(name))
    .map(([name, d], i) => ({
      label: name,
      kind: CompletionItemKind.Property,
      documentation: { kind: MarkupKind.Markdown, value: propertyMarkdown(name, d) },
      sortText: String(i).padStart(3, '0'),
      textEdit: { range, newText: keyText(name, d, json, context.inQuotes) },
      insertTextMode: InsertTextMode.adjustIndentation,
    }));
}

function keyText(name: string, d: PropertyDoc, json: boolean, inQuotes: boolean): string {
  if (json) return inQuotes ? name : `"${name}": `;
  if (d.shape === 'map') return `${name}:\n  `;
  if (d.shape === 'list') return `${name}:\n  - `;
  return `${name}: `;
}

function valueChoices(place: Place, key: string): Choice[] {
  if (place.kind === 'function' && place.keys.length === 0 && key === 'Runtime') return runtimeChoices();
  if (place.kind === 'event' && place.keys.length === 0 && key === 'Type') {
    return Object.entries(EVENT_TYPES).map(([label, e]) => ({ label, detail: 'event source', documentation: e.doc }));
  }
  if (place.kind === 'resource' && key === 'Type') {
    return Object.entries(RESOURCE_TYPES).map(([label, documentation]) => ({ label, documentation }));
  }
  return (propertiesAt(place)?.[key]?.values ?? []).map((label) => ({ label }));
}

/** Every runtime Lambda knows; deprecated ones marked (and sorted last), unknown-locally ones said so. */
function runtimeChoices(): Choice[] {
  return Object.entries(KNOWN_RUNTIMES).map(([label, info]) => {
    const choice: Choice = { label, detail: info.deprecated ? 'deprecated' : info.local ? 'runs locally' : 'not run locally' };
    const documentation = runtimeMarkdown(label);
    if (documentation) choice.documentation = documentation;
    if (info.deprecated) choice.deprecated = true;
    return choice;
  });
}
