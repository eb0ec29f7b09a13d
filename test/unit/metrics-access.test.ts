// Who may read the metrics: IP allowlists (IPv4, IPv6, IPv4-mapped), X-Forwarded-For only
// from trusted proxies, bearer and basic auth; denied peers get a bare 403.
import assert from 'node:assert/strict';
import { type IncomingMessage, request } from 'node:http';
import { test } from 'node:test';
import { BeaconConfigError, ErrorCodes } from '../../src/errors.js';
import { createAccessPolicy, openEndpointWarning } from '../../src/metrics/prometheus/access.js';
import { ipMatcher, parseCidr } from '../../src/http/cidr.js';
import { metricsHandler } from '../../src/metrics/prometheus/app-handler.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { call } from '../helpers/http.js';
import { startMetricsModule } from '../helpers/metrics-endpoint.js';
import { freePort } from '../helpers/net.js';

const fakeRequest = (remoteAddress: string, headers: Record<string, string> = {}) =>
  ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

test('CIDR matching: IPv4, IPv6, IPv4-mapped peers against IPv4 rules, garbage never matches', () => {
  const match = ipMatcher(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32', '::ffff:172.16.0.0/108'], 'allowedIps');
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
  assert.equal(ipMatcher(['::1'], 'allowedIps')('::1'), true);
  assert.equal(ipMatcher(['::1'], 'allowedIps')('127.0.0.1'), false);
});

test('allowlist forms: canonical rules accepted, ambiguous ones refused with what to write instead', () => {
  const accepted: [string, object][] = [
    ['10.0.0.0/8', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['192.168.1.7', { address: '192.168.1.7', prefix: 32, family: 'ipv4' }],
    ['0.0.0.0/0', { address: '0.0.0.0', prefix: 0, family: 'ipv4' }],
    ['::1', { address: '::1', prefix: 128, family: 'ipv6' }],
    ['fd00::/8', { address: 'fd00::', prefix: 8, family: 'ipv6' }],
    ['2001:DB8::/32', { address: '2001:DB8::', prefix: 32, family: 'ipv6' }],
    ['::/0', { address: '::', prefix: 0, family: 'ipv6' }],
    ['::ffff:10.0.0.0/104', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['::ffff:10.1.2.3', { address: '10.1.2.3', prefix: 32, family: 'ipv4' }],
  ];
  for (const [text, rule] of accepted) assert.deepEqual(parseCidr(text), rule, text);
  const refused: [string, RegExp][] = [
    ['127.0.0.5/24', /^no host bits set after the prefix: write '127\.0\.0\.0\/24' for the network or '127\.0\.0\.5' for the one address$/],
    ['10.0.0.1/31', /write '10\.0\.0\.0\/31'/],
    ['fe80::1/64', /write 'fe80::\/64' for the network or 'fe80::1'/],
    ['2001:db8:0:0:1::/64', /write '2001:db8::\/64'/],
    ['::ffff:10.0.0.1/104', /write '::ffff:10\.0\.0\.0\/104'/],
    ['10.0.0.0/08', /plain decimal: write '10\.0\.0\.0\/8'/],
    ['10.0.0.0/+8', /plain decimal$/],
    ['10.0.0.0/', /plain decimal$/],
    ['010.0.0.1', /without leading zeros/],
    ['10.00.0.1/16', /without leading zeros/],
    ['fe80::1%eth0', /^no zone id: write 'fe80::1'$/],
    ['fe80::%eth0/64', /^no zone id: write 'fe80::\/64'$/],
    ['10.0.0.0/33', /prefix length 0\.\.32$/],
    ['fe80::/129', /prefix length 0\.\.128$/],
    ['::ffff:10.0.0.0/8', /96\.\.128 on an IPv4-mapped address/],
    ['10.0.0.0/8/8', /one "\/" at most/],
    ['nope', /an IPv4 or IPv6 address/],
    ['[::1]', /an IPv4 or IPv6 address/],
    [' 10.0.0.1', /an IPv4 or IPv6 address/],
    ['', /an IPv4 or IPv6 address/],
  ];
  for (const [text, problem] of refused) {
    const result = parseCidr(text);
    assert.ok('problem' in result, `${JSON.stringify(text)} should be refused`);
    assert.match(result.problem, problem, text);
  }
});

test('the config refuses a bad rule naming the field; metricsHandler({ access }) throws the same coded error', () => {
  assert.throws(
    () => resolveConfig({ metrics: { prometheus: { trustProxy: ['10.0.0.0/8', '127.0.0.5/24'] } } }),
    (error: unknown) =>
      error instanceof BeaconConfigError &&
      error.code === ErrorCodes.INVALID_VALUE &&
      error.field === 'metrics.prometheus.trustProxy[1]' &&
      /write '127\.0\.0\.0\/24'/.test(error.message),
  );
  const { INVALID_VALUE, UNKNOWN_KEY } = ErrorCodes;
  const handlerErrors: [unknown, string, string, RegExp][] = [
    [{ allowedIps: ['10.0.0.0/99'] }, INVALID_VALUE, 'metricsHandler.access.allowedIps[0]', /prefix length 0\.\.32\), got "10\.0\.0\.0\/99"$/],
    [{ allowedIps: ['nope'] }, INVALID_VALUE, 'metricsHandler.access.allowedIps[0]', /got "nope"$/],
    [{ trustProxy: [42] }, INVALID_VALUE, 'metricsHandler.access.trustProxy[0]', /got 42$/],
    [{ allowedIps: '10.0.0.0/8' }, INVALID_VALUE, 'metricsHandler.access.allowedIps', /expected an array/],
    [{ auth: { token: 'x' } }, UNKNOWN_KEY, 'metricsHandler.access.auth.token', /unknown key 'token'/],
    [{ alowedIps: [] }, UNKNOWN_KEY, 'metricsHandler.access.alowedIps', /Did you mean 'allowedIps'\?/],
  ];
  for (const [access, code, field, message] of handlerErrors) {
    assert.throws(
      () => metricsHandler({ access } as Parameters<typeof metricsHandler>[0]),
      (error: unknown) => error instanceof BeaconConfigError && error.code === code && error.field === field && message.test(error.message),
      JSON.stringify(access),
    );
  }
});

test('the open-endpoint warning: a non-loopback bind with neither allowlist nor auth, and only then', () => {
  const { prometheus } = resolveConfig({}, {}).config.metrics;
  assert.equal(prometheus.host, '0.0.0.0', 'all interfaces stay the default');
  const url = 'http://0.0.0.0:9464/metrics';
  const warning = openEndpointWarning('0.0.0.0', url, prometheus);
  assert.equal(
    warning,
    "metrics endpoint http://0.0.0.0:9464/metrics is open to every host that can reach this one (no allowedIps, no auth); restrict it with metrics.prometheus.allowedIps (e.g. ['10.0.0.0/8']), metrics.prometheus.auth, or metrics.prometheus.host: '127.0.0.1'",
  );
  assert.notEqual(openEndpointWarning('::', url, prometheus), null);
  assert.notEqual(openEndpointWarning('10.1.2.3', url, prometheus), null);
  for (const loopback of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(openEndpointWarning(loopback, url, prometheus), null, loopback);
  assert.equal(openEndpointWarning('0.0.0.0', url, { ...prometheus, allowedIps: ['10.0.0.0/8'] }), null);
  assert.equal(openEndpointWarning('::', url, { ...prometheus, auth: { bearerToken: 't' } }), null);
  assert.notEqual(openEndpointWarning('0.0.0.0', url, { ...prometheus, trustProxy: ['10.0.0.0/8'] }), null, 'trustProxy restricts nothing');
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
  const port = await freePort();
  await startMetricsModule(t, {
    collectors: ['runtime'],
    prometheus: { host: '::', port, allowedIps: ['127.0.0.1/32'] },
  });
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
  const port = await freePort();
  await startMetricsModule(t, {
    collectors: ['host'],
    prometheus: { host: '::', port, allowedIps: ['::1/128', '10.0.0.0/8'], trustProxy: ['127.0.0.1'], auth: { bearerToken: 'tok' } },
  });
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

/** GET with the path sent as written (a URL string would have the client resolve `/./` and drop `#…`). */
function getRaw(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('paths match exactly: query ignored; trailing slash, case, percent-encoding and dot segments are other paths', async (t) => {
  const port = await freePort();
  await startMetricsModule(t, { collectors: ['runtime'], prometheus: { host: '127.0.0.1', port, allowedIps: ['127.0.0.1'] } });
  for (const path of ['/metrics', '/metrics?name[]=up&x=%2F', '/metrics#frag']) {
    const reply = await getRaw(port, path);
    assert.equal(reply.status, 200, path);
    assert.match(reply.body, /^nodejs_heap_size_used_bytes \d+$/m, path);
  }
  assert.equal((await getRaw(port, '/metrics.json?pretty')).status, 200);
  for (const path of ['/metrics/', '/Metrics', '/METRICS', '/%6Detrics', '/metrics%2F', '//metrics', '/metrics.json/', '/metrics;x', '/./metrics', '/x/../metrics']) {
    assert.equal((await getRaw(port, path)).status, 404, path);
  }
});
