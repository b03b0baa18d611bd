// What the Portainer benchmarks share: the platform configured for the fake Portainer, trial signups over HTTP
// as a browser sends them, and stacks created straight on the fake to stand for an existing fleet.
import { loadStackTemplate, renderComposeFile } from '../../src/orchestrators/portainer/compose-template.ts';
import { ownerEnv } from '../../src/orchestrators/portainer/stack-identity.ts';
import type { FakePortainer } from '../../test/fakes/portainer/fake-portainer.ts';

/**
 * The settings a vendor sets to run on this Portainer (one standalone environment, port mode on its host). The
 * fake serves the published ports on this machine: they stay below Linux's ephemeral range (32768-60999), where
 * outgoing connections could hold them.
 */
export function portainerEnv(fake: FakePortainer, more: Record<string, string> = {}): Record<string, string> {
  return {
    SIGNUP_RATE_LIMIT: '0', ORCHESTRATOR: 'portainer', PORTAINER_URL: fake.url, PORTAINER_API_KEY: fake.apiKey,
    PORTAINER_ENDPOINT_ID: '1', TENANT_HOST: new URL(fake.url).hostname, TENANT_PORT_RANGE: '24000-24999', ...more,
  };
}

/** Posts the trial form as a browser would (form page for the CSRF token and cookie, then the POST). */
export async function submitTrial(platformUrl: string, fields: { email: string; entreprise: string }): Promise<void> {
  const page = await fetch(`${platformUrl}/essai`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!token) throw new Error('no CSRF token on /essai');
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const response = await fetch(`${platformUrl}/essai`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ nom: 'Martin', prenom: 'Julie', telephone: '0612345678', effectif: '1-5', plan: 'essai', cgv: 'on', _csrf: token, ...fields }),
  });
  if (response.status !== 303) throw new Error(`signup answered ${response.status}`);
}

/** Creates stacks straight on the fake, `concurrency` requests at a time. */
export async function createStacks(fake: FakePortainer, count: number, stack: (i: number) => { path: string; body: unknown }, concurrency = 32): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < count; i = next++) {
      const { path, body } = stack(i);
      const response = await fetch(`${fake.url}${path}`, {
        method: 'POST', headers: { 'X-API-Key': fake.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      if (response.status !== 200) throw new Error(`creating stack ${i}: ${response.status} ${await response.text()}`);
    }
  }));
}

/** Stacks as the driver creates them: the default template rendered, our env mark, standalone or on `swarmId`. */
export function ourStack(envId: number, swarmId: string | null, name: string, port: number): { path: string; body: unknown } {
  const spec = {
    name, environment: String(envId), port,
    variables: {
      POSTGRES_PASSWORD: 'pg', SECRET_KEY: 'secret', INITIAL_USERNAME: 'julie', INITIAL_PASSWORD: 'initial', TENANT_TOKEN: 'token',
      CLIENT_ID: '1', CLIENT_NAME: 'Martin Rénovation', CLIENT_NUMBER: 'C000001', APP_PORT: String(port), APP_URL: `http://127.0.0.1:${port}`,
      PLATFORM_URL: 'http://127.0.0.1:3000', PLAN: 'essai', QUOTA_USERS: '2', QUOTA_PROJECTS: '5', QUOTA_STORAGE_GB: '1', CPU_LIMIT: '0.5', MEMORY_LIMIT_MB: '512',
    },
  };
  const body = { name, stackFileContent: renderComposeFile(template(), spec), env: ownerEnv(name) };
  return swarmId
    ? { path: `/api/stacks/create/swarm/string?endpointId=${envId}`, body: { ...body, swarmID: swarmId } }
    : { path: `/api/stacks/create/standalone/string?endpointId=${envId}`, body };
}

let loaded: string | undefined;
function template(): string {
  loaded ??= loadStackTemplate();
  return loaded;
}

/** `{ route: count }` as one line, most frequent first. */
export function describeCalls(counts: Record<string, number>): string {
  return Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([route, n]) => `${route} ×${n}`).join(', ');
}
