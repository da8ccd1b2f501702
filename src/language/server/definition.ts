import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver/node';
import type { FunctionDefinition, TemplateModel } from '../../core/config';
import { resolveHandlerSource } from '../../core/handlers';
import { childNode, nodeAtOffset, nodeAtPath, pathOf, type Outline } from './outline/outline';
import { placeOf } from './templatePlaces';

// Go to definition from a Handler to the function in the code: the file the runtime loads (for
// Node.js the TypeScript behind it when a source map or a .ts file next to it says so) at the
// line of the export. From Globals.Function.Handler: every function that uses it.

export function definitionAt(outline: Outline, offset: number, model: TemplateModel): Location[] {
  const node = nodeAtOffset(outline, offset);
  if (!node || node.key !== 'Handler' || node.partial) return [];
  const place = placeOf(outline.root, pathOf(node).slice(0, -1));
  if (place?.kind !== 'function' || place.keys.length !== 0) return [];
  const functions =
    place.id !== undefined
      ? model.functions.filter((f) => f.logicalId === place.id)
      : model.functions.filter(
          (f) => f.resourceType === 'AWS::Serverless::Function' && !childNode(nodeAtPath(outline.root, ['Resources', f.logicalId, 'Properties']), 'Handler'),
        );
  const seen = new Set<string>();
  const locations: Location[] = [];
  for (const fn of functions) {
    const location = handlerLocation(fn);
    const key = location && `${location.uri}:${location.range.start.line}`;
    if (location && !seen.has(key!)) {
      seen.add(key!);
      locations.push(location);
    }
  }
  return locations;
}

function handlerLocation(fn: FunctionDefinition): Location | undefined {
  if (!fn.handler || !fn.codeUri) return undefined;
  const found = resolveHandlerSource(fn);
  if (!found) return undefined;
  const line = (found.line ?? 1) - 1;
  const character = (found.column ?? 1) - 1;
  const length = found.line === undefined ? 0 : found.exportName.length;
  return { uri: pathToFileURL(found.file).href, range: { start: { line, character }, end: { line, character: character + length } } };
}
