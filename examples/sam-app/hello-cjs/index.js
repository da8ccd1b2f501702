// CommonJS: module-scope code runs once per execution environment (INIT), the handler per invoke.
const { decorate } = require('greeting-style'); // from the ObservabilityLayer
const startedAt = new Date().toISOString();
let invocations = 0;
console.log('initialising hello-cjs at', startedAt);

exports.handler = async (event, context) => {
  invocations += 1;
  console.log('event', JSON.stringify(event));
  console.info('remaining time (ms):', context.getRemainingTimeInMillis());
  return {
    message: decorate(`${process.env.GREETING}, ${event.name ?? 'world'}!`),
    stage: process.env.STAGE,
    requestId: context.awsRequestId,
    environmentStartedAt: startedAt,
    invocationsInThisEnvironment: invocations,
  };
};
