// The dashboard reads the subscription from the platform's tenant API, and degrades when it cannot.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createClient,
  loginAndChangePassword,
  startFakePlatform,
  startTenant,
  subscriptionBody,
  suiteDatabase,
  TENANT_TOKEN,
  unreachableUrl,
} from './helpers.ts';

describe('tenant subscription on the dashboard', () => {
  const shared = suiteDatabase();
  let passwordChanged = false;

  async function dashboard(t: Parameters<typeof startTenant>[0], env: Record<string, string>) {
    const tenant = await startTenant(t, shared.url, env);
    const client = createClient(tenant.app);
    if (passwordChanged) {
      assert.equal((await client.login('jean.dupont', 'Nouveau-MotDePasse-2026')).statusCode, 303);
    } else {
      await loginAndChangePassword(client);
      passwordChanged = true;
    }
    return { tenant, client, home: await client.get('/') };
  }

  test('shows the company, the plan and the trial days left, asking with the tenant token', async (t) => {
    const platform = await startFakePlatform(t, () => ({ status: 200, body: subscriptionBody({ daysLeft: 12 }) }));
    const { home, client } = await dashboard(t, { PLATFORM_URL: `${platform.url}/`, TENANT_TOKEN });
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Maçonnerie Dupont &#38; Fils/);
    assert.match(home.body, /CLI-0042/);
    assert.match(home.body, /<dd class="app-plan">Essai<\/dd>/);
    assert.match(home.body, /Il vous reste 12 jours d’essai/);
    assert.match(home.body, /Période d’essai/);
    assert.doesNotMatch(home.body, /momentanément indisponible/);

    const call = platform.requests[0];
    assert.equal(call?.method, 'GET');
    assert.equal(call?.url, '/api/tenant/v1/subscription');
    assert.equal(call?.authorization, `Bearer ${TENANT_TOKEN}`);

    // Cached: another page view within the minute does not ask again.
    await client.get('/');
    await client.get('/chantiers');
    assert.equal(platform.requests.filter((r) => r.url.endsWith('/subscription')).length, 1);
  });

  test('says "1 jour" and "dernier jour" in French', async (t) => {
    let daysLeft = 1;
    const platform = await startFakePlatform(t, () => ({ status: 200, body: subscriptionBody({ daysLeft }) }));
    const first = await dashboard(t, { PLATFORM_URL: platform.url, TENANT_TOKEN });
    assert.match(first.home.body, /Il vous reste 1 jour d’essai/);
    daysLeft = 0;
    const second = await dashboard(t, { PLATFORM_URL: platform.url, TENANT_TOKEN });
    assert.match(second.home.body, /Dernier jour de votre essai/);
  });

  test('shows a discreet notice when the platform is unreachable, and the user keeps working', async (t) => {
    const { home, client } = await dashboard(t, { PLATFORM_URL: await unreachableUrl(), TENANT_TOKEN });
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Information d’abonnement momentanément indisponible\./);
    assert.match(home.body, /<dd class="app-plan">Essai<\/dd>/, 'the plan from the environment');
    assert.doesNotMatch(home.body, /jours d’essai/);
    assert.equal((await client.get('/chantiers')).statusCode, 200);
  });

  test('treats a refused token (401 problem+json) as unavailable, and logs it without the token', async (t) => {
    const platform = await startFakePlatform(t, () => ({ status: 401, body: { type: 'about:blank', title: 'Unauthorized', status: 401 } }));
    const { home, tenant } = await dashboard(t, { PLATFORM_URL: platform.url, TENANT_TOKEN });
    assert.match(home.body, /momentanément indisponible/);
    assert.match(tenant.logs(), /platform tenant API refused the call/);
    assert.doesNotMatch(tenant.logs(), new RegExp(TENANT_TOKEN));
  });

  test('a platform that hangs costs at most the 2 s timeout, then is not waited for again', async (t) => {
    const platform = await startFakePlatform(t, () => null);
    const { client } = await dashboard(t, { PLATFORM_URL: platform.url, TENANT_TOKEN });
    // A new process: nothing cached yet, and already signed in.
    const fresh = await startTenant(t, shared.url, { PLATFORM_URL: platform.url, TENANT_TOKEN });
    const other = createClient(fresh.app);
    assert.equal((await other.login('jean.dupont', 'Nouveau-MotDePasse-2026')).statusCode, 303);
    const started = performance.now();
    const home = await other.get('/');
    const elapsed = performance.now() - started;
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /momentanément indisponible/);
    assert.ok(elapsed >= 1_900 && elapsed < 3_500, `took ${Math.round(elapsed)} ms`);
    const again = performance.now();
    assert.equal((await other.get('/')).statusCode, 200);
    assert.ok(performance.now() - again < 1_000, 'the failure is cached for a while');
    assert.equal((await client.get('/chantiers')).statusCode, 200);
  });

  for (const [status, text] of [
    ['expired', 'Votre période d’essai ou votre abonnement est arrivé à échéance.'],
    ['suspended', 'Votre abonnement est suspendu.'],
    ['cancelled', 'Votre abonnement est résilié.'],
  ] as const) {
    test(`shows a renewal banner with the renewal link when the subscription is ${status}`, async (t) => {
      const platform = await startFakePlatform(t, () => ({ status: 200, body: subscriptionBody({ status, daysLeft: null, trialEndsAt: null }) }));
      const { home, client } = await dashboard(t, { PLATFORM_URL: platform.url, TENANT_TOKEN });
      assert.match(home.body, /class="app-banner app-banner--error" role="alert"/);
      assert.ok(home.body.includes(text), text);
      assert.match(home.body, /href="https:\/\/erpbtp\.example\/renouveler\?client&#61;42"/);
      assert.match(home.body, /Renouveler mon abonnement/);
      // Other pages carry the banner too (from the cache).
      assert.match((await client.get('/chantiers')).body, /Renouveler mon abonnement/);
    });
  }

  test('never turns a non-http renewal URL into a link', async (t) => {
    const platform = await startFakePlatform(t, () => ({ status: 200, body: subscriptionBody({ status: 'expired', renewalUrl: 'javascript:alert(1)' }) }));
    const { home } = await dashboard(t, { PLATFORM_URL: platform.url, TENANT_TOKEN });
    assert.match(home.body, /arrivé à échéance/);
    assert.doesNotMatch(home.body, /javascript:/);
  });
});
