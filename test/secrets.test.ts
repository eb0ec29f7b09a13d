import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REDACTED, defaultSecrets, secretMatcher } from '../src/secrets.js';
import { repoRoot } from './helpers/app.js';

test('secret field names are recognised in any case and with any separator', () => {
  const secret = ['password', 'Password', 'PASSWORD', 'db_password', 'dbPassword', 'private_key', 'privateKey', 'X-Api-Key', 'api_key',
    'access_token', 'refreshToken', 'client_secret', 'authorization', 'Proxy-Authorization', 'cookie', 'Set-Cookie', 'auth', 'jwt',
    'X-Amz-Signature', 'X-Amz-Credential', 'session_id', 'passphrase'];
  const plain = ['user', 'email', 'max_tokens', 'prompt_tokens', 'tokenType', 'author', 'keyboard', 'code', 'status', 'path', 'monkey', 'key'];
  for (const name of secret) assert.equal(defaultSecrets.isSecretField(name), true, name);
  for (const name of plain) assert.equal(defaultSecrets.isSecretField(name), false, name);
});

test('short query-parameter names carry secrets in URLs but not in log fields', () => {
  for (const name of ['key', 'code', 'sig', 'session', 'token', 'Password', 'api_key', 'JWT']) assert.equal(defaultSecrets.isSecretParam(name), true, name);
  for (const name of ['page', 'q', 'sort', 'id']) assert.equal(defaultSecrets.isSecretParam(name), false, name);
});

test('extra keys extend the list for fields and parameters', () => {
  const secrets = secretMatcher(['SSN', 'card-number']);
  assert.equal(secrets.isSecretField('customer_ssn'), true);
  assert.equal(secrets.isSecretField('cardNumber'), true);
  assert.equal(secrets.isSecretParam('card_number'), true);
  assert.equal(defaultSecrets.isSecretField('cardNumber'), false);
});

test('config fields hold secrets under headers and auth and where their name is one; the list of secret names is none', () => {
  const secrets = secretMatcher(['tenant']);
  const secret = ['tracing.headers.x-scope', 'logging.otlp.headers.Authorization', 'metrics.prometheus.auth', 'metrics.prometheus.auth.username',
    'service.attributes.db_password', 'service.attributes.tenant_id'];
  const plain = ['privacy.secretKeys', 'tracing.headers', 'tracing.endpoint', 'service.name', 'metrics.prometheus.allowedIps', 'service.attributes.author'];
  for (const path of secret) assert.equal(secrets.isSecretConfigPath(path), true, path);
  for (const path of plain) assert.equal(secrets.isSecretConfigPath(path), false, path);
  assert.equal(defaultSecrets.isSecretConfigPath('service.attributes.tenant_id'), false, 'privacy.secretKeys extends it');
});

test('URLs lose their userinfo and the values of secret query parameters, nothing else', () => {
  const { redactUrl } = defaultSecrets;
  assert.equal(redactUrl('https://user:pa55@db.example:5432/orders?page=2&token=abc&Password=x#frag'),
    `https://${REDACTED}@db.example:5432/orders?page=2&token=${REDACTED}&Password=${REDACTED}#frag`);
  assert.equal(redactUrl('/callback?code=oauth-code&state=s1&next=%2Fhome'), `/callback?code=${REDACTED}&state=${REDACTED}&next=%2Fhome`);
  assert.equal(redactUrl('/search?q=shoes&api%5Fkey=k1'), `/search?q=shoes&api%5Fkey=${REDACTED}`);
  assert.equal(redactUrl('/plain/path'), '/plain/path');
  assert.equal(redactUrl('/empty?token='), '/empty?token=');
});

test('free text loses URL credentials and name=value secrets', () => {
  const { redactText } = defaultSecrets;
  assert.equal(redactText('connect to postgres://app:hunter2@10.0.0.5/db failed'), `connect to postgres://${REDACTED}@10.0.0.5/db failed`);
  assert.equal(redactText('GET http://api.local/v1?access_token=abc123 returned 401'), `GET http://api.local/v1?access_token=${REDACTED} returned 401`);
  assert.equal(redactText('login failed: password=hunter2 user=bob'), `login failed: password=${REDACTED} user=bob`);
  assert.equal(redactText('(password=hunter2) [token: abc]'), `(password=${REDACTED}) [token: ${REDACTED}]`);
  assert.equal(redactText('{"db_password": "hunter2", "user": "bob"}'), `{"db_password": "${REDACTED}", "user": "bob"}`);
  assert.equal(redactText('Authorization: Bearer abc.def'), `Authorization: Bearer ${REDACTED}`);
  assert.equal(redactText('nothing secret at http://collector:4318/v1/traces'), 'nothing secret at http://collector:4318/v1/traces');
});

test('query strings lose secret values with or without their question mark, names in any case', () => {
  const { redactQuery } = defaultSecrets;
  assert.equal(redactQuery('page=2&ToKeN=t&Api_Key=k&KEY=x&q=shoes'), `page=2&ToKeN=${REDACTED}&Api_Key=${REDACTED}&KEY=${REDACTED}&q=shoes`);
  assert.equal(redactQuery('?Access_Token=a&lang=en'), `?Access_Token=${REDACTED}&lang=en`);
  assert.equal(redactQuery('lang=en'), 'lang=en');
  assert.equal(secretMatcher(['ssn']).redactQuery('customer_ssn=123&id=7'), `customer_ssn=${REDACTED}&id=7`);
});

test('free text is scanned in linear time: long runs of name, URL-scheme or query characters', () => {
  // Unanchored, each pattern rescanned a run of name characters from each of its positions:
  // 16 KiB of letters took ~0.5 s, 1 MiB would take half an hour. Linear, 1 MiB takes ~20 ms.
  // A regex cannot be interrupted in-process, so a child runs it under a 20 s kill.
  const code = `
    const { defaultSecrets } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'src', 'secrets.js')).href)});
    const run = 1024 * 1024;
    for (const text of ['a'.repeat(run), 'a.'.repeat(run / 2), 'http://h/?' + 'a'.repeat(run), 'x ' + 'a'.repeat(run) + ' password=hunter2']) {
      const redacted = defaultSecrets.redactText(text);
      if (redacted.includes('hunter2') || redacted.length < run) process.exit(2);
    }`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], { timeout: 20_000, encoding: 'utf8' });
  assert.equal(child.signal, null, 'redacting 1 MiB did not finish within 20 s');
  assert.equal(child.status, 0, child.stderr);
});
