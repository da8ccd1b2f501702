// Sample events (generators in AWS's shapes) and saved events (JSON files in the events folder).
export * from './common';
export * from './catalog';
export * from './savedEvents';
export * from './s3';
export * from './sqs';
export * from './kinesis';
export * from './dynamodb';
export * from './sns';
export * from './apigateway';
export * from './functionUrl';
export * from './eventbridge';
export * from './cloudwatchLogs';
