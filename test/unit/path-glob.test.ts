import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathMatcher, stripQuery } from '../../src/http/path-glob.js';

test('stripQuery: the path before a query string or fragment, whichever comes first', () => {
  assert.equal(stripQuery('/health'), '/health');
  assert.equal(stripQuery('/health?verbose=1'), '/health');
  assert.equal(stripQuery('/health#top'), '/health');
  assert.equal(stripQuery('/a#frag?x=1'), '/a');
  assert.equal(stripQuery('/a?x=1#frag'), '/a');
  assert.equal(stripQuery('?x=1'), '');
  assert.equal(stripQuery(''), '');
});

test('pathMatcher: exact paths match with or without a trailing slash, a query string or a fragment', () => {
  const ignored = pathMatcher(['/health', '/ready/', '/']);
  for (const path of ['/health', '/health/', '/health?probe=k8s', '/health/?x', '/health#a', '/ready', '/ready/', '/', '/?x=1']) {
    assert.equal(ignored(path), true, path);
  }
  for (const path of ['/healthz', '/health/deep', '/api/health', '/ready/x', '/readyx?x']) {
    assert.equal(ignored(path), false, path);
  }
});

test('pathMatcher: * within one segment, ** across segments, ? one character', () => {
  const ignored = pathMatcher(['/internal/*', '/static/**', '/v?/ping']);
  for (const path of ['/internal/status', '/internal/status/', '/internal/', '/static/a/b/c.js', '/static/', '/v1/ping', '/v2/ping?x']) {
    assert.equal(ignored(path), true, path);
  }
  for (const path of ['/internal/a/b', '/internals/a', '/v10/ping', '/v/ping', '/staticx/a']) {
    assert.equal(ignored(path), false, path);
  }
});

test('pathMatcher: with no globs nothing is ignored', () => {
  const ignored = pathMatcher([]);
  assert.equal(ignored('/'), false);
  assert.equal(ignored('/health'), false);
});
