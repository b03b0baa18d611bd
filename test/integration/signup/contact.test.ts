import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openForm, startTestPlatform } from '../../helpers/platform.ts';

test('the contact form stores the message and confirms it', async (t) => {
  const { app, sql } = await startTestPlatform(t);
  const c = await openForm(app, '/contact?sujet=enterprise');
  assert.match(c.body, /value="enterprise"[^>]*selected/);
  const payload = new URLSearchParams({
    nom: 'Jean Martin', email: 'jean@martin-btp.fr', entreprise: 'Martin BTP', telephone: '01 23 45 67 89',
    sujet: 'enterprise', message: 'Bonjour,\nnous sommes 80 salariés.', _csrf: c.token,
  }).toString();
  const response = await app.inject({ method: 'POST', url: '/contact', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie }, payload });
  assert.equal(response.statusCode, 200);
  const { rows } = await sql.query('select nom, email, telephone, sujet, message, host(ip) as ip from contact_messages');
  assert.deepEqual(rows, [{ nom: 'Jean Martin', email: 'jean@martin-btp.fr', telephone: '+33123456789', sujet: 'enterprise', message: 'Bonjour,\nnous sommes 80 salariés.', ip: '127.0.0.1' }]);

  const invalid = await app.inject({
    method: 'POST', url: '/contact', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie },
    payload: new URLSearchParams({ nom: 'Jean', email: 'faux', sujet: 'autre', message: '', _csrf: c.token }).toString(),
  });
  assert.equal(invalid.statusCode, 422);
  assert.match(invalid.body, /value="faux"/);
  assert.equal((await sql.query('select count(*)::int as n from contact_messages')).rows[0].n, 1);
});

test('health and readiness', async (t) => {
  const { app } = await startTestPlatform(t);
  assert.equal((await app.inject('/healthz')).statusCode, 200);
  const ready = await app.inject('/readyz');
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { status: 'ready', checks: { database: true, migrations: true, queue: true } });
});
