// Who may read the metrics: IP allowlists (IPv4, IPv6, IPv4-mapped), X-Forwarded-For only
// from trusted proxies, bearer and basic auth; denied peers get a bare 403.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { createAccessPolicy } from '../src/metrics/access.js';
import { ipMatcher } from '../src/common/cidr.js';
import { call, portOf, startMetricsModule } from './helpers/metrics-endpoint.js';

const fakeRequest = (remoteAddress: string, headers: Record<string, string> = {}) =>
  ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

test('CIDR matching: IPv4, IPv6, IPv4-mapped peers against IPv4 rules, garbage never matches', () => {
  const match = ipMatcher(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', '::ffff:172.16.0.0/108']);
  const cases: [string | undefined, boolean][] = [
    ['10.1.2.3', true],
    ['11.1.2.3', false],
    ['::ffff:10.1.2.3', true],
    ['::FFFF:10.1.2.3', true],
    ['::ffff:11.1.2.3', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['2001:db8::1', true],
    ['2001:db9::1', false],
    ['fe80::1%eth0', false],
    ['172.16.5.5', true],
    ['172.32.0.1', false],
    ['not-an-ip', false],
    ['', false],
    [undefined, false],
  ];
  for (const [address, expected] of cases) assert.equal(match(address), expected, String(address));
  assert.equal(ipMatcher(['::1'])('::1'), true);
  assert.equal(ipMatcher(['::1'])('127.0.0.1'), false);
});

test('access policy: allowlist, forged X-Forwarded-For without and with trustProxy', () => {
  const direct = createAccessPolicy({ allowedIps: ['10.0.0.0/8'], trustProxy: [], auth: null });
  assert.equal(direct(fakeRequest('10.9.9.9')).status, 200);
  assert.equal(direct(fakeRequest('203.0.113.5')).status, 403);
  // Without trustProxy the header is never read: a forged allowed address does not help.
  assert.equal(direct(fakeRequest('203.0.113.5', { 'x-forwarded-for': '10.1.1.1' })).status, 403);

  const proxied = createAccessPolicy({ allowedIps: ['10.0.0.0/8'], trustProxy: ['192.168.0.0/16'], auth: null });
  assert.equal(proxied(fakeRequest('192.168.0.2', { 'x-forwarded-for': '10.1.1.1' })).status, 200);
  // The proxy appends the real client on the right; whatever the client put on the left is not reached.
  assert.equal(proxied(fakeRequest('192.168.0.2', { 'x-forwarded-for': '10.1.1.1, 203.0.113.5' })).status, 403);
  assert.equal(proxied(fakeRequest('192.168.0.2', { 'x-forwarded-for': '203.0.113.5, 10.1.1.1, 192.168.0.9' })).status, 200);
  // An untrusted peer's header is ignored.
  assert.equal(proxied(fakeRequest('203.0.113.5', { 'x-forwarded-for': '10.1.1.1' })).status, 403);
  // A trusted proxy without the header: the proxy itself is the client.
  assert.equal(proxied(fakeRequest('192.168.0.2')).status, 403);
});

test('access policy: bearer and basic auth, constant-time, scheme case-insensitive', () => {
  const bearer = createAccessPolicy({ allowedIps: [], trustProxy: [], auth: { bearerToken: 's3cret' } });
  assert.equal(bearer(fakeRequest('1.2.3.4', { authorization: 'Bearer s3cret' })).status, 200);
  assert.equal(bearer(fakeRequest('1.2.3.4', { authorization: 'bearer s3cret' })).status, 200);
  const wrong = bearer(fakeRequest('1.2.3.4', { authorization: 'Bearer s3cret2' }));
  assert.deepEqual(wrong, { status: 401, challenge: 'Bearer realm="metrics"' });
  assert.equal(bearer(fakeRequest('1.2.3.4', { authorization: 'Bearer S3CRET' })).status, 401);
  assert.equal(bearer(fakeRequest('1.2.3.4')).status, 401);

  const basic = createAccessPolicy({ allowedIps: ['1.2.3.4'], trustProxy: [], auth: { username: 'prom', password: 'pw' } });
  const credentials = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  assert.equal(basic(fakeRequest('1.2.3.4', { authorization: credentials('prom', 'pw') })).status, 200);
  assert.equal(basic(fakeRequest('1.2.3.4', { authorization: credentials('prom', 'nope') })).status, 401);
  // The allowlist is checked first: a denied peer with valid credentials still gets 403.
  assert.equal(basic(fakeRequest('5.6.7.8', { authorization: credentials('prom', 'pw') })).status, 403);
});

test("Beacon's endpoint over real sockets: IPv4-mapped peer allowed by an IPv4 rule, IPv6 peer denied with a bare 403", async (t) => {
  const metrics = await startMetricsModule(t, {
    collectors: ['runtime'],
    prometheus: { host: '::', port: 0, allowedIps: ['127.0.0.1/32'] },
  });
  const port = portOf(metrics.destination);
  // A dual-stack server reports IPv4 clients as ::ffff:127.0.0.1.
  const allowed = await call(`http://127.0.0.1:${port}/metrics`);
  assert.equal(allowed.status, 200);
  assert.match(String(allowed.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  assert.match(allowed.body, /^nodejs_heap_size_used_bytes \d+$/m);

  const denied = await call(`http://[::1]:${port}/metrics`);
  assert.equal(denied.status, 403);
  assert.equal(denied.body, '');
  assert.equal(denied.headers['www-authenticate'], undefined);
  // Denied means denied: the method is not even looked at.
  assert.equal((await call(`http://[::1]:${port}/metrics`, { method: 'POST' })).status, 403);
  assert.equal((await call(`http://[::1]:${port}/metrics.json`)).status, 403);
  assert.equal((await call(`http://[::1]:${port}/no-such-path`)).status, 403, 'not even which paths exist');
  assert.equal((await call(`http://127.0.0.1:${port}/no-such-path`)).status, 404);

  const forged = await call(`http://[::1]:${port}/metrics`, { headers: { 'X-Forwarded-For': '127.0.0.1' } });
  assert.equal(forged.status, 403, 'X-Forwarded-For is ignored without trustProxy');
});

test('IPv6 rules, trustProxy over real sockets, bearer auth, GET/HEAD only', async (t) => {
  const metrics = await startMetricsModule(t, {
    collectors: ['host'],
    prometheus: { host: '::', port: 0, allowedIps: ['::1/128', '10.0.0.0/8'], trustProxy: ['127.0.0.1'], auth: { bearerToken: 'tok' } },
  });
  const port = portOf(metrics.destination);
  const auth = { Authorization: 'Bearer tok' };
  assert.equal((await call(`http://[::1]:${port}/metrics`, { headers: auth })).status, 200);
  assert.equal((await call(`http://127.0.0.1:${port}/metrics`, { headers: auth })).status, 403);
  // 127.0.0.1 is a trusted proxy: the client it names is believed.
  assert.equal((await call(`http://127.0.0.1:${port}/metrics`, { headers: { ...auth, 'X-Forwarded-For': '10.2.3.4' } })).status, 200);
  assert.equal((await call(`http://127.0.0.1:${port}/metrics`, { headers: { ...auth, 'X-Forwarded-For': '10.2.3.4, 8.8.8.8' } })).status, 403);
  // ::1 is not a trusted proxy: its header is ignored, ::1 itself is allowed.
  assert.equal((await call(`http://[::1]:${port}/metrics`, { headers: { ...auth, 'X-Forwarded-For': '8.8.8.8' } })).status, 200);

  const wrongToken = await call(`http://[::1]:${port}/metrics`, { headers: { Authorization: 'Bearer nope' } });
  assert.equal(wrongToken.status, 401);
  assert.equal(wrongToken.headers['www-authenticate'], 'Bearer realm="metrics"');
  assert.equal(wrongToken.body, '');

  const post = await call(`http://[::1]:${port}/metrics`, { method: 'POST', headers: auth });
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
  const head = await call(`http://[::1]:${port}/metrics`, { method: 'HEAD', headers: auth });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal((await call(`http://[::1]:${port}/other`, { headers: auth })).status, 404);
  const json = await call(`http://[::1]:${port}/metrics.json`, { headers: auth });
  assert.equal(json.status, 200);
  assert.equal((JSON.parse(json.body) as { service: string }).service, 'metrics-test');
});
