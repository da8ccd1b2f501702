// ES module with top-level await: it runs during INIT, before the first invocation.
const config = await Promise.resolve({ punctuation: '!' });

export const handler = async (event, context) => {
  console.log(`greeting ${event.name ?? 'world'} from ${context.functionName}`);
  return { greeting: `Hi ${event.name ?? 'world'}${config.punctuation}`, memoryLimitInMB: context.memoryLimitInMB };
};
