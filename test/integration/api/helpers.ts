// Helpers of the REST API tests: keys of any scope and state made through the real service, requests
// with a key, a valid trial body, and direct database changes that put stacks and deployments in a state.
import type { TestContext } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createApiKeysService } from '../../../src/api-keys/api-keys.service.ts';
import { SYSTEM_ACTOR } from '../../../src/audit/actor.ts';
import { openDatabase } from '../../../src/db/database.ts';
import type { ApiScope } from '../../../src/db/schema.ts';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.ts';

export type KeyState = 'active' | 'expired' | 'revoked';

export interface ApiTestPlatform extends TestPlatform {
  /** A new key with these scopes, in this state. */
  key(scopes: ApiScope[], state?: KeyState, name?: string): Promise<string>;
  /** A request with `Authorization: Bearer <key>` (none when `key` is undefined). */
  call(key: string | undefined, method: string, url: string, options?: { body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
}

let counter = 0;

export async function startApiPlatform(t: TestContext, env: Record<string, string> = {}, worker = false): Promise<ApiTestPlatform> {
  const platform = await startTestPlatform(t, { SIGNUP_RATE_LIMIT: '0', API_RATE_LIMIT: '100000', ...env }, { web: true, worker });
  const database = openDatabase(platform.database.url, { max: 2 });
  platform.onTeardown(() => database.close());
  let now = new Date();
  const keys = createApiKeysService({ db: database.db, now: () => now });
  return {
    ...platform,
    async key(scopes, state = 'active', name = `Intégration ${++counter}`) {
      // An expired key is made by creating it in the past: the service refuses an expiry already reached.
      now = state === 'expired' ? new Date(Date.now() - 7_200_000) : new Date();
      const created = await keys.create(SYSTEM_ACTOR, { name, scopes, expiresAt: state === 'expired' ? new Date(Date.now() - 3_600_000) : null });
      now = new Date();
      if (created.status !== 'created') throw new Error(`key not created: ${created.problems.join(', ')}`);
      if (state === 'revoked') await keys.revoke(SYSTEM_ACTOR, created.apiKey.id);
      return created.key;
    },
    call(key, method, url, options = {}) {
      return call(platform.app, key, method, url, options);
    },
  };
}

export function call(app: FastifyInstance, key: string | undefined, method: string, url: string, options: { body?: unknown; headers?: Record<string, string> } = {}) {
  return app.inject({
    method: method as 'GET',
    url,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers },
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
}

let people = 0;

/** A trial body as the site's form would send it, with a fresh e-mail and company each time. */
export function trialBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const n = ++people;
  return {
    nom: 'Martin', prenom: 'Julie', email: `julie.${n}.${process.pid}@martin-renovation.fr`, entreprise: `Martin Rénovation ${n}`,
    telephone: '06 12 34 56 78', effectif: '1-5', plan: 'starter', cgv: true, ...overrides,
  };
}

/** Marks a stack's creation as done, as the worker would (the tests of the web role run no worker). */
export async function markReady(platform: TestPlatform, stackName: string): Promise<void> {
  await platform.sql.query(`update stacks set observed_state = 'running', url = 'http://localhost:1' where name = $1`, [stackName]);
  await platform.sql.query(`update deployments set state = 'succeeded', finished_at = now() where stack_id = (select id from stacks where name = $1)`, [stackName]);
}

export function problemOf(response: LightMyRequestResponse): { type: string; title: string; status: number; code: string; detail?: string; errors?: { field: string; message: string }[] } {
  return response.json();
}
