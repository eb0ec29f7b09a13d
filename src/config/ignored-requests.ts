/**
 * Incoming requests that are not app traffic: the health probes of `tracing.ignorePaths` and
 * Beacon's own metrics paths. Left out of traces, HTTP metrics and request logs alike.
 */
import type { ResolvedConfig } from './types.js';
import { type PathMatcher, pathMatcher } from '../http/path-glob.js';

export function ignoredRequests(config: ResolvedConfig): PathMatcher {
  const { path, jsonPath } = config.metrics.prometheus;
  return pathMatcher([...config.tracing.ignorePaths, path, ...(jsonPath === null ? [] : [jsonPath])]);
}
