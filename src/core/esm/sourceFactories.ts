import { createSqsPoller } from './sqsPoller';
import { createStreamPoller } from './streamPoller';
import type { PollerFactory } from './types';
import type { MappingSourceKind } from '../config/mappingDefinitions';
import { DynamoDbStreamsEndpoint } from '../sources/dynamodbStreamsEndpoint';
import { EmbeddedQueue } from '../sources/embeddedQueue';
import { EmbeddedStream } from '../sources/embeddedStream';
import { KinesisEndpointStream } from '../sources/kinesisEndpointStream';
import type { SourceFactories } from '../sources/sources';
import { SqsEndpointQueue } from '../sources/sqsEndpointQueue';

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
