// The echo function both sides of the benchmark run.
exports.handler = async (event) => event;
