import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openForm, startTestPlatform } from '../../helpers/platform.ts';

const person = {
  nom: 'Dupont', prenom: 'Élise', email: 'elise@batiments-dupont.fr', entreprise: 'Bâtiments Dupont & Fils',
  telephone: '06 12 34 56 78', effectif: '6-10', plan: 'starter', cgv: 'on',
};

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

test('trial signup over HTTP', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' });
  const { app, sql } = platform;
  const post = async (fields: Record<string, string>, csrf?: { token: string; cookie: string }) => {
    const c = csrf ?? (await openForm(app, '/essai'));
    return app.inject({
      method: 'POST', url: '/essai', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie },
      payload: form({ ...fields, _csrf: c.token }),
    });
  };
  const count = async (table: string) => (await sql.query(`select count(*)::int as n from ${table}`)).rows[0].n as number;

  await t.test('writes client, subscription, stack, deployment, event and job in one go, then redirects to tracking', async () => {
    const before = Date.now();
    const response = await post(person);
    assert.equal(response.statusCode, 303);
    const location = response.headers.location as string;
    assert.match(location, /^\/deploiement\/[A-Za-z0-9_-]{43}$/);

    const { rows: [row] } = await sql.query(`
      select c.email, c.telephone, c.entreprise, s.plan, s.status, s.trial_ends_at, host(s.consent_ip) as ip, s.cgv_accepted_at,
             k.name, k.desired_state, k.observed_state, d.state, d.kind, d.id as deployment_id
      from clients c join subscriptions s on s.client_id = c.id join stacks k on k.client_id = c.id join deployments d on d.stack_id = k.id`);
    assert.equal(row.email, 'elise@batiments-dupont.fr');
    assert.equal(row.telephone, '+33612345678');
    assert.equal(row.plan, 'starter');
    assert.equal(row.status, 'trialing');
    const trialDays = (row.trial_ends_at.getTime() - before) / 86_400_000;
    assert.ok(trialDays > 29.99 && trialDays < 30.01, `trial of ${trialDays} days`);
    assert.ok(row.cgv_accepted_at.getTime() >= before - 1000);
    assert.equal(row.ip, '127.0.0.1');
    assert.equal(row.name, 'batiments-dupont-et-fils');
    assert.deepEqual([row.desired_state, row.observed_state, row.state, row.kind], ['running', 'provisioning', 'queued', 'create']);

    const events = await sql.query('select code from deployment_events where deployment_id = $1', [row.deployment_id]);
    assert.deepEqual(events.rows.map((e) => e.code), ['deployment.event.queued']);
    const jobs = await sql.query(`select data from pgboss.job where name = 'provisioning.run'`);
    assert.deepEqual(jobs.rows.map((j) => j.data), [{ deploymentId: row.deployment_id }]);

    const page = await app.inject({ method: 'GET', url: location });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Bâtiments Dupont &#38; Fils/);
    assert.match(page.body, /En file d’attente/);
    assert.equal(page.headers['cache-control'], 'no-store');
  });

  await t.test('a second request with the same e-mail, in another case, creates nothing', async () => {
    const response = await post({ ...person, email: 'ELISE@Batiments-Dupont.fr', entreprise: 'Autre' });
    assert.equal(response.statusCode, 409);
    assert.match(response.body, /affichés à la fin de votre inscription/);
    assert.equal(await count('clients'), 1);
    assert.equal(await count('stacks'), 1);
  });

  await t.test('the same company gets a suffixed stack name', async () => {
    const response = await post({ ...person, email: 'paul@batiments-dupont.fr' });
    assert.equal(response.statusCode, 303);
    const { rows } = await sql.query('select name from stacks order by id');
    assert.deepEqual(rows.map((r) => r.name), ['batiments-dupont-et-fils', 'batiments-dupont-et-fils-2']);
  });

  await t.test('invalid input comes back with French messages and everything typed', async () => {
    const clientsBefore = await count('clients');
    const response = await post({ ...person, email: 'pas-un-email', telephone: '123', cgv: '' });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /Saisissez une adresse e-mail valide/);
    assert.match(response.body, /numéro de téléphone français valide/);
    assert.match(response.body, /conditions générales de vente/);
    assert.match(response.body, /value="Dupont"/);
    assert.match(response.body, /value="pas-un-email"/);
    assert.equal(await count('clients'), clientsBefore);
  });

  await t.test('a post without a valid CSRF token is not processed but keeps the values', async () => {
    const clientsBefore = await count('clients');
    const response = await post({ ...person, email: 'csrf@example.fr' }, { token: 'forged', cookie: '' });
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /valider à nouveau/);
    assert.match(response.body, /value="csrf@example.fr"/);
    assert.equal(await count('clients'), clientsBefore);
  });

  await t.test('a filled honeypot creates nothing', async () => {
    const clientsBefore = await count('clients');
    const response = await post({ ...person, email: 'bot@example.fr', site_web: 'http://spam' });
    assert.equal(response.statusCode, 400);
    assert.equal(await count('clients'), clientsBefore);
  });

  await t.test('oversized and malformed bodies get a 4xx French page, never a 500', async () => {
    const c = await openForm(app, '/essai');
    const big = await app.inject({
      method: 'POST', url: '/essai', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie },
      payload: form({ ...person, nom: 'x'.repeat(100_000), _csrf: c.token }),
    });
    assert.equal(big.statusCode, 413);
    assert.match(big.body, /Demande trop volumineuse/);
    const json = await app.inject({ method: 'POST', url: '/essai', headers: { 'content-type': 'application/json', cookie: c.cookie }, payload: '{"nom":' });
    assert.equal(json.statusCode, 400);
    assert.match(json.body, /lang="fr"/);
    const xml = await app.inject({ method: 'POST', url: '/essai', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    assert.equal(xml.statusCode, 415);
  });

  await t.test('old links keep working', async () => {
    const demo = await app.inject({ method: 'GET', url: '/demo?plan=pro' });
    assert.equal(demo.statusCode, 301);
    assert.equal(demo.headers.location, '/essai?plan=pro');
    const congrats = await app.inject({ method: 'GET', url: '/felicitations?password=secret' });
    assert.equal(congrats.statusCode, 301);
    assert.equal(congrats.headers.location, '/');
    const enterprise = await app.inject({ method: 'GET', url: '/essai?plan=enterprise' });
    assert.equal(enterprise.statusCode, 303);
    assert.equal(enterprise.headers.location, '/contact?sujet=enterprise');
    const preselected = await app.inject({ method: 'GET', url: '/essai?plan=pro' });
    assert.match(preselected.body, /value="pro"[^>]*checked|checked[^>]*value="pro"|value="pro"[^>]*selected/);
  });

  await t.test('an unknown tracking token gives a French 404 page', async () => {
    for (const url of ['/deploiement/abc', `/deploiement/${'A'.repeat(43)}`, '/nimporte-quoi']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.match(response.body, /Page introuvable/);
    }
  });
});

test('signup rate limit per IP answers a French 429 page', async (t) => {
  const { app, sql } = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '2' });
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c = await openForm(app, '/essai');
    const response = await app.inject({
      method: 'POST', url: '/essai', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie },
      payload: form({ ...person, email: `p${i}@example.fr`, _csrf: c.token }),
    });
    statuses.push(response.statusCode);
    if (i === 2) {
      assert.match(response.body, /Trop de demandes/);
      assert.equal(response.headers['retry-after'], '3600');
    }
  }
  assert.deepEqual(statuses, [303, 303, 429]);
  assert.equal((await sql.query('select count(*)::int as n from clients')).rows[0].n, 2);
});

test('concurrent signups: one client per e-mail, none lost', async (t) => {
  const { url, sql, app } = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' });
  const c = await openForm(app, '/essai');
  const submit = (email: string, entreprise: string) => fetch(`${url}/essai`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookie },
    body: form({ ...person, email, entreprise, _csrf: c.token }),
  }).then(async (r) => { await r.arrayBuffer(); return r.status; });

  const same = await Promise.all(Array.from({ length: 50 }, () => submit('meme@example.fr', 'Même Entreprise')));
  assert.equal(same.filter((s) => s === 303).length, 1);
  assert.equal(same.filter((s) => s === 409).length, 49);

  const distinct = await Promise.all(Array.from({ length: 200 }, (_, i) => submit(`client${i}@example.fr`, 'Maçonnerie Martin')));
  assert.deepEqual([...new Set(distinct)], [303]);
  const { rows: [n] } = await sql.query(`select
      (select count(*)::int from clients) as clients, (select count(*)::int from stacks) as stacks,
      (select count(distinct name)::int from stacks) as names, (select count(*)::int from pgboss.job where name = 'provisioning.run') as jobs`);
  assert.deepEqual(n, { clients: 201, stacks: 201, names: 201, jobs: 201 });
});
