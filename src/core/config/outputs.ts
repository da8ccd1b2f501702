// The template's `Outputs`: nothing local reads them, but a `!Ref` / `!GetAtt` / `${…}` there that
// names nothing makes CloudFormation reject the template, so those references are checked too.
import { DiagnosticSink, type Span } from './diagnostics';
import { Resolver } from './intrinsics';
import type { DiagnosticSeverity } from './types';
import { childOf, type MapNode } from './tree';

/**
 * Passes on only references to nothing, as warnings: outputs do not affect local runs, so they
 * must not stop a template from opening; what cannot be known locally (an attribute, an import)
 * is irrelevant for an output.
 */
class OutputsSink extends DiagnosticSink {
  constructor(private readonly target: DiagnosticSink) {
    super(target.source);
  }

  override add(severity: DiagnosticSeverity, code: string, message: string, at: Span, property?: string): void {
    if (severity === 'error' && code === 'unresolved-ref') this.target.add('warning', code, message, at, property);
  }
}

export function checkOutputs(root: MapNode, resolver: Resolver): void {
  const outputs = childOf(root, 'Outputs');
  if (outputs?.kind !== 'map') return;
  const r = new Resolver({ ...resolver.input, sink: new OutputsSink(resolver.sink) });
  for (const output of outputs.entries) {
    const condition = childOf(output.value, 'Condition');
    const name = condition?.kind === 'scalar' && typeof condition.value === 'string' ? condition.value : undefined;
    // An output whose condition is false is not created: its references are not resolved either.
    if (condition && name !== undefined && r.conditions.byName(name, condition) === false) continue;
    r.value(childOf(output.value, 'Value'));
    r.value(childOf(output.value, 'Export'));
  }
}
