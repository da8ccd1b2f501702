// An SQS consumer: the mapping on OrdersQueue hands it batches of up to 10 messages. A message
// whose body is not an order fails alone (ReportBatchItemFailures): only it goes back to the queue.
exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try {
      const order = JSON.parse(record.body);
      console.log(`processed order ${order.orderId} (${(order.lines ?? []).length} lines)`);
    } catch {
      console.warn(`not an order: ${record.body}`);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
