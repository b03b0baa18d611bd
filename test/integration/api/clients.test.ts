// /api/v1/clients and /api/v1/subscriptions through the real platform: pages of clients, one client, the change of
// its contact details, its quotas, the changes of its subscription, and the RGPD export and erasure (end to end,
// with the worker: a real instance, its secrets, its welcome e-mail, then its deletion).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openForm } from '../../helpers/platform.ts';
import { type ApiTestPlatform, markReady, problemOf, startApiPlatform, trialBody } from './helpers.ts';

const CLIENT_FIELDS = ['createdAt', 'effectif', 'email', 'entreprise', 'id', 'nom', 'prenom', 'stacks', 'subscriptions', 'telephone'];
const SUBSCRIPTION_FIELDS = ['cgvAcceptedAt', 'clientId', 'convertedAt', 'endedAt', 'id', 'plan', 'priceCents', 'startedAt', 'status', 'trialEndsAt'];

type Created = { stack: { name: string; client: { id: number } }; deployment: { id: number } };

async function create(p: ApiTestPlatform, key: string, body = trialBody()): Promise<Created> {
  const response = await p.call(key, 'POST', '/api/v1/stacks', { body });
  assert.equal(response.statusCode, 202, response.body);
  return response.json();
}

async function subscriptionOf(p: ApiTestPlatform, clientId: number): Promise<number> {
  const { rows: [row] } = await p.sql.query('select id from subscriptions where client_id = $1 and ended_at is null', [clientId]);
  return row.id;
}

async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function deploymentState(p: ApiTestPlatform, id: number): Promise<string> {
  return (await p.sql.query('select state from deployments where id = $1', [id])).rows[0].state;
}

/** Every row of every table of the platform (and of its job queue), as text. */
async function dump(p: ApiTestPlatform): Promise<string> {
  const { rows: tables } = await p.sql.query(`select table_schema, table_name from information_schema.tables
    where table_schema in ('public', 'pgboss', 'drizzle') and table_type = 'BASE TABLE'`);
  const parts: string[] = [];
  for (const { table_schema: schema, table_name: table } of tables) {
    const { rows } = await p.sql.query(`select t::text as row from "${schema}"."${table}" t`);
    parts.push(...rows.map((r) => `${schema}.${table} ${r.row}`));
  }
  return parts.join('\n');
}

test('GET /clients: pages by cursor in a stable order, filtered and searched; GET /clients/{id}: the client, its subscriptions and instances', async (t) => {
  const p = await startApiPlatform(t);
  const admin = await p.key(['admin']);
  const reader = await p.key(['clients:read']);
  const first = await create(p, admin, trialBody({ nom: 'Lambert', prenom: 'Odile', entreprise: 'Toitures Lambert', email: 'odile@toitures-lambert.fr' }));
  const second = await create(p, admin, trialBody({ entreprise: 'Béton Services', plan: 'pro' }));
  const third = await create(p, admin, trialBody({ entreprise: 'Plâtrerie Morel', plan: 'essai' }));
  const ids = [first, second, third].map((c) => c.stack.client.id);

  const page1 = await p.call(reader, 'GET', '/api/v1/clients?limit=2');
  assert.equal(page1.statusCode, 200);
  const body1 = page1.json();
  assert.deepEqual(body1.items.map((c: { id: number }) => c.id), ids.slice(0, 2));
  assert.deepEqual(Object.keys(body1.items[0]).sort(), ['createdAt', 'effectif', 'email', 'entreprise', 'id', 'nom', 'prenom', 'subscription', 'telephone']);
  assert.deepEqual(Object.keys(body1.items[0].subscription).sort(), SUBSCRIPTION_FIELDS);
  const page2 = (await p.call(reader, 'GET', `/api/v1/clients?limit=2&cursor=${body1.nextCursor}`)).json();
  assert.deepEqual(page2.items.map((c: { id: number }) => c.id), ids.slice(2));
  assert.equal(page2.nextCursor, null);

  const ids$ = async (query: string) => (await p.call(reader, 'GET', `/api/v1/clients?${query}`)).json().items.map((c: { id: number }) => c.id);
  assert.deepEqual(await ids$('search=ODILE'), [ids[0]], 'first name, any case');
  assert.deepEqual(await ids$(`search=${encodeURIComponent('toitures-lambert.fr')}`), [ids[0]], 'e-mail');
  assert.deepEqual(await ids$(`search=${encodeURIComponent('béton')}`), [ids[1]], 'company');
  assert.deepEqual(await ids$('search=100%25'), [], 'LIKE’s characters are searched as themselves');
  assert.deepEqual(await ids$('plan=pro'), [ids[1]]);
  assert.deepEqual(await ids$('status=trialing&plan=essai'), [ids[2]]);
  assert.deepEqual(await ids$('status=active'), []);

  for (const cursor of ['bm9u', Buffer.from(JSON.stringify({ after: ids[0] })).toString('base64url')]) {
    const refused = await p.call(reader, 'GET', `/api/v1/clients?cursor=${cursor}`);
    assert.equal(refused.statusCode, 400);
    assert.equal(problemOf(refused).code, 'invalid-cursor', 'a cursor of the stacks’ list is not one of the clients’');
  }
  assert.equal(problemOf(await p.call(reader, 'GET', '/api/v1/clients?status=inconnu')).code, 'invalid-request');

  const one = await p.call(reader, 'GET', `/api/v1/clients/${ids[1]}`);
  assert.equal(one.statusCode, 200);
  const client = one.json();
  assert.deepEqual(Object.keys(client).sort(), CLIENT_FIELDS);
  assert.deepEqual([client.entreprise, client.telephone, client.effectif], ['Béton Services', '+33612345678', '1-5']);
  assert.deepEqual(client.subscriptions.map((s: { plan: string; status: string; endedAt: null }) => [s.plan, s.status, s.endedAt]), [['pro', 'trialing', null]]);
  assert.deepEqual(client.stacks.map((s: { name: string; observedState: string }) => [s.name, s.observedState]), [['beton-services', 'provisioning']]);
  assert.doesNotMatch(one.body, /token|hash|consent|ip"/i, 'no secret, no consent IP');

  const missing = await p.call(reader, 'GET', '/api/v1/clients/999999');
  assert.equal(missing.statusCode, 404);
  assert.equal(problemOf(missing).code, 'client-not-found');
  assert.equal((await p.call(reader, 'GET', '/api/v1/clients/0')).statusCode, 400);
  assert.equal((await p.call(reader, 'GET', '/api/v1/clients/abc')).statusCode, 400);
});

test('PATCH /clients/{id}: the form’s rules and normalisation, one client per e-mail, audited before and after', async (t) => {
  const p = await startApiPlatform(t);
  const admin = await p.key(['admin']);
  const writer = await p.key(['clients:write'], 'active', 'CRM');
  const { stack: { client: { id } } } = await create(p, admin, trialBody({ email: 'paul@garnier-btp.fr', telephone: '06 12 34 56 78' }));
  const other = trialBody();
  await create(p, admin, other);
  const patch = (body: unknown, target = id) => p.call(writer, 'PATCH', `/api/v1/clients/${target}`, { body });

  const changed = await patch({ email: ' Paul.Garnier@Garnier-BTP.FR ', telephone: '07.81.22.33.44', prenom: ' Julie ' });
  assert.equal(changed.statusCode, 200, changed.body);
  const client = changed.json();
  assert.deepEqual(Object.keys(client).sort(), CLIENT_FIELDS);
  assert.deepEqual([client.email, client.telephone, client.nom], ['Paul.Garnier@garnier-btp.fr', '+33781223344', 'Martin']);
  const { rows: audit } = await p.sql.query(`select actor_type, actor_label, target_type, target_id, client_id, details from audit_log where action = 'client.updated'`);
  assert.deepEqual(audit.map((a) => ({ ...a })), [{
    actor_type: 'api_key', actor_label: 'CRM', target_type: 'client', target_id: String(id), client_id: id,
    details: {
      fields: 'email,telephone', 'email.before': 'paul@garnier-btp.fr', 'email.after': 'Paul.Garnier@garnier-btp.fr',
      'telephone.before': '+33612345678', 'telephone.after': '+33781223344',
    },
  }], 'the first name sent unchanged is no change');

  assert.equal((await patch({ telephone: '+33 7 81 22 33 44' })).statusCode, 200);
  assert.equal((await p.sql.query(`select count(*)::int as n from audit_log where action = 'client.updated'`)).rows[0].n, 1, 'nothing changed, nothing audited');

  const taken = await patch({ email: String(other.email).toUpperCase().replace(/@.*/, (domain) => domain.toLowerCase()) });
  assert.equal(taken.statusCode, 409);
  assert.equal(problemOf(taken).code, 'email-already-registered');

  const refused = async (body: unknown, fields: string[]) => {
    const response = await patch(body);
    assert.equal(response.statusCode, 422, response.body);
    assert.deepEqual([...new Set(problemOf(response).errors?.map((e) => e.field))].sort(), fields);
    return problemOf(response);
  };
  const invalid = await refused({ telephone: '12', email: 'x@yopmail.com' }, ['email', 'telephone']);
  assert.match(invalid.errors!.find((e) => e.field === 'telephone')!.message, /numéro de téléphone français/);
  await refused({ nom: '  ' }, ['nom']);
  await refused({ effectif: '2000' }, ['effectif']);
  await refused({ inconnu: 'x' }, ['inconnu']);
  await refused({}, ['body']);
  assert.equal((await p.sql.query('select telephone from clients where id = $1', [id])).rows[0].telephone, '+33781223344', 'nothing written');

  const missing = await patch({ nom: 'Dupont' }, 999999);
  assert.equal(missing.statusCode, 404);
  assert.equal((await p.call(await p.key(['clients:read']), 'PATCH', `/api/v1/clients/${id}`, { body: { nom: 'Dupont' } })).statusCode, 403);
});

test('GET /clients/{id}/quotas and PATCH /subscriptions/{id}: plan change, trial extension, cancellation', async (t) => {
  const p = await startApiPlatform(t);
  const admin = await p.key(['admin']);
  const writer = await p.key(['clients:write', 'clients:read'], 'active', 'Facturation');
  const operator = await p.key(['clients:write', 'stacks:write']);
  const paying = await create(p, admin, trialBody({ plan: 'starter' }));
  const trial = await create(p, admin, trialBody({ plan: 'essai' }));
  for (const c of [paying, trial]) await markReady(p, c.stack.name);
  const clientId = paying.stack.client.id;
  const subscriptionId = await subscriptionOf(p, clientId);
  const quotas = async () => {
    const response = await p.call(writer, 'GET', `/api/v1/clients/${clientId}/quotas`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  };
  const change = (body: unknown, key = writer, id = subscriptionId) => p.call(key, 'PATCH', `/api/v1/subscriptions/${id}`, { body });

  assert.deepEqual(await quotas(), {
    plan: 'starter', reportedAt: null,
    users: { used: 0, limit: 5, percent: 0, state: 'ok' },
    projects: { used: 0, limit: 50, percent: 0, state: 'ok' },
    storage: { used: 0, limit: 10 * 1024 ** 3, percent: 0, state: 'ok' },
  });
  await p.sql.query(`insert into usage_samples (stack_id, users, projects, storage_bytes, reported_at)
    select id, 4, 50, 1073741824, '2026-03-02T10:00:00Z' from stacks where name = $1`, [paying.stack.name]);
  const used = await quotas();
  assert.equal(used.reportedAt, '2026-03-02T10:00:00.000Z');
  assert.deepEqual([used.users, used.projects, used.storage.state, used.storage.percent], [
    { used: 4, limit: 5, percent: 80, state: 'warning' }, { used: 50, limit: 50, percent: 100, state: 'exceeded' }, 'ok', 10,
  ]);

  // A paid plan converts the trial, and the instance is redeployed with its limits; the quotas follow at once.
  const converted = await change({ plan: 'pro' });
  assert.equal(converted.statusCode, 200, converted.body);
  const subscription = converted.json();
  assert.deepEqual(Object.keys(subscription).sort(), SUBSCRIPTION_FIELDS);
  assert.deepEqual([subscription.id, subscription.plan, subscription.status, subscription.priceCents], [subscriptionId, 'pro', 'active', 6900]);
  assert.ok(subscription.convertedAt);
  const { rows: redeploys } = await p.sql.query(`select d.kind, d.state from deployments d join stacks s on s.id = d.stack_id where s.name = $1 and d.kind <> 'create'`, [paying.stack.name]);
  assert.deepEqual(redeploys.map((d) => ({ ...d })), [{ kind: 'redeploy', state: 'queued' }]);
  const pro = await quotas();
  assert.deepEqual([pro.plan, pro.users.limit, pro.projects, pro.storage.limit], ['pro', 15, { used: 50, limit: null, percent: null, state: 'ok' }, 50 * 1024 ** 3]);
  const { rows: audit } = await p.sql.query(`select actor_label, action, target_id from audit_log where action like 'subscription.%' or action = 'stack.redeployRequested' order by id`);
  assert.deepEqual(audit.map((a) => [a.actor_label, a.action]), [['Facturation', 'subscription.planChanged'], ['Facturation', 'stack.redeployRequested']]);

  const same = await change({ plan: 'pro' });
  assert.equal(same.statusCode, 409);
  assert.equal(problemOf(same).code, 'same-plan');
  const scope = await change({ extendTrialDays: 10 });
  assert.equal(scope.statusCode, 403);
  assert.deepEqual([problemOf(scope).code, /stacks:write/.test(problemOf(scope).detail ?? '')], ['insufficient-scope', true]);
  assert.equal(problemOf(await change({ extendTrialDays: 10 }, operator)).code, 'not-trialing');

  const trialSubscription = await subscriptionOf(p, trial.stack.client.id);
  const { rows: [before] } = await p.sql.query('select trial_ends_at from subscriptions where id = $1', [trialSubscription]);
  const extended = await change({ extendTrialDays: 10 }, operator, trialSubscription);
  assert.equal(extended.statusCode, 200, extended.body);
  assert.equal(Date.parse(extended.json().trialEndsAt) - before.trial_ends_at.getTime(), 10 * 86_400_000);

  const cancelled = await change({ status: 'cancelled' }, writer, trialSubscription);
  assert.equal(cancelled.statusCode, 200);
  assert.equal(cancelled.json().status, 'cancelled');
  assert.equal(problemOf(await change({ status: 'cancelled' }, writer, trialSubscription)).code, 'already-cancelled');

  for (const body of [{}, { plan: 'pro', status: 'cancelled' }, { extendTrialDays: 91 }, { extendTrialDays: 0 }, { status: 'active' }, { plan: 'gratuit' }, { extendTrialDays: '5' }]) {
    const response = await change(body);
    assert.equal(response.statusCode, 422, JSON.stringify(body));
    assert.equal(problemOf(response).code, 'validation-failed');
  }

  // A past subscription of the client cannot change: only its current one.
  const { rows: [old] } = await p.sql.query(`insert into subscriptions (client_id, plan, status, started_at, ended_at, cgv_accepted_at, consent_ip)
    values ($1, 'essai', 'expired', now() - interval '1 year', now() - interval '11 months', now() - interval '1 year', '127.0.0.1') returning id`, [clientId]);
  const ended = await change({ status: 'cancelled' }, writer, old.id);
  assert.equal(ended.statusCode, 409);
  assert.equal(problemOf(ended).code, 'subscription-ended');
  assert.equal(problemOf(await change({ status: 'cancelled' }, writer, 999999)).code, 'subscription-not-found');
  assert.equal((await p.call(writer, 'GET', '/api/v1/clients/999999/quotas')).statusCode, 404);
});

test('an erasure waits for an operation under way on the instance; asked again, it answers the same deletion', async (t) => {
  const p = await startApiPlatform(t);
  const admin = await p.key(['admin']);
  const creating = await create(p, admin);
  const busy = await p.call(admin, 'DELETE', `/api/v1/clients/${creating.stack.client.id}`);
  assert.equal(busy.statusCode, 409);
  assert.equal(problemOf(busy).code, 'operation-in-progress');
  assert.equal((await p.call(admin, 'GET', `/api/v1/clients/${creating.stack.client.id}`)).statusCode, 200, 'nothing erased');

  await markReady(p, creating.stack.name);
  const erased = await p.call(admin, 'DELETE', `/api/v1/clients/${creating.stack.client.id}`);
  assert.equal(erased.statusCode, 202);
  const again = await p.call(admin, 'DELETE', `/api/v1/clients/${creating.stack.client.id}`);
  assert.equal(again.statusCode, 202, 'still being deleted');
  assert.equal(again.headers.location, erased.headers.location);
  assert.deepEqual(again.json(), erased.json());
  assert.equal((await p.sql.query(`select count(*)::int as n from deployments where kind = 'delete'`)).rows[0].n, 1);
  assert.equal((await p.sql.query(`select count(*)::int as n from audit_log where action = 'client.erased'`)).rows[0].n, 1);
  assert.equal((await p.call(admin, 'DELETE', '/api/v1/clients/999999')).statusCode, 404);
});

test('RGPD: the export holds all the client’s data and no secret; the erasure removes the person from every table and keeps an anonymous record', { timeout: 240_000 }, async (t) => {
  const p = await startApiPlatform(t, {}, true);
  const admin = await p.key(['admin'], 'active', 'Back-office');
  const person = { nom: 'Delacroix', prenom: 'Héloïse', entreprise: 'Charpentes du Vercors', email: 'heloise.delacroix@vercors-charpente.fr', telephone: '06 98 76 54 32' };
  const created = await create(p, admin, trialBody(person));
  const { id: clientId } = created.stack.client;
  const { id: deploymentId } = created.deployment;
  assert.equal(await waitFor('the creation', async () => ((s) => (['succeeded', 'failed'].includes(s) ? s : undefined))(await deploymentState(p, deploymentId))), 'succeeded');
  const { credentials } = (await p.call(admin, 'GET', `/api/v1/deployments/${deploymentId}`)).json();
  assert.match(credentials.password, /^\S{12,}$/);

  // A message through the site's contact form, with the same address.
  const form = await openForm(p.app, '/contact');
  const contact = await p.app.inject({
    method: 'POST', url: '/contact', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    payload: new URLSearchParams({ nom: 'Héloïse Delacroix', email: person.email, telephone: person.telephone, sujet: 'support', message: 'Une question sur nos chantiers.', _csrf: form.token }).toString(),
  });
  assert.equal(contact.statusCode, 200);
  // A new address and phone: the former ones are the client's data too.
  const patched = await p.call(admin, 'PATCH', `/api/v1/clients/${clientId}`, { body: { email: 'h.delacroix@vercors-charpente.fr', telephone: '07 55 44 33 22' } });
  assert.equal(patched.statusCode, 200);
  await p.sql.query(`insert into usage_samples (stack_id, users, projects, storage_bytes) select id, 2, 3, 4096 from stacks where name = $1`, [created.stack.name]);
  await waitFor('the e-mails', async () => {
    const { rows } = await p.sql.query(`select count(*)::int as n from email_outbox where status = 'sent'`);
    const { rows: sink } = await p.sql.query('select count(*)::int as n from mail_sink_messages');
    return rows[0].n >= 2 && sink[0].n >= 2 ? true : undefined;
  });

  const exported = await p.call(admin, 'GET', `/api/v1/clients/${clientId}/export`);
  assert.equal(exported.statusCode, 200, exported.body);
  assert.equal(exported.headers['content-disposition'], `attachment; filename="client-${clientId}.json"`);
  const document = exported.json();
  assert.deepEqual(Object.keys(document).sort(), ['audit', 'client', 'consents', 'contactMessages', 'deployments', 'emails', 'exportedAt', 'stacks', 'subscriptions', 'usage']);
  assert.deepEqual(document.client, {
    id: clientId, nom: 'Delacroix', prenom: 'Héloïse', entreprise: 'Charpentes du Vercors', email: 'h.delacroix@vercors-charpente.fr', telephone: '+33755443322',
    effectif: '1-5', createdAt: document.client.createdAt,
  });
  assert.deepEqual(document.consents.map((c: { ip: string }) => c.ip), ['127.0.0.1']);
  assert.deepEqual(document.subscriptions.map((s: { plan: string }) => s.plan), ['starter']);
  assert.deepEqual(document.stacks.map((s: { name: string; observedState: string }) => [s.name, s.observedState]), [['charpentes-du-vercors', 'running']]);
  assert.deepEqual(document.deployments.map((d: { kind: string; state: string }) => [d.kind, d.state]), [['create', 'succeeded']]);
  const welcome = document.emails.find((e: { kind: string }) => e.kind === 'welcome');
  assert.deepEqual([welcome.status, welcome.recipients], ['sent', [person.email]]);
  assert.match(welcome.subject, /Héloïse/);
  assert.ok(document.emails.some((e: { kind: string }) => e.kind === 'contact-forward'), 'the message forwarded on its behalf');
  assert.deepEqual(document.usage.map((u: { users: number; storageBytes: number }) => [u.users, u.storageBytes]), [[2, 4096]]);
  assert.deepEqual(document.contactMessages.map((m: { email: string; telephone: string; message: string }) => [m.email, m.telephone, m.message]), [[person.email, '+33698765432', 'Une question sur nos chantiers.']]);
  assert.deepEqual(document.audit.map((a: { action: string }) => a.action), ['stack.created', 'credentials.revealedApi', 'client.updated']);
  const secrets = [credentials.password, ...(await p.sql.query(`select ciphertext from credentials`)).rows.map((r) => r.ciphertext),
    ...(await p.sql.query(`select tenant_token_hash as h from stacks union all select tracking_token_hash from deployments union all select key_hash from api_keys`)).rows.map((r) => r.h).filter(Boolean)];
  assert.ok(secrets.length >= 5);
  for (const secret of secrets) assert.ok(!exported.body.includes(secret), 'no secret in the export');
  assert.doesNotMatch(exported.body, /token|ciphertext|hash|secret/i);
  assert.equal((await p.sql.query(`select count(*)::int as n from audit_log where action = 'client.exported' and client_id = $1`, [clientId])).rows[0].n, 1);

  const erasure = await p.call(admin, 'DELETE', `/api/v1/clients/${clientId}`);
  assert.equal(erasure.statusCode, 202, erasure.body);
  const erased = erasure.json();
  assert.deepEqual(Object.keys(erased).sort(), ['deployments', 'erasedAt', 'id']);
  assert.deepEqual(erased.deployments.map((d: { kind: string; stack: string }) => [d.kind, d.stack]), [['delete', 'charpentes-du-vercors']]);
  assert.equal(erasure.headers.location, `/api/v1/deployments/${erased.deployments[0].id}`);

  for (const [method, url, body] of [
    ['GET', `/api/v1/clients/${clientId}`], ['PATCH', `/api/v1/clients/${clientId}`, { nom: 'Retour' }], ['GET', `/api/v1/clients/${clientId}/export`],
    ['GET', `/api/v1/clients/${clientId}/quotas`], ['PATCH', `/api/v1/subscriptions/${await p.sql.query('select id from subscriptions where client_id = $1', [clientId]).then((r) => r.rows[0].id)}`, { plan: 'pro' }],
  ] as [string, string, unknown?][]) {
    const gone = await p.call(admin, method, url, { body });
    assert.equal(gone.statusCode, 410, `${method} ${url}`);
    assert.equal(problemOf(gone).code, 'client-erased');
  }
  assert.deepEqual((await p.call(admin, 'GET', '/api/v1/clients')).json().items, [], 'gone from the list');

  const deletion = erased.deployments[0].id as number;
  assert.equal(await waitFor('the deletion', async () => ((s) => (['succeeded', 'failed'].includes(s) ? s : undefined))(await deploymentState(p, deletion))), 'succeeded');
  const rows = await dump(p);
  for (const trace of [person.email, 'h.delacroix@vercors-charpente.fr', '+33698765432', '+33755443322', '06 98 76 54 32', 'Delacroix', 'Héloïse', 'Charpentes du Vercors', credentials.password]) {
    const found = rows.split('\n').filter((row) => row.toLowerCase().includes(trace.toLowerCase()));
    assert.deepEqual(found, [], `no trace of ${trace}`);
  }

  // The anonymous record: accounting keeps the plan, the price and the dates.
  const { rows: [client] } = await p.sql.query('select nom, prenom, entreprise, email, telephone, effectif, erased_at from clients where id = $1', [clientId]);
  assert.deepEqual({ ...client, erased_at: client.erased_at.toISOString() }, {
    nom: '', prenom: '', entreprise: `Client effacé n°\u00a0${clientId}`, email: `efface-${clientId}@efface.invalid`, telephone: '', effectif: '1-5', erased_at: erased.erasedAt,
  });
  const { rows: [subscription] } = await p.sql.query('select plan, price_cents, status, host(consent_ip) as ip, cgv_accepted_at, ended_at from subscriptions where client_id = $1', [clientId]);
  assert.deepEqual([subscription.plan, subscription.price_cents, subscription.status, subscription.ip], ['starter', 2900, 'cancelled', '0.0.0.0']);
  assert.ok(subscription.cgv_accepted_at && subscription.ended_at);
  const { rows: [stack] } = await p.sql.query('select observed_state, (select count(*)::int from credentials c where c.stack_id = s.id) as secrets from stacks s where client_id = $1', [clientId]);
  assert.deepEqual({ ...stack }, { observed_state: 'deleted', secrets: 0 });
  const { rows: [emails] } = await p.sql.query(`select count(*)::int as n, count(*) filter (where params = '{}'::jsonb)::int as emptied from email_outbox where client_id = $1`, [clientId]);
  assert.ok(emails.n >= 1 && emails.n === emails.emptied, 'the e-mails stay as records, without their contents');
  const { rows: audit } = await p.sql.query(`select actor_label, target_type, target_id, details from audit_log where action = 'client.erased'`);
  assert.deepEqual(audit.map((a) => ({ ...a })), [{ actor_label: 'Back-office', target_type: 'client', target_id: String(clientId), details: {} }]);

  // Erasing again: nothing more to do, the same answer, nothing new in the log.
  const again = await p.call(admin, 'DELETE', `/api/v1/clients/${clientId}`);
  assert.equal(again.statusCode, 200);
  assert.equal(again.json().erasedAt, erased.erasedAt);
  assert.deepEqual(again.json().deployments.map((d: { id: number; state: string }) => [d.id, d.state]), [[deletion, 'succeeded']]);
  assert.equal((await p.sql.query(`select count(*)::int as n from audit_log where action = 'client.erased'`)).rows[0].n, 1);
});

test('the new routes refuse a missing key, a key without their scope, and bodies that are not JSON or too large', async (t) => {
  const p = await startApiPlatform(t);
  const stacksOnly = await p.key(['stacks:read', 'stacks:write']);
  const admin = await p.key(['admin']);
  const routes: [string, string, string, unknown?][] = [
    ['GET', '/api/v1/clients', 'clients:read'], ['GET', '/api/v1/clients/1', 'clients:read'], ['PATCH', '/api/v1/clients/1', 'clients:write', { nom: 'Martin' }],
    ['GET', '/api/v1/clients/1/export', 'clients:read'], ['DELETE', '/api/v1/clients/1', 'clients:write'], ['GET', '/api/v1/clients/1/quotas', 'clients:read'],
    ['PATCH', '/api/v1/subscriptions/1', 'clients:write', { plan: 'pro' }],
  ];
  for (const [method, url, scope, body] of routes) {
    const none = await p.call(undefined, method, url, { body });
    assert.equal(none.statusCode, 401, `${method} ${url}`);
    const forbidden = await p.call(stacksOnly, method, url, { body });
    assert.equal(forbidden.statusCode, 403, `${method} ${url}`);
    assert.equal(forbidden.headers['www-authenticate'], `Bearer realm="api", error="insufficient_scope", scope="${scope}"`);
    if (method !== 'PATCH') continue;
    assert.equal((await p.call(admin, method, url, { body: 'nom=Martin', headers: { 'content-type': 'text/plain' } })).statusCode, 415);
    assert.equal((await p.call(admin, method, url, { body: { nom: 'x'.repeat(70_000) } })).statusCode, 413);
    assert.equal((await p.call(admin, method, url, { body: '{"nom":', headers: { 'content-type': 'application/json' } })).statusCode, 400);
  }
});
