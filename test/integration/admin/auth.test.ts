// Signing in to the dashboard: sessions, throttling, CSRF, TOTP, activation links, roles on accounts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { auditActions, createStaffAccount, signIn, signInAs, STAFF_PASSWORD } from '../../helpers/admin.ts';
import { openForm, startTestPlatform } from '../../helpers/platform.ts';

const cookieOf = (setCookie: string | string[] | undefined, name: string) =>
  (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).find((c) => c.startsWith(`${name}=`));

test('staff sign-in', async (t) => {
  const platform = await startTestPlatform(t);
  const { app, sql, database } = platform;

  await t.test('anonymous visitors are sent to the sign-in page, with where they were going', async () => {
    const response = await app.inject({ method: 'GET', url: '/admin/journal?avant=5' });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/admin/connexion?suite=${encodeURIComponent('/admin/journal?avant=5')}`);
  });

  await t.test('a signed-in viewer sees the overview; the cookie is HttpOnly, SameSite=Strict, limited to /admin', async () => {
    const account = await createStaffAccount(app, database.url, 'viewer');
    const form = await openForm(app, '/admin/connexion');
    const response = await app.inject({ method: 'POST', url: '/admin/connexion', headers: { cookie: form.cookie }, payload: { _csrf: form.token, email: account.email.toUpperCase(), password: STAFF_PASSWORD, suite: '/admin/journal' } });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/admin/journal');
    const cookie = cookieOf(response.headers['set-cookie'], 'erpbtp_admin')!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\/admin/);
    const client = await signIn(app, account);
    const home = await client.get('/admin');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Vue d’ensemble/);
    assert.equal(home.headers['cache-control'], 'no-store');
  });

  await t.test('the sign-in page never redirects outside the dashboard', async () => {
    const account = await createStaffAccount(app, database.url, 'viewer');
    for (const suite of ['//evil.example/admin', 'https://evil.example/', '/adminx', '/\\evil.example']) {
      const form = await openForm(app, '/admin/connexion');
      const response = await app.inject({ method: 'POST', url: '/admin/connexion', headers: { cookie: form.cookie }, payload: { _csrf: form.token, email: account.email, password: STAFF_PASSWORD, suite } });
      assert.equal(response.headers.location, '/admin', suite);
    }
  });

  await t.test('a wrong password is refused in French; after 5 failures even the right one is throttled', async () => {
    const account = await createStaffAccount(app, database.url, 'operator');
    const attempt = async (password: string) => {
      const form = await openForm(app, '/admin/connexion');
      return app.inject({ method: 'POST', url: '/admin/connexion', headers: { cookie: form.cookie }, payload: { _csrf: form.token, email: account.email, password } });
    };
    const wrong = await attempt('mauvais mot de passe');
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /Adresse e-mail ou mot de passe incorrect/);
    assert.equal(cookieOf(wrong.headers['set-cookie'], 'erpbtp_admin'), undefined);
    for (let i = 0; i < 4; i++) await attempt('mauvais mot de passe');
    const throttled = await attempt(STAFF_PASSWORD);
    assert.equal(throttled.statusCode, 429);
    assert.match(throttled.body, /Trop de tentatives/);
  });

  await t.test('an unknown e-mail gets the same answer as a wrong password', async () => {
    const form = await openForm(app, '/admin/connexion');
    const response = await app.inject({ method: 'POST', url: '/admin/connexion', headers: { cookie: form.cookie }, payload: { _csrf: form.token, email: 'personne@erp-btp.fr', password: 'peu importe' } });
    assert.equal(response.statusCode, 401);
    assert.match(response.body, /Adresse e-mail ou mot de passe incorrect/);
  });

  await t.test('a POST without the CSRF token is refused and changes nothing', async () => {
    const owner = await signInAs(app, database.url, 'owner');
    const response = await app.inject({ method: 'POST', url: '/admin/comptes', headers: { cookie: owner.cookie }, payload: { email: 'csrf@erp-btp.fr', name: 'X', role: 'owner' } });
    assert.equal(response.statusCode, 403);
    const { rowCount } = await sql.query("select 1 from admin_users where email = 'csrf@erp-btp.fr'");
    assert.equal(rowCount, 0);
  });

  await t.test('each sign-in gets a new session token; a planted one opens nothing', async () => {
    const account = await createStaffAccount(app, database.url, 'viewer');
    const a = await signIn(app, account);
    const b = await signIn(app, account);
    assert.notEqual(a.cookie, b.cookie);
    const planted = await app.inject({ method: 'GET', url: '/admin', headers: { cookie: 'erpbtp_admin=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    assert.equal(planted.statusCode, 303);
    const { rows } = await sql.query('select token_hash from admin_sessions where user_id = $1', [account.id]);
    assert.ok(rows.every((r: { token_hash: string }) => /^[0-9a-f]{64}$/.test(r.token_hash)), 'only hashes are stored');
  });

  await t.test('sessions end after the idle timeout and after the absolute limit', async () => {
    const idle = await signInAs(app, database.url, 'viewer');
    await sql.query("update admin_sessions set last_seen_at = now() - interval '31 minutes' where user_id = $1", [idle.account.id]);
    assert.equal((await idle.get('/admin')).statusCode, 303);
    const old = await signInAs(app, database.url, 'viewer');
    await sql.query("update admin_sessions set expires_at = now() - interval '1 second' where user_id = $1", [old.account.id]);
    assert.equal((await old.get('/admin')).statusCode, 303);
  });

  await t.test('signing out ends the session; « everywhere » ends them all', async () => {
    const account = await createStaffAccount(app, database.url, 'viewer');
    const first = await signIn(app, account);
    const second = await signIn(app, account);
    const out = await first.post('/admin/deconnexion');
    assert.equal(out.headers.location, '/admin/connexion?fin=deconnecte');
    assert.equal((await first.get('/admin')).statusCode, 303);
    assert.equal((await second.get('/admin')).statusCode, 200);
    const third = await signIn(app, account);
    await third.post('/admin/compte/sessions');
    assert.equal((await second.get('/admin')).statusCode, 303);
    assert.equal((await third.get('/admin')).statusCode, 303);
  });

  await t.test('TOTP: enrolment needs a valid code; then sign-in asks for a code, once per code', async () => {
    const client = await signInAs(app, database.url, 'admin');
    const page = await client.get('/admin/compte?totp=1');
    const secret = /name="secret" value="([A-Z2-7]{32})"/.exec(page.body)![1]!;
    assert.match(page.body, /src="data:image\/svg\+xml;base64,/);
    const totp = new TOTP({ issuer: 'ERP BTP Cloud', label: client.account.email, secret: Secret.fromBase32(secret) });
    // One time step for the whole test: a step boundary crossed midway must not change what is checked.
    const at = Date.now();
    const code = totp.generate({ timestamp: at });
    const bad = await client.post('/admin/compte/totp', { secret, code: code === '000000' ? '111111' : '000000' });
    assert.equal(bad.statusCode, 422);
    const enrolled = await client.post('/admin/compte/totp', { secret, code });
    assert.equal(enrolled.statusCode, 303);
    const { rows: [stored] } = await sql.query('select totp_secret from admin_users where id = $1', [client.account.id]);
    assert.ok(!String(stored.totp_secret).includes(secret), 'the secret is stored encrypted');

    const form = await openForm(app, '/admin/connexion');
    const step1 = await app.inject({ method: 'POST', url: '/admin/connexion', headers: { cookie: form.cookie }, payload: { _csrf: form.token, email: client.account.email, password: STAFF_PASSWORD } });
    assert.equal(step1.headers.location, '/admin/connexion/code');
    const cookie = `${form.cookie}; ${cookieOf(step1.headers['set-cookie'], 'erpbtp_admin')!.split(';')[0]}`;
    const pending = await app.inject({ method: 'GET', url: '/admin/journal', headers: { cookie } });
    assert.equal(pending.headers.location, '/admin/connexion/code', 'nothing opens before the code');
    // The code used for the enrolment has been spent: the next time step's code is needed.
    const reused = await app.inject({ method: 'POST', url: '/admin/connexion/code', headers: { cookie }, payload: { _csrf: form.token, code } });
    assert.equal(reused.statusCode, 401);
    const next = totp.generate({ timestamp: at + 30_000 });
    const verified = await app.inject({ method: 'POST', url: '/admin/connexion/code', headers: { cookie }, payload: { _csrf: form.token, code: next } });
    assert.equal(verified.headers.location, '/admin');
    assert.equal((await app.inject({ method: 'GET', url: '/admin/journal', headers: { cookie } })).statusCode, 200);
  });

  await t.test('owners create accounts; the one-time link sets the password and works once', async () => {
    const owner = await signInAs(app, database.url, 'owner');
    const created = await owner.post('/admin/comptes', { name: 'Léa <b>Martin</b>', email: 'lea.martin@erp-btp.fr', role: 'operator' });
    assert.equal(created.statusCode, 201);
    assert.ok(!created.body.includes('<b>Martin</b>'), 'names are escaped');
    const link = /(http:\/\/[^\s<]+\/admin\/activation\/[\w-]{43})/.exec(created.body)![1]!;
    const path = new URL(link).pathname;
    const setup = await openForm(app, path);
    const weak = await app.inject({ method: 'POST', url: path, headers: { cookie: setup.cookie }, payload: { _csrf: setup.token, password: 'court', confirmation: 'court' } });
    assert.equal(weak.statusCode, 422);
    assert.match(weak.body, /au moins 12 caractères/);
    const done = await app.inject({ method: 'POST', url: path, headers: { cookie: setup.cookie }, payload: { _csrf: setup.token, password: STAFF_PASSWORD, confirmation: STAFF_PASSWORD } });
    assert.equal(done.headers.location, '/admin?fait=welcome');
    assert.ok(cookieOf(done.headers['set-cookie'], 'erpbtp_admin'));
    const again = await app.inject({ method: 'GET', url: path });
    assert.equal(again.statusCode, 404);
    assert.match(again.body, /Lien d’activation invalide/);
    const dup = await owner.post('/admin/comptes', { name: 'Autre', email: 'LEA.MARTIN@erp-btp.fr', role: 'viewer' });
    assert.equal(dup.statusCode, 422);
    assert.match(dup.body, /existe déjà/);
  });

  await t.test('the last active owner cannot be demoted or disabled; a disabled account loses its sessions', async () => {
    const owner = await signInAs(app, database.url, 'owner');
    const { rows: owners } = await sql.query("select id from admin_users where role = 'owner' and id <> $1", [owner.account.id]);
    for (const other of owners) await sql.query("update admin_users set disabled_at = now() where id = $1", [other.id]);
    const second = await signInAs(app, database.url, 'owner');
    const demoteSelf = await owner.post(`/admin/comptes/${owner.account.id}/role`, { role: 'viewer' });
    assert.equal(demoteSelf.statusCode, 409);
    assert.equal((await second.post(`/admin/comptes/${owner.account.id}/desactiver`)).statusCode, 303);
    assert.equal((await owner.get('/admin')).statusCode, 303, 'the disabled owner is signed out');
    const last = await second.post(`/admin/comptes/${second.account.id}/role`, { role: 'admin' });
    assert.equal(last.statusCode, 409);
    const viewer = await signInAs(app, database.url, 'viewer');
    assert.equal((await viewer.post(`/admin/comptes/${viewer.account.id}/role`, { role: 'owner' })).statusCode, 403);
  });

  await t.test('sign-ins and account changes are in the audit log', async () => {
    const actions = await auditActions(sql);
    for (const action of ['staff.signedIn', 'staff.created', 'staff.passwordSet', 'staff.totpEnabled', 'staff.disabled', 'staff.signedOutEverywhere']) {
      assert.ok(actions.includes(action), action);
    }
  });
});
