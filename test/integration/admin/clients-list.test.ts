// « Clients »: the dashboard's list on the real platform, read as a `viewer`: search, filters, the four orders walked
// page by page with their cursors (forward and back), escaping of whatever clients typed, and bad addresses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ClientFilters, type ClientPageRequest, clientSorts, countClients, listClientPage } from '../../../src/backoffice/client-directory.repository.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { type AdminClient, signInAs } from '../../helpers/admin.ts';
import { openForm, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

const CLIENTS = 120;
const statuses = ['trialing', 'active', 'expired', 'cancelled', 'past_due', 'suspended'];
const plans = ['essai', 'starter', 'pro', 'enterprise'];
const states = ['running', 'stopped', 'failed', 'deleted', 'degraded', 'provisioning', 'down'];

/**
 * 120 clients in one statement, with ties everywhere an order could stumble: signup dates by threes (to the
 * microsecond), company names by threes (in different cases), trial ends by sixes. Client n gets status n % 6, plan
 * n % 4 and stack state n % 7; every tenth has an older deleted stack, which must not hide its live one.
 */
async function insertClients(sql: TestPlatform['sql']): Promise<void> {
  await sql.query(`
    with c as (
      insert into clients (entreprise, nom, prenom, email, telephone, effectif, created_at)
      select case when n % 2 = 0 then 'Société ' else 'SOCIÉTÉ ' end || lpad((n / 3)::text, 2, '0') || ' Bâtiment',
        'Nom' || n, 'Prénom' || n, 'contact' || n || '@entreprise-' || n || '.fr', '+3361234' || lpad(n::text, 4, '0'), '1-5',
        timestamptz '2026-01-01 10:00:00.123456+00' + (n / 3) * interval '1 hour 1 microsecond'
      from generate_series(1, ${CLIENTS}) n
      returning id, email, created_at
    ), numbered as (
      select id, created_at, substring(email from 'contact([0-9]+)@')::int as n from c
    ), subs as (
      insert into subscriptions (client_id, plan, status, trial_ends_at, started_at, cgv_accepted_at, consent_ip)
      select id, ($1::text[])[1 + n % 4], ($2::text[])[1 + n % 6], timestamptz '2026-02-01 00:00:00+00' + (n / 6) * interval '1 day',
        created_at, created_at, '127.0.0.1' from numbered
    ), old_stacks as (
      insert into stacks (client_id, name, orchestrator, desired_state, observed_state)
      select id, 'ancienne-' || n, 'local', 'deleted', 'deleted' from numbered where n % 10 = 0
    )
    insert into stacks (client_id, name, orchestrator, desired_state, observed_state)
    select id, 'instance-' || n || '-btp', 'local', 'running', ($3::text[])[1 + n % 7] from numbered`,
  [plans, statuses, states]);
}

const idsOf = (body: string) => [...body.matchAll(/<th scope="row"><a href="\/admin\/clients\/(\d+)">/g)].map((m) => Number(m[1]));
/** The page's « Suivant » or « Précédent » address, its attribute escaping undone (ghtml writes `=` as `&#61;`). */
const linkOf = (body: string, rel: 'next' | 'prev') => new RegExp(`href="([^"]+)" rel="${rel}"`).exec(body)?.[1]
  ?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replaceAll('&amp;', '&');

/** Follows « Suivant » from `url` to the end, then « Précédent » back to the start; returns both walks' pages. */
async function walk(viewer: AdminClient, url: string): Promise<{ forward: number[][]; backward: number[][] }> {
  const forward: number[][] = [];
  let body = '';
  for (let next: string | undefined = url; next; next = linkOf(body, 'next')) {
    const response = await viewer.get(next);
    assert.equal(response.statusCode, 200, next);
    body = response.body;
    forward.push(idsOf(body));
    assert.ok(forward.length <= 10, 'too many pages');
  }
  const backward: number[][] = [];
  for (let previous = linkOf(body, 'prev'); previous; previous = linkOf(body, 'prev')) {
    const response = await viewer.get(previous);
    assert.equal(response.statusCode, 200, previous);
    body = response.body;
    backward.unshift(idsOf(body));
    assert.ok(backward.length <= 10, 'too many pages');
  }
  return { forward, backward };
}

test('the dashboard lists clients: search, filters, keyset pages, escaping', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' });
  const { app, sql, database } = platform;
  const viewer = await signInAs(app, database.url, 'viewer');
  const expected = async (query: string, params: unknown[] = []) => (await sql.query<{ id: number }>(query, params)).rows.map((r) => Number(r.id));

  await t.test('anonymous visitors are sent to the sign-in page', async () => {
    const response = await app.inject({ method: 'GET', url: '/admin/clients?q=x' });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/admin/connexion?suite=${encodeURIComponent('/admin/clients?q=x')}`);
  });

  await t.test('with no client yet, the page says so in French', async () => {
    const response = await viewer.get('/admin/clients');
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /Aucun client pour le moment/);
    assert.deepEqual(idsOf(response.body), []);
  });

  await insertClients(sql);

  await t.test('the first page shows the 50 newest clients with their subscription and instance', async () => {
    const response = await viewer.get('/admin/clients');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.deepEqual(idsOf(response.body), await expected('select id from clients order by created_at desc, id desc limit 50'));
    assert.match(response.body, /120\sclients/);
    // Client 120: status 0 (trialing), plan 0 (Essai), state 1 (stopped), older deleted stack: the live one is shown.
    const { rows: [last] } = await sql.query(`select id from clients where email = 'contact120@entreprise-120.fr'`);
    const row = response.body.slice(response.body.indexOf(`/admin/clients/${last.id}"`)).split('</tr>')[0]!;
    for (const text of ['Société 40 Bâtiment', 'Prénom120 Nom120', 'contact120@entreprise-120.fr', 'Essai', 'Essai en cours', 'Arrêtée', 'instance-120-btp', '03/01/2026']) {
      assert.ok(row.includes(text), `${text} in ${row}`);
    }
    assert.ok(!row.includes('ancienne-120'));
    assert.match(response.body, /rel="next"/);
    assert.doesNotMatch(response.body, /rel="prev"/);
  });

  const orders = {
    recents: 'select id from clients order by created_at desc, id desc',
    anciens: 'select id from clients order by created_at, id',
    entreprise: 'select id from clients order by lower(entreprise), id',
    'fin-essai': `select c.id from clients c left join subscriptions s on s.client_id = c.id and s.ended_at is null
      order by (s.status = 'trialing' and s.trial_ends_at is not null) is not true, case when s.status = 'trialing' then s.trial_ends_at end, c.id`,
  };
  for (const [tri, order] of Object.entries(orders)) {
    await t.test(`« ${tri} »: 120 clients over 3 pages, each once, in order, the same pages walking back`, async () => {
      const { forward, backward } = await walk(viewer, tri === 'recents' ? '/admin/clients' : `/admin/clients?tri=${tri}`);
      assert.deepEqual(forward.map((page) => page.length), [50, 50, 20]);
      assert.deepEqual(forward.flat(), await expected(order));
      assert.deepEqual(backward, forward.slice(0, -1));
    });
  }

  await t.test('« Précédent » with fewer than a page before it shows the first page, full', async () => {
    const { rows: [tenth] } = await sql.query(`select id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as key
      from clients order by created_at desc, id desc offset 9 limit 1`);
    const cursor = Buffer.from(JSON.stringify(['newest', 0, tenth.key, Number(tenth.id)])).toString('base64url');
    const response = await viewer.get(`/admin/clients?avant=${cursor}`);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(idsOf(response.body), await expected('select id from clients order by created_at desc, id desc limit 50'));
    assert.doesNotMatch(response.body, /rel="prev"/);
  });

  await t.test('filters by plan, subscription status and instance state, alone and together', async () => {
    const cases: [string, string, unknown[]][] = [
      ['offre=pro', `select c.id from clients c join subscriptions s on s.client_id = c.id where s.plan = 'pro' order by c.created_at desc, c.id desc`, []],
      ['statut=past_due', `select c.id from clients c join subscriptions s on s.client_id = c.id where s.status = 'past_due' order by c.created_at desc, c.id desc`, []],
      ['instance=failed&tri=anciens', `select c.id from clients c join stacks k on k.client_id = c.id where k.observed_state = 'failed' order by c.created_at, c.id`, []],
      // The older deleted stacks do not make their clients « deleted ».
      ['instance=deleted', `select c.id from clients c where not exists (select 1 from stacks k where k.client_id = c.id and k.observed_state <> 'deleted') order by c.created_at desc, c.id desc`, []],
      ['offre=starter&statut=active&instance=running', `select c.id from clients c join subscriptions s on s.client_id = c.id join stacks k on k.client_id = c.id
        where s.plan = 'starter' and s.status = 'active' and k.observed_state = 'running' order by c.created_at desc, c.id desc`, []],
    ];
    for (const [query, order] of cases) {
      const response = await viewer.get(`/admin/clients?${query}`);
      assert.equal(response.statusCode, 200, query);
      const ids = await expected(order);
      assert.ok(ids.length > 0 && ids.length <= 50, `${query}: ${ids.length} clients`);
      assert.deepEqual(idsOf(response.body), ids, query);
      assert.match(response.body, new RegExp(`${ids.length}\\sclients?`), query);
    }
    const none = await viewer.get('/admin/clients?offre=enterprise&statut=trialing&instance=down');
    assert.equal(none.statusCode, 200);
    assert.match(none.body, /Aucun client avec ces filtres/);
  });

  await t.test('a page reads the same rows whether many or few clients match (the two ways the service reads)', async (t2) => {
    const database = openDatabase(platform.database.url, { max: 2 });
    t2.after(() => database.close());
    const filters: ClientFilters[] = [
      { plan: 'pro' }, { status: 'past_due' }, { state: 'failed' }, { state: 'deleted' }, { plan: 'starter', status: 'active', state: 'running' },
      { search: { text: 'instance-1', mode: 'substring' } }, { search: { text: 'so', mode: 'prefix' } },
      { search: { text: 'société 1', mode: 'substring' }, status: 'trialing', state: 'stopped' },
    ];
    const read = (request: Omit<ClientPageRequest, 'limit'>, limit = 500) => listClientPage(database.db, { ...request, limit });
    for (const sort of clientSorts) {
      for (const filter of filters) {
        const label = `${sort} ${JSON.stringify(filter)}`;
        const few = await read({ filters: filter, sort, matches: 'few' });
        const many = await read({ filters: filter, sort, matches: 'many' });
        assert.ok(few.length > 0, label);
        assert.deepEqual(many.map((r) => r.id), few.map((r) => r.id), label);
        assert.equal(await countClients(database.db, filter, 1001), few.length, label);
        const middle = few[Math.floor(few.length / 2)]!.position;
        for (const direction of ['forward', 'backward'] as const) {
          const from = { position: middle, direction };
          const [a, b] = [await read({ filters: filter, sort, from, matches: 'few' }, 3), await read({ filters: filter, sort, from, matches: 'many' }, 3)];
          assert.deepEqual(b.map((r) => r.id), a.map((r) => r.id), `${label} ${direction}`);
        }
      }
    }
  });

  await t.test('a client who signed up through the site is found by company, e-mail and stack name', async () => {
    const form = await openForm(app, '/essai');
    const signup = await app.inject({
      method: 'POST', url: '/essai', headers: { cookie: form.cookie },
      payload: { nom: 'Lefèvre', prenom: 'Agnès', email: 'agnes@charpentes-du-morvan.fr', entreprise: 'Charpentes du Morvan', telephone: '06 11 22 33 44', effectif: '11-50', plan: 'pro', cgv: 'on', _csrf: form.token },
    });
    assert.equal(signup.statusCode, 303);
    const { rows: [client] } = await sql.query(`select c.id, k.name from clients c join stacks k on k.client_id = c.id where c.email = 'agnes@charpentes-du-morvan.fr'`);
    for (const q of ['charpentes du morv', 'AGNES@CHARPENTES', 'Lefèvre', client.name, 'du-morvan', 'ch']) {
      const response = await viewer.get(`/admin/clients?q=${encodeURIComponent(q)}`);
      assert.equal(response.statusCode, 200, q);
      assert.deepEqual(idsOf(response.body), [client.id], q);
    }
    const byEmail = await viewer.get(`/admin/clients?q=${encodeURIComponent('contact7@')}`);
    assert.deepEqual(idsOf(byEmail.body), await expected(`select id from clients where email = 'contact7@entreprise-7.fr'`));
    const byStack = await viewer.get('/admin/clients?q=instance-10-b&statut=past_due');
    assert.deepEqual(idsOf(byStack.body), await expected(`select client_id as id from stacks where name = 'instance-10-btp'`));
    // `%` and `_` are searched for as themselves, not as wildcards.
    for (const q of ['%', 'contact_1', '100%']) assert.match((await viewer.get(`/admin/clients?q=${encodeURIComponent(q)}`)).body, /Aucun résultat pour/, q);
  });

  await t.test('whatever a client typed is shown as text, never as markup', async () => {
    const evil = '<script>alert(1)</script><b>x</b>';
    const { rows: [client] } = await sql.query(`insert into clients (entreprise, nom, prenom, email, telephone, effectif, created_at)
      values ($1, $1, $1, $1, $1, $1, now() + interval '1 day') returning id`, [evil]);
    await sql.query(`insert into subscriptions (client_id, plan, status, trial_ends_at, cgv_accepted_at, consent_ip) values ($1, $2, 'trialing', now() + interval '9 days', now(), '127.0.0.1')`, [client.id, evil]);
    await sql.query(`insert into stacks (client_id, name, orchestrator, desired_state, observed_state) values ($1, $2, 'local', 'running', 'running')`, [client.id, evil]);
    for (const url of ['/admin/clients', `/admin/clients?q=${encodeURIComponent(evil)}`, `/admin/clients?q=${encodeURIComponent('<script>')}&statut=trialing`]) {
      const response = await viewer.get(url);
      assert.equal(response.statusCode, 200, url);
      assert.ok(!response.body.includes('<script>'), url);
      assert.ok(!response.body.includes('<b>x</b>'), url);
      assert.match(response.body, /&#60;script&#62;alert\(1\)&#60;\/script&#62;&#60;b&#62;x&#60;\/b&#62;/, url);
    }
    assert.match((await viewer.get('/admin/clients')).body, /reste 9 jours/);
  });

  await t.test('a bad cursor or filter value answers a French 400 page, never a 500', async () => {
    const first = await viewer.get('/admin/clients');
    const next = linkOf(first.body, 'next')!;
    const cursor = new URL(next, 'http://x').searchParams.get('apres')!;
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const bad = [
      'apres=nimportequoi', 'avant=%25%00', `apres=${forged(['newest', 0, '2026-02-30T10:00:00.000000', 5])}`,
      `apres=${forged(['newest', 0, "'; drop table clients; --", 5])}`, `apres=${forged(['company', 0, 'a\u0000b', 5])}&tri=entreprise`,
      `apres=${forged(['newest', 3, null, 5])}`, `apres=${forged(['newest', 0, '2026-01-01T10:00:00.000000', -1])}`,
      `apres=${cursor}&tri=entreprise`, `apres=${cursor}&avant=${cursor}`, `apres=${'A'.repeat(5000)}`,
      'statut=gratuit', 'offre=platinum', 'instance=on', 'tri=prix', `q=${'x'.repeat(101)}`, 'statut=active&statut=expired',
    ];
    for (const query of bad) {
      const response = await viewer.get(`/admin/clients?${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.match(response.body, /Recherche invalide/, query);
      assert.doesNotMatch(response.body, /<table/, query);
    }
    const kept = await viewer.get('/admin/clients?statut=gratuit&offre=pro&q=Soci%C3%A9t%C3%A9');
    assert.match(kept.body, /Ce statut d’abonnement n’existe pas/);
    assert.match(kept.body, /<option value="pro" selected>/);
    assert.match(kept.body, /value="Société"/);
    // Control characters in a search are spaces; unknown parameters are ignored.
    assert.equal((await viewer.get('/admin/clients?q=Soci%00%C3%A9t%C3%A9&page=3')).statusCode, 200);
    assert.equal((await viewer.get(next)).statusCode, 200);
  });
});
