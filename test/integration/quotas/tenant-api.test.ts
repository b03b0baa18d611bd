// POST /api/tenant/v1/quota-check and PUT /api/tenant/v1/usage on the real platform: the answers of
// every plan at and below each limit, a plan change applied at once, and every refusal as problem+json.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { loadPlans } from '../../../src/plans/plans.ts';
import { limitOf } from '../../../src/quotas/quota-rules.ts';
import { signInAs } from '../../helpers/admin.ts';
import { startTestPlatform } from '../../helpers/platform.ts';
import { createTenantStack, setPlan, tenantApi } from './helpers.ts';

const RESOURCES = ['users', 'projects', 'storage'] as const;
const PROBLEM_TYPE = /^https:\/\/erp-btp\.fr\/problemes\/[a-z-]+$/;

function assertProblem(response: LightMyRequestResponse, status: number, code: string, label: string) {
  assert.equal(response.statusCode, status, `${label}: ${response.body.slice(0, 300)}`);
  assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8', label);
  const body = response.json() as Record<string, unknown>;
  assert.match(String(body.type), PROBLEM_TYPE, label);
  assert.equal(body.type, `https://erp-btp.fr/problemes/${code}`, label);
  assert.equal(body.status, status, label);
  assert.equal(body.code, code, label);
  assert.ok(typeof body.title === 'string' && body.title.length > 0, label);
  return body as { detail?: string; errors?: { field: string; message: string }[] };
}

test('the tenant API answers quota checks and usage reports', async (t) => {
  const platform = await startTestPlatform(t);
  const { app, sql } = platform;
  const plans = loadPlans();
  const publicUrl = 'http://localhost:0';

  await t.test('each resource of each plan: allowed one below the limit, refused at it, unlimited always allowed', async () => {
    for (const plan of plans) {
      const stack = await createTenantStack(sql, { plan: plan.id, status: plan.id === 'essai' ? 'trialing' : 'active' });
      const api = tenantApi(app, stack.token);
      for (const resource of RESOURCES) {
        const limit = limitOf(plan, resource);
        const label = `${plan.id}/${resource}`;
        if (limit === null) {
          const answer = await api.quotaCheck({ resource, current: 1_000_000 });
          assert.equal(answer.statusCode, 200, label);
          assert.deepEqual({ ...(answer.json() as object), message: undefined }, {
            resource, allowed: true, used: 1_000_000, limit: -1, remaining: -1, reason: 'unlimited', message: undefined, plan: plan.id, planName: plan.name,
          }, label);
          assert.match(answer.json().message, new RegExp(`^Votre offre ${plan.name} ne limite pas`), label);
          continue;
        }
        const below = await api.quotaCheck({ resource, current: limit - 1 });
        assert.equal(below.statusCode, 200, label);
        assert.equal(below.headers['cache-control'], 'no-store');
        assert.deepEqual({ ...(below.json() as object), message: undefined }, {
          resource, allowed: true, used: limit - 1, limit, remaining: 1, reason: 'within-limit', message: undefined, plan: plan.id, planName: plan.name,
        }, label);
        assert.match(below.json().message, new RegExp(`^Votre offre ${plan.name} comprend `), label);

        const at = (await api.quotaCheck({ resource, current: limit })).json();
        assert.deepEqual({ ...at, message: undefined }, {
          resource, allowed: false, used: limit, limit, remaining: 0, reason: 'limit-reached', message: undefined, plan: plan.id, planName: plan.name,
        }, label);
        assert.match(at.message, new RegExp(`^Votre offre ${plan.name} est limitée à `), label);
        // Essai and Starter can move up on their own; Pro's limits are only exceeded by a quoted plan.
        const upgrade = plan.id === 'pro' ? `${publicUrl}/contact?sujet=enterprise` : `${publicUrl}/tarifs`;
        assert.ok(at.message.endsWith(`\u00a0: ${upgrade}`), `${label}: ${at.message}`);
        // Over the limit (after a downgrade): refused, nothing else.
        assert.equal((await api.quotaCheck({ resource, current: limit + 3 })).json().remaining, 0, label);
      }
    }
  });

  await t.test('the messages an ERP shows, word for word', async () => {
    const api = tenantApi(app, (await createTenantStack(sql, { plan: 'essai' })).token);
    const message = async (resource: string, current: number) => (await api.quotaCheck({ resource, current })).json().message;
    assert.equal(await message('users', 2), `Votre offre Essai est limitée à 2\u00a0utilisateurs. Pour ajouter d’autres utilisateurs, passez à une offre supérieure\u00a0: ${publicUrl}/tarifs`);
    assert.equal(await message('projects', 5), `Votre offre Essai est limitée à 5\u00a0chantiers. Pour créer d’autres chantiers, passez à une offre supérieure\u00a0: ${publicUrl}/tarifs`);
    assert.equal(await message('storage', 1024 ** 3), `Votre offre Essai est limitée à 1\u00a0Go. Pour disposer de plus d’espace, passez à une offre supérieure\u00a0: ${publicUrl}/tarifs`);
    assert.equal(await message('projects', 1), 'Votre offre Essai comprend 5\u00a0chantiers\u00a0; vous en utilisez 1\u00a0chantier.');
  });

  await t.test('a plan changed on the dashboard applies to the very next check', async () => {
    const stack = await createTenantStack(sql, { plan: 'essai' });
    const api = tenantApi(app, stack.token);
    assert.equal((await api.quotaCheck({ resource: 'projects', current: 5 })).json().allowed, false);
    const admin = await signInAs(app, platform.database.url, 'admin');
    assert.equal((await admin.post(`/admin/clients/${stack.clientId}/offre`, { offre: 'starter' })).statusCode, 303);
    const starter = (await api.quotaCheck({ resource: 'projects', current: 5 })).json();
    assert.deepEqual([starter.allowed, starter.limit, starter.remaining, starter.planName], [true, 50, 45, 'Starter']);
    assert.equal((await admin.post(`/admin/clients/${stack.clientId}/offre`, { offre: 'pro' })).statusCode, 303);
    assert.deepEqual((await api.quotaCheck({ resource: 'projects', current: 5000 })).json().limit, -1);
    // The dashboard also queued a redeploy, which hands the new QUOTA_* variables to the instance (the second
    // change finds it still queued, this platform having no worker, and rides on it).
    const { rows } = await sql.query(`select kind from deployments d join stacks s on s.id = d.stack_id where s.client_id = $1 order by d.id`, [stack.clientId]);
    assert.deepEqual(rows.map((r) => r.kind), ['redeploy']);
  });

  await t.test('a subscription that no longer serves: creations refused with the reason, usage still recorded', async () => {
    for (const [status, words] of [['suspended', 'Votre abonnement est suspendu'], ['expired', 'arrivé à échéance'], ['cancelled', 'Votre abonnement est résilié']] as const) {
      const stack = await createTenantStack(sql, { plan: 'starter', status });
      const api = tenantApi(app, stack.token);
      const answer = (await api.quotaCheck({ resource: 'users', current: 1 })).json();
      assert.deepEqual([answer.allowed, answer.reason, answer.limit, answer.remaining], [false, 'subscription-inactive', 5, 0], status);
      assert.ok(answer.message.startsWith(words) || answer.message.includes(words), answer.message);
      assert.match(answer.message, /l’ajout d’utilisateurs n’est plus possible\. Vos données restent accessibles\./);
      assert.ok(answer.message.endsWith(`${publicUrl}/tarifs`));
      assert.equal((await api.usage({ users: 4, projects: 45, storageBytes: 10 })).statusCode, 204, status);
    }
    // A trial past its end is expired for the instance (as GET /subscription says) before the lifecycle records it.
    const ended = await createTenantStack(sql, { plan: 'essai' });
    await sql.query(`update subscriptions set trial_ends_at = now() - interval '1 minute' where id = $1`, [ended.subscriptionId]);
    const endedAnswer = (await tenantApi(app, ended.token).quotaCheck({ resource: 'projects', current: 0 })).json();
    assert.deepEqual([endedAnswer.allowed, endedAnswer.reason], [false, 'subscription-inactive']);
    assert.match(endedAnswer.message, /^Votre période d’essai ou votre abonnement est arrivé à échéance\u00a0: la création de chantiers n’est plus possible\./);
    const pastDue = await createTenantStack(sql, { plan: 'starter', status: 'past_due' });
    assert.equal((await tenantApi(app, pastDue.token).quotaCheck({ resource: 'users', current: 1 })).json().allowed, true, 'past_due keeps its rights during the grace period');
  });

  await t.test('a missing or wrong token gets 401 problem+json, before the body is even read', async () => {
    const stack = await createTenantStack(sql);
    const authorizations = [undefined, 'Bearer wrong-token-0123456789', `Basic ${stack.token}`, 'Bearer short', `Bearer ${stack.token}x`, `bearer  ${stack.token}`];
    for (const authorization of authorizations) {
      for (const [method, url] of [['POST', '/api/tenant/v1/quota-check'], ['PUT', '/api/tenant/v1/usage']] as const) {
        for (const payload of [{ resource: 'users', current: 1 }, { users: 1, projects: 1, storageBytes: 1 }, 'not json']) {
          const response = await app.inject({ method, url, headers: authorization ? { authorization } : {}, payload });
          const label = `${method} ${url} ${authorization?.slice(0, 12) ?? 'none'}`;
          assertProblem(response, 401, 'unauthenticated', label);
          assert.equal(response.headers['www-authenticate'], 'Bearer realm="tenant"', label);
        }
      }
    }
    const { rows } = await sql.query('select count(*)::int as n from usage_samples where stack_id = $1', [stack.stackId]);
    assert.equal(rows[0].n, 0);
  });

  await t.test('bad bodies get 400/413/415/422 problem+json naming the field, never a 500, and nothing is stored', async () => {
    const stack = await createTenantStack(sql);
    const api = tenantApi(app, stack.token);
    // Each bad body and the field the problem names.
    const quotaBodies: [unknown, string][] = [
      [{}, 'resource'], [{ resource: 'users' }, 'current'], [{ current: 1 }, 'resource'],
      [{ resource: 'users', current: -1 }, 'current'], [{ resource: 'users', current: '5' }, 'current'],
      [{ resource: 'users', current: 1.5 }, 'current'], [{ resource: 'users', current: 1e300 }, 'current'],
      [{ resource: 'users', current: null }, 'current'], [{ resource: 'chantiers', current: 1 }, 'resource'],
      [{ resource: 'users', current: 1, extra: true }, 'extra'], [[], 'body'], [{ resource: ['users'], current: 1 }, 'resource'],
    ];
    for (const [body, field] of quotaBodies) {
      const problem = assertProblem(await api.quotaCheck(body), 422, 'validation-failed', JSON.stringify(body));
      assert.ok(problem.errors?.some((e) => e.field === field), `${JSON.stringify(body)}: ${JSON.stringify(problem.errors)}`);
      assert.ok(problem.detail);
    }
    const usageBodies: [unknown, string][] = [
      [{}, 'users'], [{ users: 1, projects: 1 }, 'storageBytes'], [{ users: -1, projects: 1, storageBytes: 1 }, 'users'],
      [{ users: '1', projects: 1, storageBytes: 1 }, 'users'], [{ users: 2 ** 31, projects: 1, storageBytes: 1 }, 'users'],
      [{ users: 1, projects: 1, storageBytes: 2 ** 53 }, 'storageBytes'], [{ users: 1, projects: 1.25, storageBytes: 1 }, 'projects'],
      [{ users: 1, projects: 1, storageBytes: 1, cpu: 2 }, 'cpu'], [{ users: true, projects: 1, storageBytes: 1 }, 'users'],
    ];
    for (const [body, field] of usageBodies) {
      const problem = assertProblem(await api.usage(body), 422, 'validation-failed', JSON.stringify(body));
      assert.ok(problem.errors?.some((e) => e.field === field), `${JSON.stringify(body)}: ${JSON.stringify(problem.errors)}`);
    }
    const raw: [string, string | undefined, number, string][] = [
      ['{"resource":', 'application/json', 400, 'malformed-body'],
      ['', 'application/json', 400, 'malformed-body'],
      ['{"resource":"users","current":1e400}', 'application/json', 422, 'validation-failed'],
      ['{"resource":"users","current":123456789012345678901234567890}', 'application/json', 422, 'validation-failed'],
      ['{"__proto__":{"admin":true},"resource":"users","current":1}', 'application/json', 400, 'malformed-body'],
      ['resource=users&current=1', 'application/x-www-form-urlencoded', 422, 'validation-failed'],
      ['users', 'text/plain', 422, 'validation-failed'],
      ['<check/>', 'application/xml', 415, 'unsupported-media-type'],
      [JSON.stringify({ resource: 'users', current: 1, pad: 'x'.repeat(70_000) }), 'application/json', 413, 'payload-too-large'],
    ];
    for (const [payload, type, status, code] of raw) {
      for (const [method, url] of [['POST', '/api/tenant/v1/quota-check'], ['PUT', '/api/tenant/v1/usage']] as const) {
        assertProblem(await api.raw(method, url, payload, type), status, code, `${method} ${payload.slice(0, 40)} (${type})`);
      }
    }
    assertProblem(await api.raw('PUT', '/api/tenant/v1/usage', '', undefined), 422, 'validation-failed', 'no body at all');
    const { rows } = await sql.query('select count(*)::int as n from usage_samples where stack_id = $1', [stack.stackId]);
    assert.equal(rows[0].n, 0, 'no bad report was stored');
    assert.equal(platform.logs.lines.map((l) => JSON.parse(l) as { level: number }).filter((l) => l.level >= 50).length, 0, 'no error logged');
  });

  await t.test('a plan change made directly in the database is seen at once too (no cache)', async () => {
    const stack = await createTenantStack(sql, { plan: 'starter', status: 'active' });
    const api = tenantApi(app, stack.token);
    assert.equal((await api.quotaCheck({ resource: 'users', current: 4 })).json().allowed, true);
    await setPlan(sql, stack.subscriptionId, 'essai');
    assert.equal((await api.quotaCheck({ resource: 'users', current: 4 })).json().allowed, false);
  });
});
