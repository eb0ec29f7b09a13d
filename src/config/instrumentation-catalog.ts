/**
 * The tracing instrumentations Beacon knows, by the short names OTel uses in
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS. Pure data: nothing here loads a package, so the
 * config can validate names without paying for the instrumentations themselves.
 */
export interface CatalogEntry {
  /** Package under @opentelemetry/instrumentation-*. */
  readonly package: string;
  /** Exported class name. */
  readonly className: string;
  /** Modules it patches; the instrumentation is loaded only if one is installed. Empty = Node built-in. */
  readonly targets: readonly string[];
  /** Enabled when the config says nothing about it. */
  readonly enabledByDefault: boolean;
  /** Left out, unless the config turns it on, when this other instrumentation applies: it traces the same calls. */
  readonly coveredBy?: string;
}

const entry = (
  name: string,
  className: string,
  targets: readonly string[],
  enabledByDefault = true,
  coveredBy?: string,
): [string, CatalogEntry] => [name, { package: `@opentelemetry/instrumentation-${name}`, className, targets, enabledByDefault, ...(coveredBy ? { coveredBy } : {}) }];

export const INSTRUMENTATION_CATALOG: ReadonlyMap<string, CatalogEntry> = new Map([
  entry('amqplib', 'AmqplibInstrumentation', ['amqplib']),
  entry('aws-sdk', 'AwsInstrumentation', ['@smithy/smithy-client', 'aws-sdk']),
  entry('bunyan', 'BunyanInstrumentation', ['bunyan']),
  entry('cassandra-driver', 'CassandraDriverInstrumentation', ['cassandra-driver']),
  entry('connect', 'ConnectInstrumentation', ['connect']),
  entry('dataloader', 'DataloaderInstrumentation', ['dataloader']),
  // dns, fs and net produce several spans per request and little insight: opt in.
  entry('dns', 'DnsInstrumentation', [], false),
  entry('express', 'ExpressInstrumentation', ['express']),
  entry('fs', 'FsInstrumentation', [], false),
  entry('generic-pool', 'GenericPoolInstrumentation', ['generic-pool']),
  entry('graphql', 'GraphQLInstrumentation', ['graphql']),
  entry('grpc', 'GrpcInstrumentation', ['@grpc/grpc-js']),
  entry('hapi', 'HapiInstrumentation', ['@hapi/hapi']),
  entry('http', 'HttpInstrumentation', []),
  entry('ioredis', 'IORedisInstrumentation', ['ioredis']),
  entry('kafkajs', 'KafkaJsInstrumentation', ['kafkajs']),
  entry('knex', 'KnexInstrumentation', ['knex']),
  entry('koa', 'KoaInstrumentation', ['koa']),
  entry('lru-memoizer', 'LruMemoizerInstrumentation', ['lru-memoizer']),
  entry('memcached', 'MemcachedInstrumentation', ['memcached']),
  entry('mongodb', 'MongoDBInstrumentation', ['mongodb']),
  entry('mongoose', 'MongooseInstrumentation', ['mongoose']),
  entry('mysql', 'MySQLInstrumentation', ['mysql']),
  entry('mysql2', 'MySQL2Instrumentation', ['mysql2']),
  entry('nestjs-core', 'NestInstrumentation', ['@nestjs/core']),
  entry('net', 'NetInstrumentation', [], false),
  entry('openai', 'OpenAIInstrumentation', ['openai']),
  entry('oracledb', 'OracleInstrumentation', ['oracledb']),
  entry('pg', 'PgInstrumentation', ['pg']),
  entry('pino', 'PinoInstrumentation', ['pino']),
  entry('redis', 'RedisInstrumentation', ['redis', '@redis/client']),
  entry('restify', 'RestifyInstrumentation', ['restify']),
  // express 5 routes through the router package: with both, every layer of an express app
  // is traced twice (plus a 'middleware - patched' span for express's own wrapper).
  entry('router', 'RouterInstrumentation', ['router'], true, 'express'),
  entry('socket.io', 'SocketIoInstrumentation', ['socket.io']),
  entry('tedious', 'TediousInstrumentation', ['tedious']),
  // undici is the engine of Node's global fetch(): always present.
  entry('undici', 'UndiciInstrumentation', []),
  entry('winston', 'WinstonInstrumentation', ['winston']),
]);

export const INSTRUMENTATION_NAMES: readonly string[] = [...INSTRUMENTATION_CATALOG.keys()];
