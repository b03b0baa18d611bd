// Deployments through the real platform (web + worker, local orchestrator): an instance created by the API is
// followed live to the end, its events read as JSON or as a stream, and its first login handed over once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openForm } from '../../helpers/platform.ts';
import { type ApiTestPlatform, startApiPlatform, trialBody } from './helpers.ts';

async function waitForState(p: ApiTestPlatform, id: number, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows: [d] } = await p.sql.query('select state, error from deployments where id = $1', [id]);
    if (['succeeded', 'failed'].includes(d.state)) return d.state;
    if (Date.now() > deadline) throw new Error(`deployment still ${d.state}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Reads a Server-Sent Events stream until `event: end` (or the deadline). */
async function readStream(response: Response, timeoutMs = 90_000): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!/event: end\n/.test(text) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

test('an API-created instance: followed live to the end, its first login handed over once to a key that may read secrets', { timeout: 240_000 }, async (t) => {
  const p = await startApiPlatform(t, {}, true);
  const writer = await p.key(['stacks:read', 'stacks:write'], 'active', 'CRM');
  const secrets = await p.key(['stacks:read', 'secrets:read'], 'active', 'Coffre');
  const created = await p.call(writer, 'POST', '/api/v1/stacks', { body: trialBody({ prenom: 'Jean Paul', entreprise: 'Menuiserie Robin' }) });
  assert.equal(created.statusCode, 202);
  const id = created.json().deployment.id as number;

  const stream = await fetch(`${p.url}/api/v1/deployments/${id}/events`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${writer}` } });
  assert.equal(stream.status, 200);
  assert.equal(stream.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const text = await readStream(stream);
  assert.match(text, /^id: \d+\nevent: progress\ndata: \{"id":\d+,"step":null,"code":"deployment\.event\.queued","message":"Demande enregistrée/m);
  assert.match(text, /event: end\ndata: \{"state":"succeeded"\}/);
  const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'in order');
  assert.equal(await waitForState(p, id), 'succeeded');

  // Resumed after its last event: nothing more than the end.
  const resumed = await fetch(`${p.url}/api/v1/deployments/${id}/events`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${writer}`, 'last-event-id': String(ids.at(-1)) } });
  assert.doesNotMatch(await readStream(resumed), /event: progress/);
  const json = await p.call(writer, 'GET', `/api/v1/deployments/${id}/events?after=${ids.at(-2)}`);
  assert.deepEqual(json.json().events.map((e: { id: number }) => e.id), [ids.at(-1)]);
  assert.equal(json.json().state, 'succeeded');

  const withoutScope = (await p.call(writer, 'GET', `/api/v1/deployments/${id}`)).json();
  assert.equal(withoutScope.state, 'succeeded');
  assert.ok(withoutScope.steps.every((s: { status: string }) => s.status === 'succeeded'));
  assert.equal(withoutScope.credentials, undefined, 'no secrets:read, no credentials');

  const first = await p.call(secrets, 'GET', `/api/v1/deployments/${id}`);
  assert.equal(first.headers['cache-control'], 'no-store');
  const { credentials } = first.json();
  assert.equal(credentials.username, 'jean-paul');
  assert.match(credentials.password, /^\S{12,}$/);
  assert.match(credentials.url, /^http:\/\/localhost:\d+$/);
  assert.equal((await p.call(secrets, 'GET', `/api/v1/deployments/${id}`)).json().credentials, undefined, 'once');
  const { rows: audit } = await p.sql.query(`select actor_label, action, target_id from audit_log where action = 'credentials.revealedApi'`);
  assert.deepEqual(audit.map((a) => ({ ...a })), [{ actor_label: 'Coffre', action: 'credentials.revealedApi', target_id: 'menuiserie-robin' }]);
  assert.doesNotMatch(p.logs.text(), new RegExp(credentials.password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'never logged');

  const status = (await p.call(writer, 'GET', '/api/v1/stacks/menuiserie-robin/status')).json();
  assert.deepEqual([status.observedState, status.currentDeployment], ['running', null]);
  // The local driver may still call a just-started process « starting » for a moment.
  assert.ok(['running', 'starting'].includes(status.instance.state), status.instance.state);
  assert.ok(status.instance.containers.length > 0);

  // A prospect's own signup: the login is for their tracking page, not for the API.
  const form = await openForm(p.app, '/essai');
  const signup = await p.app.inject({
    method: 'POST', url: '/essai', headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...(trialBody({ plan: 'essai', cgv: 'on' }) as Record<string, string>), _csrf: form.token }).toString(),
  });
  assert.equal(signup.statusCode, 303);
  const { rows: [site] } = await p.sql.query('select max(id)::int as id from deployments');
  assert.equal(await waitForState(p, site.id), 'succeeded');
  assert.equal((await p.call(secrets, 'GET', `/api/v1/deployments/${site.id}`)).json().credentials, undefined);
  const { rows: [shown] } = await p.sql.query('select credentials_shown_at from deployments where id = $1', [site.id]);
  assert.equal(shown.credentials_shown_at, null, 'still to be shown on the tracking page');
});
