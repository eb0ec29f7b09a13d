/**
 * The orders service's own operational metrics (seed 000's custom metrics), declared once
 * with Beacon's metrics API. Prometheus shows them as
 *   database_writes_total{table,operation}
 *   database_query_rows_returned_bucket/_sum/_count{table,query_type}
 *   database_full_scan_total{table}
 *   expensive_aggregation_total{operation}
 */
import { metrics } from 'beacon-otel';

export const databaseWrites = metrics.counter('database_writes', {
  description: 'Database write operations (insert, update, delete) by table.',
  labels: ['table', 'operation'],
});

export const queryRowsReturned = metrics.histogram('database_query_rows_returned', {
  description: 'Rows returned per query: large values point at queries that need paging or an index.',
  labels: ['table', 'query_type'],
  buckets: [0, 1, 5, 10, 50, 100, 500, 1000, 5000],
});

export const fullScans = metrics.counter('database_full_scan', {
  description: 'Queries that read a whole table (should stay low).',
  labels: ['table'],
});

export const expensiveAggregations = metrics.counter('expensive_aggregation', {
  description: 'Resource-intensive aggregations run.',
  labels: ['operation'],
});
