// Chantiers in the demo ERP: create, edit, delete, server-side validation, quotas.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createClient, loginAndChangePassword, startFakePlatform, startTenant, suiteDatabase, testDatabase, TENANT_TOKEN, unreachableUrl } from './helpers.ts';
import type { Client } from './helpers.ts';

async function count(url: string): Promise<number> {
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  try {
    const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM chantiers');
    return rows[0]?.n ?? -1;
  } finally {
    await sql.end();
  }
}

function chantierId(body: string, name: string): string {
  const match = new RegExp(`href="/chantiers/(\\d+)/modifier" aria-label="Modifier le chantier ${name}"`).exec(body);
  if (!match?.[1]) throw new Error(`no chantier "${name}" in the list`);
  return match[1];
}

describe('tenant chantiers', () => {
  const shared = suiteDatabase();

  async function signedIn(t: Parameters<typeof startTenant>[0], url = shared.url): Promise<Client> {
    const tenant = await startTenant(t, url);
    const client = createClient(tenant.app);
    // The shared database's password is changed once, by the first test to sign in.
    const first = await client.login('jean.dupont', 'Initial-Pass-7xq');
    if (first.statusCode === 401) {
      assert.equal((await client.login('jean.dupont', 'Nouveau-MotDePasse-2026')).statusCode, 303);
    } else {
      await client.get('/mot-de-passe');
      await client.post('/mot-de-passe', { current: 'Initial-Pass-7xq', next: 'Nouveau-MotDePasse-2026', confirmation: 'Nouveau-MotDePasse-2026' });
    }
    return client;
  }

  test('creating a chantier with invalid fields shows one French message per field and keeps the values', async (t) => {
    const client = await signedIn(t);
    await client.get('/chantiers/nouveau');
    const before = await count(shared.url);
    const response = await client.post('/chantiers/nouveau', {
      name: '',
      client: 'Mairie <de> Lyon',
      address: 'x'.repeat(301),
      startDate: '31/02/2026',
      status: 'inconnu',
    });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /Indiquez le nom du chantier\./);
    assert.match(response.body, /L’adresse doit contenir au plus 300 caractères\./);
    assert.match(response.body, /Indiquez une date valide, par exemple 15\/03\/2026\./);
    assert.match(response.body, /Choisissez un statut dans la liste\./);
    assert.match(response.body, /class="error-summary"/);
    assert.match(response.body, /href="#f-name"/, 'the summary links to the field');
    assert.match(response.body, /value="Mairie &#60;de&#62; Lyon"/, 'values are kept, escaped');
    assert.match(response.body, /value="31\/02\/2026"/);
    assert.equal(await count(shared.url), before, 'nothing written');

    const noClient = await client.post('/chantiers/nouveau', { name: 'Rénovation école', client: ' ', status: 'a_venir' });
    assert.equal(noClient.statusCode, 422);
    assert.match(noClient.body, /Indiquez le client du chantier\./);
    assert.match(noClient.body, /value="Rénovation école"/);
  });

  test('a chantier is created, edited and deleted after confirmation', async (t) => {
    const client = await signedIn(t);
    await client.get('/chantiers/nouveau');
    const created = await client.post('/chantiers/nouveau', {
      name: 'Résidence Les Tilleuls',
      client: 'SCI Tilleuls',
      address: '12 rue des Lilas, 69003 Lyon',
      startDate: '15/03/2026',
      status: 'en_cours',
    });
    assert.equal(created.statusCode, 303);
    assert.equal(created.headers.location, '/chantiers');
    let list = await client.get('/chantiers');
    assert.match(list.body, /Le chantier a été créé\./);
    assert.match(list.body, /Résidence Les Tilleuls/);
    assert.match(list.body, /15 mars 2026/);
    assert.match(list.body, /En cours/);
    const id = chantierId(list.body, 'Résidence Les Tilleuls');

    let edit = await client.get(`/chantiers/${id}/modifier`);
    assert.match(edit.body, /value="2026-03-15"/);
    assert.match(edit.body, /<option value="en_cours" selected>/);
    edit = await client.post(`/chantiers/${id}/modifier`, { name: 'x'.repeat(121), client: 'SCI Tilleuls', startDate: '2026-03-15', status: 'termine' });
    assert.equal(edit.statusCode, 422);
    assert.match(edit.body, /Le nom du chantier doit contenir au plus 120 caractères\./);
    assert.match(edit.body, /<option value="termine" selected>/, 'the chosen status is kept');

    const saved = await client.post(`/chantiers/${id}/modifier`, { name: 'Résidence Les Tilleuls (bât. B)', client: 'SCI Tilleuls', address: '', startDate: '', status: 'termine' });
    assert.equal(saved.statusCode, 303);
    list = await client.get('/chantiers');
    assert.match(list.body, /Le chantier a été modifié\./);
    assert.match(list.body, /Résidence Les Tilleuls \(bât\. B\)/);
    assert.match(list.body, /Terminé/);
    assert.match(list.body, /Non définie/);

    const confirm = await client.get(`/chantiers/${id}/supprimer`);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Voulez-vous vraiment supprimer le chantier «\u00a0Résidence Les Tilleuls \(bât\. B\)\u00a0»\u202f\?/);
    const before = await count(shared.url);
    const deleted = await client.post(`/chantiers/${id}/supprimer`, {});
    assert.equal(deleted.statusCode, 303);
    assert.equal(await count(shared.url), before - 1);
    list = await client.get('/chantiers');
    assert.match(list.body, /Le chantier a été supprimé\./);
    assert.doesNotMatch(list.body, /Tilleuls/);

    assert.equal((await client.get(`/chantiers/${id}/modifier`)).statusCode, 404);
    assert.equal((await client.post(`/chantiers/${id}/supprimer`, {})).statusCode, 404);
    assert.equal((await client.get('/chantiers/abc/modifier')).statusCode, 404);
  });

  test('deleting without the CSRF token is refused and deletes nothing', async (t) => {
    const client = await signedIn(t);
    await client.get('/chantiers/nouveau');
    await client.post('/chantiers/nouveau', { name: 'Entrepôt', client: 'Logistique SA', status: 'a_venir' });
    const id = chantierId((await client.get('/chantiers')).body, 'Entrepôt');
    const before = await count(shared.url);
    const response = await client.post(`/chantiers/${id}/supprimer`, {}, { csrf: null });
    assert.equal(response.statusCode, 403);
    assert.equal(await count(shared.url), before);
  });

  test('the platform’s quota refuses a new chantier with its message', async (t) => {
    const platform = await startFakePlatform(t, (request) =>
      request.url === '/api/tenant/v1/quota-check'
        ? { status: 200, body: { allowed: false, used: 5, limit: 5, message: 'Votre offre Essai est limitée à 5 chantiers.' } }
        : { status: 404 },
    );
    const db = await testDatabase(t);
    const tenant = await startTenant(t, db, { PLATFORM_URL: platform.url, TENANT_TOKEN });
    const client = createClient(tenant.app);
    await loginAndChangePassword(client);
    await client.get('/chantiers/nouveau');
    const response = await client.post('/chantiers/nouveau', { name: 'Gymnase', client: 'Commune', status: 'a_venir' });
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /Votre offre Essai est limitée à 5 chantiers\./);
    assert.match(response.body, /value="Gymnase"/);
    assert.equal(await count(db), 0);
    const call = platform.requests.find((r) => r.url === '/api/tenant/v1/quota-check');
    assert.equal(call?.authorization, `Bearer ${TENANT_TOKEN}`);
    assert.deepEqual(JSON.parse(call?.body ?? '{}'), { resource: 'projects', current: 0 });
  });

  test('when the platform is down, the plan limit from the environment applies', async (t) => {
    const db = await testDatabase(t);
    const tenant = await startTenant(t, db, { PLATFORM_URL: await unreachableUrl(), TENANT_TOKEN, QUOTA_PROJECTS: '1' });
    const client = createClient(tenant.app);
    await loginAndChangePassword(client);
    await client.get('/chantiers/nouveau');
    assert.equal((await client.post('/chantiers/nouveau', { name: 'Premier', client: 'A', status: 'a_venir' })).statusCode, 303);
    await client.get('/chantiers/nouveau');
    const refused = await client.post('/chantiers/nouveau', { name: 'Second', client: 'B', status: 'a_venir' });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /Votre offre ne permet pas de créer davantage de chantiers \(1 sur 1\)\./);
    assert.equal(await count(db), 1);
  });
});
