import { createSqsPoller } from '../esm/sqsPoller';
import { createStreamPoller } from '../esm/streamPoller';
import type { MappingSourceKind, PollerFactory } from '../esm/types';
import { DynamoDbStreamsEndpoint } from './dynamodbStreamsEndpoint';
import { EmbeddedQueue } from './embeddedQueue';
import { EmbeddedStream } from './embeddedStream';
import { KinesisEndpointStream } from './kinesisEndpointStream';
import type { SourceFactories } from './sources';
import { SqsEndpointQueue } from './sqsEndpointQueue';

// Which implementation serves each kind of source and mapping.

export const SOURCE_FACTORIES: SourceFactories = {
  embeddedQueue: (store, definition, resolveQueue) => new EmbeddedQueue(store, definition, resolveQueue),
  endpointQueue: (definition) => new SqsEndpointQueue(definition),
  embeddedStream: (store, definition) => new EmbeddedStream(store, definition),
  endpointStream: (definition) => (definition.kind === 'dynamodb' ? new DynamoDbStreamsEndpoint(definition) : new KinesisEndpointStream(definition)),
};

export const POLLER_FACTORIES: Record<MappingSourceKind, PollerFactory> = {
  sqs: createSqsPoller,
  kinesis: createStreamPoller,
  dynamodb: createStreamPoller,
};
