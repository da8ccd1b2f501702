import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { CFN_TAGS } from '../../core/config/yamlTags';

// Where a template's Lambda functions are declared, read from the editor's text (which may be
// unsaved, so not from the engine's definitions): the CodeLens above each function resource.
// No 'vscode' import: unit-tested under mocha. JSON templates parse as YAML too.

export const FUNCTION_TYPES: readonly string[] = ['AWS::Serverless::Function', 'AWS::Lambda::Function'];

export interface FunctionResource {
  logicalId: string;
  type: string;
  /** 0-based line and column of the resource's key (its logical id). */
  line: number;
  column: number;
}

/** The function resources of a template's text, in document order; [] when it cannot be read. */
export function findFunctionResources(text: string): FunctionResource[] {
  const lineCounter = new LineCounter();
  // uniqueKeys off and tags accepted: a template being edited is still located as well as possible.
  const doc = parseDocument(text, { lineCounter, customTags: CFN_TAGS, uniqueKeys: false, prettyErrors: false });
  if (!isMap(doc.contents)) return [];
  const resources = doc.contents.items.find((pair) => isScalar(pair.key) && pair.key.value === 'Resources')?.value;
  if (!isMap(resources)) return [];
  const found: FunctionResource[] = [];
  for (const pair of resources.items) {
    if (!isScalar(pair.key) || !isMap(pair.value)) continue;
    const typeNode = pair.value.items.find((p) => isScalar(p.key) && p.key.value === 'Type')?.value;
    const type = isScalar(typeNode) ? typeNode.value : undefined;
    if (typeof type !== 'string' || !FUNCTION_TYPES.includes(type)) continue;
    const offset = pair.key.range?.[0];
    if (offset === undefined) continue;
    const { line, col } = lineCounter.linePos(offset);
    found.push({ logicalId: String(pair.key.value), type, line: line - 1, column: col - 1 });
  }
  return found;
}
