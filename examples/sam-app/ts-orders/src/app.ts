// TypeScript, bundled by esbuild into ../dist/app.js with a source map.
interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}

interface OrderEvent {
  orderId?: string;
  lines?: OrderLine[];
}

interface LambdaContext {
  awsRequestId: string;
  functionName: string;
}

export function total(lines: OrderLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
}

export const handler = async (event: OrderEvent, context: LambdaContext) => {
  const lines = event.lines ?? [];
  if (lines.some((l) => l.quantity <= 0)) {
    throw new RangeError(`order ${event.orderId ?? '?'} has a line with a non-positive quantity`);
  }
  console.log(`pricing order ${event.orderId ?? '(none)'} with ${lines.length} line(s)`);
  return { orderId: event.orderId, total: total(lines), table: process.env.TABLE_NAME, function: context.functionName };
};
