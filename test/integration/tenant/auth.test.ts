// Signing in to the demo ERP: initial credentials, forced password change, sessions, CSRF, throttling.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createClient, INITIAL_PASSWORD, INITIAL_USERNAME, loginAndChangePassword, startTenant, suiteDatabase, testDatabase } from './helpers.ts';

const NEW_PASSWORD = 'Un-Nouveau-Mot-De-Passe-Solide';

describe('tenant authentication', () => {
  const shared = suiteDatabase();

  test('first login forces the password change, then the old password stops working', async (t) => {
    const db = await testDatabase(t);
    const tenant = await startTenant(t, db);
    const client = createClient(tenant.app);

    const login = await client.login(INITIAL_USERNAME, INITIAL_PASSWORD);
    assert.equal(login.statusCode, 303);
    assert.equal(login.headers.location, '/mot-de-passe');

    for (const url of ['/', '/chantiers', '/chantiers/nouveau', '/utilisateurs']) {
      const page = await client.get(url);
      assert.equal(page.statusCode, 303, url);
      assert.equal(page.headers.location, '/mot-de-passe', url);
    }
    // Posting elsewhere is refused the same way.
    await client.get('/mot-de-passe');
    const sneaky = await client.post('/chantiers/nouveau', { name: 'X', client: 'Y', status: 'a_venir' });
    assert.equal(sneaky.headers.location, '/mot-de-passe');

    const form = await client.get('/mot-de-passe');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /choisissez votre propre mot de passe/);
    assert.doesNotMatch(form.body, /class="site-nav/, 'no navigation while restricted');

    const changed = await client.post('/mot-de-passe', { current: INITIAL_PASSWORD, next: NEW_PASSWORD, confirmation: NEW_PASSWORD });
    assert.equal(changed.statusCode, 303);
    assert.equal(changed.headers.location, '/');
    const home = await client.get('/');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Votre mot de passe a été modifié/);

    const other = createClient(tenant.app);
    const oldPassword = await other.login(INITIAL_USERNAME, INITIAL_PASSWORD);
    assert.equal(oldPassword.statusCode, 401);
    assert.match(oldPassword.body, /Identifiant ou mot de passe incorrect/);
    const newPassword = await other.login(INITIAL_USERNAME, NEW_PASSWORD);
    assert.equal(newPassword.statusCode, 303);
    assert.equal(newPassword.headers.location, '/');

    // A restart (a new process on the same database) never resets the changed password.
    const restarted = await tenant.restart();
    const afterRestart = createClient(restarted.app);
    assert.equal((await afterRestart.login(INITIAL_USERNAME, INITIAL_PASSWORD)).statusCode, 401);
    assert.equal((await afterRestart.login(INITIAL_USERNAME, NEW_PASSWORD)).headers.location, '/');
    const sql = new pg.Client({ connectionString: db });
    await sql.connect();
    const { rows } = await sql.query('SELECT count(*)::int AS n, bool_or(must_change_password) AS must FROM users');
    await sql.end();
    assert.deepEqual(rows[0], { n: 1, must: false });
  });

  test('the password change validates each field with a French message', async (t) => {
    const db = await testDatabase(t);
    const tenant = await startTenant(t, db);
    const client = createClient(tenant.app);
    await client.login(INITIAL_USERNAME, INITIAL_PASSWORD);
    await client.get('/mot-de-passe');

    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ current: INITIAL_PASSWORD, next: 'court', confirmation: 'court' }, /au moins 12 caractères/],
      [{ current: INITIAL_PASSWORD, next: NEW_PASSWORD, confirmation: `${NEW_PASSWORD}x` }, /La confirmation ne correspond pas/],
      [{ current: INITIAL_PASSWORD, next: INITIAL_PASSWORD, confirmation: INITIAL_PASSWORD }, /doit être différent de l’actuel/],
      [{ current: 'mauvais-mot-de-passe', next: NEW_PASSWORD, confirmation: NEW_PASSWORD }, /Le mot de passe actuel est incorrect/],
      [{ current: '', next: NEW_PASSWORD, confirmation: NEW_PASSWORD }, /Saisissez votre mot de passe actuel/],
    ];
    for (const [form, message] of cases) {
      const response = await client.post('/mot-de-passe', form);
      assert.equal(response.statusCode, 422, JSON.stringify(form));
      assert.match(response.body, message);
      assert.match(response.body, /aria-invalid="true"/);
      assert.doesNotMatch(response.body, new RegExp(NEW_PASSWORD), 'passwords are never echoed back');
    }
    // Still restricted, and the initial password still works.
    assert.equal((await client.get('/')).headers.location, '/mot-de-passe');
    assert.equal((await createClient(tenant.app).login(INITIAL_USERNAME, INITIAL_PASSWORD)).statusCode, 303);
  });

  test('a wrong password or an unknown user is rejected with the same generic message', async (t) => {
    const tenant = await startTenant(t, shared.url);
    const client = createClient(tenant.app);
    const wrong = await client.login(INITIAL_USERNAME, 'pas-le-bon-mot-de-passe');
    const unknown = await client.login('personne', INITIAL_PASSWORD);
    for (const response of [wrong, unknown]) {
      assert.equal(response.statusCode, 401);
      assert.match(response.body, /Identifiant ou mot de passe incorrect\./);
      assert.equal(client.jar.has('erp_session'), false);
    }
    assert.match(unknown.body, /value="personne"/, 'the username is kept');
    assert.equal((await client.get('/')).headers.location, '/connexion');
  });

  test('repeated failures on one username are throttled, other usernames are not', async (t) => {
    const tenant = await startTenant(t, shared.url);
    const client = createClient(tenant.app);
    for (let i = 0; i < 5; i++) assert.equal((await client.login('Martin', `essai-${i}`)).statusCode, 401);
    const blocked = await client.login('martin', 'encore-un-essai');
    assert.equal(blocked.statusCode, 429);
    assert.match(blocked.body, /Trop de tentatives de connexion/);
    assert.equal((await client.login(INITIAL_USERNAME, INITIAL_PASSWORD)).statusCode, 303);
  });

  test('a form posted without its CSRF token is refused with 403', async (t) => {
    const tenant = await startTenant(t, shared.url);
    const client = createClient(tenant.app);
    await client.get('/connexion');
    const noToken = await client.post('/connexion', { username: INITIAL_USERNAME, password: INITIAL_PASSWORD }, { csrf: null });
    assert.equal(noToken.statusCode, 403);
    assert.match(noToken.body, /Formulaire expiré/);
    assert.equal(client.jar.has('erp_session'), false);

    const forged = await client.post('/connexion', { username: INITIAL_USERNAME, password: INITIAL_PASSWORD }, { csrf: 'forged-token' });
    assert.equal(forged.statusCode, 403);

    // No CSRF cookie at all (a cross-site form post from a fresh browser).
    const stranger = createClient(tenant.app);
    const noCookie = await stranger.post('/connexion', { username: INITIAL_USERNAME, password: INITIAL_PASSWORD }, { csrf: 'x' });
    assert.equal(noCookie.statusCode, 403);
  });

  test('the session cookie is signed, HttpOnly and SameSite=Lax; a tampered cookie is ignored', async (t) => {
    const tenant = await startTenant(t, shared.url);
    const client = createClient(tenant.app);
    await client.get('/connexion');
    const login = await client.post('/connexion', { username: INITIAL_USERNAME, password: INITIAL_PASSWORD });
    const setCookie = [login.headers['set-cookie']].flat().find((c) => String(c).startsWith('erp_session='));
    assert.ok(setCookie);
    assert.match(String(setCookie), /HttpOnly/i);
    assert.match(String(setCookie), /SameSite=Lax/i);
    assert.doesNotMatch(String(setCookie), /Secure/i, 'plain http (no https APP_URL): no Secure flag');

    const value = client.jar.get('erp_session') ?? '';
    client.jar.set('erp_session', value.replace(/^\d+/, '999'));
    assert.equal((await client.get('/mot-de-passe')).headers.location, '/connexion');
  });

  test('changing the password signs out the other sessions; logout ends the session', async (t) => {
    const db = await testDatabase(t);
    const tenant = await startTenant(t, db);
    const first = createClient(tenant.app);
    const second = createClient(tenant.app);
    await first.login(INITIAL_USERNAME, INITIAL_PASSWORD);
    await second.login(INITIAL_USERNAME, INITIAL_PASSWORD);
    await loginAndChangePassword(first, NEW_PASSWORD);
    assert.equal((await first.get('/')).statusCode, 200);
    assert.equal((await second.get('/mot-de-passe')).headers.location, '/connexion');

    await first.get('/');
    const logout = await first.post('/deconnexion', {});
    assert.equal(logout.headers.location, '/connexion');
    const page = await first.get('/connexion');
    assert.match(page.body, /Vous êtes déconnecté/);
    assert.equal((await first.get('/')).headers.location, '/connexion');
  });

  test('the login page is French, with correct typography and no secret', async (t) => {
    const tenant = await startTenant(t, shared.url);
    const page = await createClient(tenant.app).get('/connexion');
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /<html lang="fr">/);
    assert.match(page.body, /Maçonnerie Dupont &#38; Fils/);
    assert.match(page.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
    assert.doesNotMatch(page.body, / [:;!?]</, 'no ordinary space before high punctuation');
    assert.doesNotMatch(page.body, new RegExp(INITIAL_PASSWORD));
  });
});
