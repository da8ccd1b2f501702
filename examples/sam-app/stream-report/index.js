// A streamed response (awslambda.streamifyResponse, as AWS's Node runtime provides it): the status
// and headers go out first (HttpResponseStream.from), then one line per step as soon as it is done,
// so a client of the RESPONSE_STREAM function URL reads the first line long before the last.
//   curl -N http://127.0.0.1:<port>/?delayMs=500     (the URL `serve` prints for StreamReport)

const STEPS = ['load orders', 'price the lines', 'apply tax', 'total up'];

exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });
  const delayMs = Math.min(Number(event.queryStringParameters?.delayMs ?? 200) || 0, 500);
  stream.write(`report ${event.rawPath ?? '/'} (${process.env.STAGE})\n`);
  for (const [i, step] of STEPS.entries()) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    stream.write(`${i + 1}/${STEPS.length} ${step}\n`);
  }
  stream.end('done\n');
});
