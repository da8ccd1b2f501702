class PaymentDeclinedError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PaymentDeclinedError';
  }
}

exports.handler = async (event) => {
  console.warn('about to fail for', event.customer ?? 'someone');
  throw new PaymentDeclinedError(`card of ${event.customer ?? 'someone'} was declined`);
};

exports.sleepy = async () => {
  console.log('sleeping longer than my timeout…');
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  return 'never';
};
