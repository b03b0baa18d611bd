// Users of the demo ERP: adding a colleague (who must choose a password), removing one, quotas.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClient, loginAndChangePassword, startFakePlatform, startTenant, testDatabase, TENANT_TOKEN } from './helpers.ts';

describe('tenant users', () => {
  test('an added colleague signs in with the temporary password and must change it; removal ends access', async (t) => {
    const tenant = await startTenant(t, await testDatabase(t));
    const admin = createClient(tenant.app);
    await loginAndChangePassword(admin);
    await admin.get('/utilisateurs');

    const invalid = await admin.post('/utilisateurs', { username: 'marie dupont', password: 'court' });
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /L’identifiant peut contenir lettres, chiffres/);
    assert.match(invalid.body, /au moins 12 caractères/);
    assert.match(invalid.body, /value="marie dupont"/);

    const taken = await admin.post('/utilisateurs', { username: 'JEAN.DUPONT', password: 'Provisoire-2026!' });
    assert.equal(taken.statusCode, 422);
    assert.match(taken.body, /Cet identifiant est déjà utilisé\./);

    const created = await admin.post('/utilisateurs', { username: 'marie', password: 'Provisoire-2026!' });
    assert.equal(created.statusCode, 303);
    const list = await admin.get('/utilisateurs');
    assert.match(list.body, /L’utilisateur a été ajouté\./);
    assert.match(list.body, /Mot de passe à choisir/);

    const marie = createClient(tenant.app);
    const login = await marie.login('marie', 'Provisoire-2026!');
    assert.equal(login.headers.location, '/mot-de-passe');

    const id = /href="\/utilisateurs\/(\d+)\/supprimer" aria-label="Supprimer l’utilisateur marie"/.exec(list.body)?.[1];
    assert.ok(id);
    assert.doesNotMatch(list.body, /aria-label="Supprimer l’utilisateur jean\.dupont"/, 'one cannot delete oneself');
    assert.match((await admin.get(`/utilisateurs/${id}/supprimer`)).body, /Voulez-vous vraiment supprimer l’utilisateur «\u00a0marie\u00a0»/);
    assert.equal((await admin.post(`/utilisateurs/${id}/supprimer`, {})).statusCode, 303);
    assert.equal((await marie.get('/mot-de-passe')).headers.location, '/connexion');
  });

  test('the users quota from the platform refuses a new user', async (t) => {
    const platform = await startFakePlatform(t, (request) =>
      request.url?.endsWith('/quota-check') ? { status: 200, body: { allowed: false, used: 1, limit: 1 } } : { status: 404 },
    );
    const tenant = await startTenant(t, await testDatabase(t), { PLATFORM_URL: platform.url, TENANT_TOKEN });
    const admin = createClient(tenant.app);
    await loginAndChangePassword(admin);
    await admin.get('/utilisateurs');
    const refused = await admin.post('/utilisateurs', { username: 'paul', password: 'Provisoire-2026!' });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /Votre offre ne permet pas d’ajouter davantage d’utilisateurs \(1 sur 1\)\./);
    assert.deepEqual(JSON.parse(platform.requests.find((r) => r.url.endsWith('/quota-check'))?.body ?? '{}'), { resource: 'users', current: 1 });
  });
});
