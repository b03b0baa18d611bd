// API keys: « Clés d’API » in the dashboard (owners and admins), `erpbtp api-keys`, and how a key is checked:
// stored hashed, shown once, revoked at once, last use recorded at most once a minute, rate limited per key.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type AdminClient, signInAs } from '../../helpers/admin.ts';
import { type ApiTestPlatform, problemOf, startApiPlatform } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function postForm(p: ApiTestPlatform, staff: AdminClient, url: string, fields: [string, string][]) {
  const form = new URLSearchParams([['_csrf', staff.csrf], ...fields]);
  return p.app.inject({ method: 'POST', url, headers: { cookie: staff.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
}

test('an admin creates a key, sees it once, uses it; revoking it is audited and immediate', async (t) => {
  const p = await startApiPlatform(t);
  const admin = await signInAs(p.app, p.database.url, 'admin');
  const page = await admin.get('/admin/cles-api');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /href="\/admin\/cles-api" aria-current="page"/);
  assert.match(page.body, /Aucune clé d’API/);

  const created = await postForm(p, admin, '/admin/cles-api', [['name', ' Facturation  Sage '], ['scopes', 'stacks:read'], ['scopes', 'stacks:write'], ['expiresAt', '2099-12-31']]);
  assert.equal(created.statusCode, 201);
  const key = /<code class="mono break-all" id="nouvelle-cle">(ebk_[a-z0-9]{8}_[A-Za-z0-9_-]{43})<\/code>/.exec(created.body)?.[1];
  assert.ok(key, 'the key is shown');
  assert.match(created.body, /ne sera plus jamais affichée/);

  const { rows: [row] } = await p.sql.query('select id, name, prefix, key_hash, scopes, expires_at, created_by from api_keys');
  assert.equal(row.name, 'Facturation Sage');
  assert.equal(row.key_hash, createHash('sha256').update(key).digest('hex'));
  assert.equal(row.prefix, key.slice(0, 12));
  assert.deepEqual(row.scopes, ['stacks:read', 'stacks:write']);
  assert.equal(row.expires_at.toISOString(), '2099-12-31T23:00:00.000Z', 'until the end of that day in Paris');
  assert.equal(row.created_by, admin.account.id);
  const { rows: [dump] } = await p.sql.query(`select (select string_agg(t::text, '') from api_keys t) || (select string_agg(a::text, '') from audit_log a) as text`);
  assert.ok(!dump.text.includes(key.slice(13)), 'the key itself is stored nowhere');

  const again = await admin.get('/admin/cles-api');
  assert.ok(!again.body.includes(key), 'shown once');
  assert.match(again.body, new RegExp(`${row.prefix}…`));
  assert.match(again.body, /stacks:read, stacks:write/);
  assert.match(again.body, /Active/);

  assert.equal((await p.call(key, 'GET', '/api/v1/stacks')).statusCode, 200);
  const revoked = await postForm(p, admin, `/admin/cles-api/${row.id}/revoquer`, []);
  assert.equal(revoked.statusCode, 303);
  assert.equal(revoked.headers.location, '/admin/cles-api?fait=apiKeyRevoked');
  const refused = await p.call(key, 'GET', '/api/v1/stacks');
  assert.equal(refused.statusCode, 401);
  assert.equal(problemOf(refused).code, 'key-revoked');
  assert.match((await admin.get('/admin/cles-api?fait=apiKeyRevoked')).body, /Révoquée[\s\S]*|La clé a été révoquée/);
  assert.equal((await postForm(p, admin, `/admin/cles-api/${row.id}/revoquer`, [])).statusCode, 404, 'a revoked key stays revoked');

  const { rows: audit } = await p.sql.query(`select actor_type, actor_label, action, target_id, details from audit_log where action like 'apiKey.%' order by id`);
  assert.deepEqual(audit.map((a) => [a.actor_type, a.actor_label, a.action, a.target_id]), [
    ['staff', admin.account.email, 'apiKey.created', String(row.id)], ['staff', admin.account.email, 'apiKey.revoked', String(row.id)],
  ]);
  assert.equal(audit[0].details.scopes, 'stacks:read stacks:write');
});

test('a refused form says why; operators and viewers cannot manage keys', async (t) => {
  const p = await startApiPlatform(t);
  const owner = await signInAs(p.app, p.database.url, 'owner');
  const refused = await postForm(p, owner, '/admin/cles-api', [['name', ''], ['scopes', 'tout'], ['expiresAt', '2001-01-01']]);
  assert.equal(refused.statusCode, 422);
  for (const text of ['Donnez un nom', 'Cochez au moins une portée', 'Choisissez une date à venir']) assert.ok(refused.body.includes(text), text);
  assert.equal((await p.sql.query('select count(*)::int as n from api_keys')).rows[0].n, 0);

  for (const role of ['operator', 'viewer'] as const) {
    const staff = await signInAs(p.app, p.database.url, role);
    assert.equal((await staff.get('/admin/cles-api')).statusCode, 403, role);
    assert.equal((await postForm(p, staff, '/admin/cles-api', [['name', 'x'], ['scopes', 'admin']])).statusCode, 403, role);
    assert.doesNotMatch((await staff.get('/admin')).body, /href="\/admin\/cles-api"/, `${role}: no menu entry`);
  }
  assert.equal((await p.sql.query('select count(*)::int as n from api_keys')).rows[0].n, 0);
});

test('a key’s last use is recorded at most once a minute; the rate limit counts per key', async (t) => {
  const p = await startApiPlatform(t, { API_RATE_LIMIT: '3' });
  const key = await p.key(['stacks:read']);
  const other = await p.key(['stacks:read']);
  const lastUsed = async () => (await p.sql.query('select last_used_at from api_keys order by id limit 1')).rows[0].last_used_at as Date | null;

  assert.equal(await lastUsed(), null);
  assert.equal((await p.call(key, 'GET', '/api/v1/plans')).statusCode, 200);
  const first = await lastUsed();
  assert.ok(first);
  assert.equal((await p.call(key, 'GET', '/api/v1/plans')).statusCode, 200);
  assert.equal((await lastUsed())!.getTime(), first.getTime(), 'not written again within the minute');
  await p.sql.query(`update api_keys set last_used_at = now() - interval '2 minutes'`);
  const third = await p.call(key, 'GET', '/api/v1/plans');
  assert.equal(third.statusCode, 200);
  assert.equal(third.headers['x-ratelimit-remaining'], '0');
  assert.ok((await lastUsed())!.getTime() > Date.now() - 30_000, 'written again after a minute');

  const limited = await p.call(key, 'GET', '/api/v1/plans');
  assert.equal(limited.statusCode, 429);
  assert.equal(problemOf(limited).code, 'rate-limited');
  assert.match(problemOf(limited).detail!, /Limite de 3\u00a0requêtes par minute/);
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.equal((await p.call(other, 'GET', '/api/v1/plans')).statusCode, 200, 'another key has its own count');
});

test('erpbtp api-keys create, list and revoke', { timeout: 180_000 }, async (t) => {
  const p = await startApiPlatform(t);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'erpbtp-cli-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const run = (...args: string[]) => promisify(execFile)(process.execPath, ['bin/erpbtp.js', 'api-keys', ...args], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: p.database.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  }).then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

  const created = await run('create', '--name', 'Script de migration', '--scopes', 'stacks:read,secrets:read', '--expires', '2099-01-31');
  assert.equal(created.code, 0, created.stderr);
  const key = /(ebk_[a-z0-9]{8}_[A-Za-z0-9_-]{43})/.exec(created.stdout)?.[1];
  assert.ok(key, created.stdout);
  assert.equal((await p.call(key, 'GET', '/api/v1/stacks')).statusCode, 200);

  const listed = await run('list');
  assert.match(listed.stdout, /1\u00a0· Script de migration\u00a0· ebk_[a-z0-9]{8}\u00a0· stacks:read,secrets:read\u00a0· expiration\u00a0: 01\/02\/2099 00:00:00/);
  assert.ok(!listed.stdout.includes(key));

  assert.equal((await run('revoke', '1')).code, 0);
  assert.equal((await p.call(key, 'GET', '/api/v1/stacks')).statusCode, 401);
  assert.equal((await run('revoke', '1')).code, 1);
  assert.equal((await run('create', '--name', 'x', '--scopes', 'tout')).code, 1);
  assert.equal((await run('create', '--name', 'x')).code, 2);
  const { rows } = await p.sql.query(`select actor_type, actor_label, action from audit_log order by id`);
  assert.deepEqual(rows.map((r) => `${r.actor_type} ${r.actor_label} ${r.action}`), ['system ligne de commande apiKey.created', 'system ligne de commande apiKey.revoked']);
});
