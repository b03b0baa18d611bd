// An erased client (RGPD) in the dashboard, on the real platform: the erasure service is called as
// DELETE /api/v1/clients/{id} calls it, then the list (hidden by default, « Effacé » badge, « Effacés » filter, found by
// its number), the client page (banner, accounting record, where the deletion of its instance stands, no personal data,
// no action), and every action forged as a POST: refused, with the reason, and nothing changed in the database.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SYSTEM_ACTOR } from '../../../src/audit/actor.ts';
import { type ClientFilters, clientSorts, countClients, listClientPage } from '../../../src/backoffice/client-directory.repository.ts';
import { createClientErasure } from '../../../src/clients/client-erasure.service.ts';
import { erasedEmail } from '../../../src/clients/client-erasure.repository.ts';
import { isErasedAddress } from '../../../src/clients/erased-client.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { type AdminClient, signInAs, STAFF_PASSWORD } from '../../helpers/admin.ts';
import { openForm, startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

const erased = {
  nom: 'Delacroix', prenom: 'Héloïse', email: 'heloise@charpentes-vercors.fr', entreprise: 'Charpentes du Vercors',
  telephone: '06 98 76 54 32', effectif: '6-10', plan: 'starter', cgv: 'on',
};
const kept = { ...erased, nom: 'Garnier', prenom: 'Paul', email: 'paul@garnier-btp.fr', entreprise: 'Garnier BTP', telephone: '07 81 22 33 44', plan: 'essai' };

async function signup(platform: TestPlatform, person: Record<string, string>): Promise<number> {
  const form = await openForm(platform.app, '/essai');
  const response = await platform.app.inject({ method: 'POST', url: '/essai', headers: { cookie: form.cookie }, payload: { ...person, _csrf: form.token } });
  assert.equal(response.statusCode, 303, /class="error-summary"[\s\S]{0,1500}/.exec(response.body)?.[0]);
  const { rows: [client] } = await platform.sql.query('select id from clients where email = $1', [person.email]);
  return Number(client.id);
}

/** The creation done, as the worker would do it (this platform runs the web role only). */
async function markReady(platform: TestPlatform, clientId: number): Promise<void> {
  await platform.sql.query(`update stacks set observed_state = 'running', url = 'http://localhost:1' where client_id = $1`, [clientId]);
  await platform.sql.query(`update deployments set state = 'succeeded', finished_at = now() where stack_id in (select id from stacks where client_id = $1)`, [clientId]);
}

/** Every row an action could change, as text: equal before and after a refused action means nothing changed. */
async function snapshot(platform: TestPlatform): Promise<string> {
  const tables = ['clients', 'subscriptions', 'stacks', 'deployments', 'deployment_steps', 'email_outbox', 'audit_log', 'credentials'];
  const parts: string[] = [];
  for (const table of tables) {
    const { rows } = await platform.sql.query(`select t::text as row from ${table} t order by 1`);
    parts.push(...rows.map((r) => `${table} ${r.row}`));
  }
  const { rows: jobs } = await platform.sql.query(`select count(*)::int as n from pgboss.job`);
  parts.push(`jobs ${jobs[0].n}`);
  return parts.join('\n');
}

const idsOf = (body: string) => [...body.matchAll(/<th scope="row"><a href="\/admin\/clients\/(\d+)">/g)].map((m) => Number(m[1]));
const rowOf = (body: string, id: number) => new RegExp(`<tr[^>]*>\\s*<th scope="row"><a href="/admin/clients/${id}">[\\s\\S]*?</tr>`).exec(body)?.[0] ?? '';

test('an erased client in the dashboard: listed apart, a read-only record, every action refused', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' });
  const { app, sql, database } = platform;
  const db = openDatabase(database.url, { max: 2 });
  platform.onTeardown(() => db.close());

  const erasedId = await signup(platform, erased);
  const keptId = await signup(platform, kept);
  for (const id of [erasedId, keptId]) await markReady(platform, id);
  const { rows: [stack] } = await sql.query('select id, name from stacks where client_id = $1', [erasedId]);
  const { rows: [creation] } = await sql.query(`select id from deployments where stack_id = $1 and kind = 'create'`, [stack.id]);
  // An e-mail to the client, sent, and a message it sent through the contact form (forwarded, replying to its address).
  await sql.query(`insert into email_outbox (template, recipients, params, dedupe_key, message_id, client_id, status, sent_at)
    values ('welcome', $1, '{"prenom": "Héloïse"}', 'welcome:test', '<welcome-test@erp-btp.fr>', $2, 'sent', now())`, [[erased.email], erasedId]);
  const contact = await openForm(app, '/contact');
  const sent = await app.inject({
    method: 'POST', url: '/contact', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: contact.cookie },
    payload: new URLSearchParams({ nom: 'Héloïse Delacroix', email: erased.email, telephone: erased.telephone, sujet: 'support', message: 'Une question sur nos chantiers.', _csrf: contact.token }).toString(),
  });
  assert.equal(sent.statusCode, 200);

  // The erasure, as DELETE /api/v1/clients/{id} asks it (no worker here: the instance's deletion stays queued).
  const erasure = createClientErasure({ db: db.db, pool: db.pool, queue: { send: async () => null } });
  const result = await erasure.erase(SYSTEM_ACTOR, erasedId);
  assert.equal(result.deployments.length, 1);
  const deletion = result.deployments[0]!.summary.id;
  assert.equal(result.inProgress, deletion);
  const { rows: [anonymised] } = await sql.query('select entreprise, email from clients where id = $1', [erasedId]);
  assert.deepEqual({ ...anonymised }, { entreprise: `Client effacé n°\u00a0${erasedId}`, email: `efface-${erasedId}@efface.invalid` });
  assert.ok(isErasedAddress(erasedEmail(erasedId)) && !isErasedAddress(erased.email), 'the guard knows the erasure’s placeholder');

  const viewer = await signInAs(app, database.url, 'viewer');
  const owner = await signInAs(app, database.url, 'owner');
  const page = `/admin/clients/${erasedId}`;

  await t.test('the list hides erased clients by default; « Effacés » shows them alone, with their badge', async () => {
    const list = await viewer.get('/admin/clients');
    assert.equal(list.statusCode, 200);
    assert.deepEqual(idsOf(list.body), [keptId]);
    assert.match(list.body, /<p class="client-list__total">1 client<\/p>/);
    assert.match(list.body, /<select class="select" id="field-rgpd" name="rgpd"[^>]*><option value="">Sans les effacés<\/option><option value="effaces">Effacés<\/option><option value="tous">Avec les effacés<\/option><\/select>/);

    const only = await viewer.get('/admin/clients?rgpd=effaces');
    assert.equal(only.statusCode, 200);
    assert.deepEqual(idsOf(only.body), [erasedId]);
    const row = rowOf(only.body, erasedId);
    assert.match(row, new RegExp(`Client effacé n°\u00a0${erasedId}</a> <span class="badge">Effacé</span>`));
    assert.match(row, /Données effacées le \d{2}\/\d{2}\/\d{4}/);
    assert.doesNotMatch(row, /efface\.invalid/, 'no placeholder address shown');
    assert.match(only.body, /<option value="effaces" selected>Effacés<\/option>/);

    const all = await viewer.get('/admin/clients?rgpd=tous&tri=anciens');
    assert.deepEqual(idsOf(all.body), [erasedId, keptId], 'the list’s order is kept');
    assert.match(rowOf(all.body, erasedId), /badge">Effacé</);
    assert.doesNotMatch(rowOf(all.body, keptId), /Effacé/);

    // Found by its number (« 42 », « n° 42 ») once erased clients are shown; not in the default view.
    assert.deepEqual(idsOf((await viewer.get(`/admin/clients?rgpd=effaces&q=${erasedId}`)).body), [erasedId]);
    assert.deepEqual(idsOf((await viewer.get(`/admin/clients?rgpd=tous&q=${encodeURIComponent(`n° ${erasedId}`)}`)).body), [erasedId]);
    assert.deepEqual(idsOf((await viewer.get(`/admin/clients?q=${keptId}`)).body), [keptId]);
    assert.deepEqual(idsOf((await viewer.get(`/admin/clients?q=${erasedId}`)).body), []);
    // Filters on the subscription or the instance keep erased clients out unless asked for.
    assert.deepEqual(idsOf((await viewer.get('/admin/clients?instance=running&rgpd=effaces')).body), [erasedId]);
    assert.deepEqual(idsOf((await viewer.get('/admin/clients?instance=running')).body), [keptId]);
    assert.deepEqual(idsOf((await viewer.get('/admin/clients?statut=trialing')).body), [keptId]);

    const invalid = await viewer.get('/admin/clients?rgpd=nimporte');
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.body, /Ce choix pour les clients effacés n’existe pas\./);
    assert.match(invalid.body, /href="#field-rgpd"/);
  });

  await t.test('every order and way of reading a page agrees on who is shown', async () => {
    const expected = { hidden: [keptId], only: [erasedId], include: [erasedId, keptId] };
    for (const [mode, filters] of [['hidden', {}], ['only', { erased: 'only' }], ['include', { erased: 'include' }]] as [keyof typeof expected, ClientFilters][]) {
      for (const sort of clientSorts) {
        for (const matches of ['few', 'many'] as const) {
          for (const search of [undefined, { text: 'client', mode: 'substring' as const }, { text: String(erasedId), mode: 'prefix' as const }]) {
            const request = { filters: { ...filters, ...(search ? { search } : {}) }, sort, limit: 10, matches };
            const ids = (await listClientPage(db.db, request)).map((r) => r.id).sort((a, b) => a - b);
            // Both searches match the erased client alone: its company, its number.
            const want = search ? expected[mode].filter((id) => id === erasedId) : expected[mode];
            assert.deepEqual(ids, want, `${mode} ${sort} ${matches} ${search?.text ?? ''}`);
          }
        }
      }
      assert.equal(await countClients(db.db, filters, 1000), expected[mode].length, mode);
    }
  });

  await t.test('the client page: a banner about the erasure, the accounting record, the deletion under way; nothing personal, no action', async () => {
    const response = await owner.get(page);
    assert.equal(response.statusCode, 200);
    const body = response.body;
    assert.match(body, new RegExp(`<h1>Client effacé n°\u00a0${erasedId}</h1>`));
    assert.match(body, /<span class="badge">Effacé<\/span>/);
    assert.match(body, /Données personnelles effacées \(RGPD\)/);
    assert.match(body, /ont été effacées le \d{1,2} \S+ \d{4} à \d{2}:\d{2}, à sa demande \(droit à l’effacement, RGPD\)\u00a0:/);
    assert.match(body, /Reste un dossier comptable anonymisé\u00a0: les offres, prix et dates de ses abonnements/);
    assert.match(body, /Plus aucune action n’est possible sur ce compte/);
    // Where the deletion of the instance stands, and the page follows it.
    assert.match(body, new RegExp(`<dt class="mono">${stack.name}</dt><dd data-deletion="queued">Suppression en cours`));
    assert.match(body, new RegExp(`href="/admin/deploiements/${deletion}">Déploiement n°\u00a0${deletion}</a>`));
    assert.match(body, new RegExp(`data-active-deployment="${deletion}"`));
    // The anonymised accounting record: plan, price, dates; the subscription ended by the erasure.
    assert.match(body, /Dossier comptable anonymisé/);
    assert.match(body, /<td>Starter<\/td><td class="nowrap">29\s€ par mois<\/td><td><span class="badge">Résilié<\/span><\/td>/);
    assert.match(body, /<dt>Effectif<\/dt><dd>6-10<\/dd>/);

    for (const trace of [erased.nom, erased.prenom, erased.email, erased.entreprise, '+33698765432', 'Consentement', 'CGV acceptées', 'mailto:', 'tel:', '127.0.0.1']) {
      assert.ok(!body.includes(trace), `no ${trace}`);
    }
    for (const action of ['/essai"', '/offre"', '/resilier"', '/instance/suspendre', '/instance/reprendre', '/instance/redeployer', '/instance/supprimer', '/identifiants', '/renvoyer', `/deploiements/${creation.id}/relancer`]) {
      assert.ok(!body.includes(action), `no form posting to ${action}`);
    }
    assert.ok(!body.includes('name="password"'), 'no credential reveal');
    assert.ok(body.includes('<td>adresse effacée (RGPD)</td>') && !body.includes('efface.invalid'), 'its e-mails stay listed, without their address');
  });

  await t.test('forged POSTs on the client page are refused with the reason, and change nothing', async () => {
    const before = await snapshot(platform);
    const forms: [string, Record<string, string>][] = [
      ['essai', { jours: '7' }], ['offre', { offre: 'pro' }], ['resilier', {}], ['instance/suspendre', {}], ['instance/reprendre', {}],
      ['instance/redeployer', {}], ['instance/supprimer', { confirmation: stack.name }], ['identifiants', { password: STAFF_PASSWORD }],
    ];
    for (const [path, form] of forms) {
      const response = await owner.post(`${page}/${path}`, form);
      assert.equal(response.statusCode, 409, `${path}: ${response.body.slice(0, 300)}`);
      assert.match(response.body, new RegExp(`Les données personnelles du client n°\u00a0${erasedId} ont été effacées le \\d{1,2} \\S+ \\d{4}, à sa demande \\(RGPD\\)\u00a0: plus aucune action n’est possible sur son compte\\.`), path);
      assert.match(response.body, /role="alert"/, path);
    }
    assert.equal(await snapshot(platform), before, 'nothing changed, nothing queued, nothing audited');
  });

  await t.test('resending its e-mails, or one sent on its behalf, is refused and sends nothing', async () => {
    const { rows: emails } = await sql.query(`select id, template, client_id from email_outbox where client_id = $1 or reply_to = $2 order by id`, [erasedId, erasedEmail(erasedId)]);
    assert.ok(['contact-forward', 'welcome'].every((template) => emails.some((e) => e.template === template)), JSON.stringify(emails));
    const before = await snapshot(platform);
    for (const email of emails) {
      for (const form of [{}, { retour: page }] as Record<string, string>[]) {
        const response = await owner.post(`/admin/emails/${email.id}/renvoyer`, form);
        assert.equal(response.statusCode, 409, `${email.template}: ${response.body.slice(0, 300)}`);
        assert.match(response.body, email.client_id ? /ont été effacées le .*plus aucune action n’est possible sur son compte/ : /concernait un client dont les données personnelles ont été effacées \(RGPD\)\u00a0: il ne peut plus être renvoyé/);
      }
    }
    assert.equal(await snapshot(platform), before);
  });

  await t.test('retrying a deployment of an erased client: only a deletion, which finishes the erasure', async () => {
    await sql.query(`update deployments set state = 'failed', error = 'panne' where id = $1`, [creation.id]);
    const before = await snapshot(platform);
    for (const form of [{}, { retour: 'liste' }] as Record<string, string>[]) {
      const refused = await owner.post(`/admin/deploiements/${creation.id}/relancer`, form);
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /plus aucune action n’est possible sur son compte/);
    }
    assert.equal(await snapshot(platform), before);

    // The deletion failed: the banner says so, and its retry is the one action left.
    await sql.query(`update deployments set state = 'failed', error = 'Portainer injoignable', finished_at = now() where id = $1`, [deletion]);
    const failed = (await owner.get(page)).body;
    assert.match(failed, /class="alert alert--warning"/);
    assert.match(failed, new RegExp(`<dd data-deletion="failed">La suppression a échoué\u00a0: relancez son déploiement, ou redemandez l’effacement par l’API \\(DELETE /api/v1/clients/${erasedId}\\)\\.`));
    assert.ok(failed.includes(`/deploiements/${deletion}/relancer`), 'the failed deletion can be retried');
    assert.ok(!failed.includes(`/deploiements/${creation.id}/relancer`));
    const retried = await owner.post(`/admin/deploiements/${deletion}/relancer`);
    assert.equal(retried.statusCode, 303);
    assert.equal((await sql.query('select state from deployments where id = $1', [deletion])).rows[0].state, 'queued');

    // Done, as the worker would finish it: the banner says when.
    await sql.query(`update deployments set state = 'succeeded', error = null, finished_at = now() where id = $1`, [deletion]);
    await sql.query(`update stacks set observed_state = 'deleted', desired_state = 'deleted' where id = $1`, [stack.id]);
    const done = (await viewer.get(page)).body;
    assert.match(done, /class="alert alert--info"/);
    assert.match(done, new RegExp(`<dd data-deletion="succeeded">Supprimée le \\d{2}/\\d{2}/\\d{4}`));
    assert.ok(!done.includes('data-active-deployment'));
  });

  await t.test('the other client is untouched and can still be acted on', async () => {
    const other = await owner.get(`/admin/clients/${keptId}`);
    assert.equal(other.statusCode, 200);
    assert.ok(other.body.includes(kept.email) && !other.body.includes('Données personnelles effacées'));
    const extended = await owner.post(`/admin/clients/${keptId}/essai`, { jours: '7' });
    assert.equal(extended.statusCode, 303);
  });
});

/** The same requests a viewer may not make are refused by role first (403), erased or not. */
test('an erased client’s actions still need their role', async (t) => {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0' });
  const id = await signup(platform, erased);
  await markReady(platform, id);
  const db = openDatabase(platform.database.url, { max: 2 });
  platform.onTeardown(() => db.close());
  await createClientErasure({ db: db.db, pool: db.pool, queue: { send: async () => null } }).erase(SYSTEM_ACTOR, id);
  const viewer: AdminClient = await signInAs(platform.app, platform.database.url, 'viewer');
  for (const path of ['essai', 'offre', 'resilier', 'instance/suspendre', 'identifiants']) {
    assert.equal((await viewer.post(`/admin/clients/${id}/${path}`, { jours: '7', offre: 'pro', password: STAFF_PASSWORD })).statusCode, 403, path);
  }
});
