// The whole platform with ORCHESTRATOR=portainer against the fake Portainer, from the trial form (over HTTP) to the
// ready tracking page: port mode behind Portainer's self-signed certificate, and domain mode across a standalone
// and a swarm environment behind a Traefik stand-in.
import assert from 'node:assert/strict';
import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { OWNER_VARIABLE, STACK_LABEL } from '../../../../src/orchestrators/portainer/stack-identity.ts';
import { startFakePortainer } from '../../../fakes/portainer/fake-portainer.ts';
import { openForm, startTestPlatform } from '../../../helpers/platform.ts';
import type { TestPlatform } from '../../../helpers/platform.ts';
import { ROUTES } from './helpers.ts';

type ComposeDoc = { services: Record<string, { ports?: string[]; labels?: Record<string, string>; environment?: Record<string, string> }> };

const fixture = (file: string) => readFileSync(new URL(`fixtures/${file}`, import.meta.url));

const person = {
  nom: 'Martin', prenom: 'Julie', email: 'julie@martin-renovation.fr', entreprise: 'Martin Rénovation',
  telephone: '06 12 34 56 78', effectif: '1-5', plan: 'essai', cgv: 'on',
};

/** Posts the trial form as a browser would; returns the tracking page's path. */
async function signup(platform: TestPlatform, fields: Record<string, string> = {}): Promise<string> {
  const form = await openForm(platform.app, '/essai');
  const response = await platform.app.inject({
    method: 'POST', url: '/essai', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    payload: new URLSearchParams({ ...person, ...fields, _csrf: form.token }).toString(),
  });
  assert.equal(response.statusCode, 303);
  return response.headers.location as string;
}

/** Waits for the stack's deployment to finish, then opens its tracking page once (the visit that shows the credentials). */
async function readyPage(platform: TestPlatform, tracking: string, company: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows: [row] } = await platform.sql.query(
      `select d.state, d.error from deployments d join stacks s on s.id = d.stack_id join clients c on c.id = s.client_id where c.entreprise = $1`, [company]);
    if (row?.state === 'succeeded') break;
    if (row?.state === 'failed' || Date.now() > deadline) throw new Error(`deployment ${row?.state}: ${row?.error ?? 'no error recorded'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const page = await platform.app.inject(tracking);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Votre ERP BTP est prêt/);
  return page.body;
}

test('port mode: a trial signup becomes a Portainer stack of ours, ready on its published port', async (t) => {
  const fake = await startFakePortainer({
    tls: { key: fixture('self-signed.key'), cert: fixture('self-signed.crt') }, servePublishedPorts: true, latency: { healthyAfterMs: 300 },
  });
  const platform = await startTestPlatform(t, {
    SIGNUP_RATE_LIMIT: '0', ORCHESTRATOR: 'portainer', PORTAINER_URL: fake.url, PORTAINER_API_KEY: fake.apiKey,
    PORTAINER_ENDPOINT_ID: '1', PORTAINER_INSECURE_TLS: 'true', TENANT_HOST: '127.0.0.1',
  }, { web: true, worker: true });
  t.after(() => fake.close());
  assert.match(platform.logs.text(), /"level":40.*PORTAINER_INSECURE_TLS/, 'the unverified certificate is logged as a warning at start');

  const page = await readyPage(platform, await signup(platform), person.entreprise);
  const { rows: [stack] } = await platform.sql.query('select name, environment, port, url, observed_state from stacks');
  assert.equal(stack.name, 'martin-renovation');
  assert.equal(stack.environment, '1');
  assert.equal(stack.url, `http://127.0.0.1:${stack.port}`);
  assert.equal(stack.observed_state, 'running');
  assert.ok(page.includes(`<code id="cred-url">${stack.url}</code>`));
  assert.match(page, /<code id="cred-user">julie<\/code>/);

  const [created, ...others] = fake.stacks();
  assert.deepEqual(others, [], 'one stack, never a second one');
  assert.deepEqual([created!.Name, created!.EndpointId, created!.Type], [stack.name, 1, 2]);
  assert.deepEqual(created!.Env, [{ name: OWNER_VARIABLE, value: stack.name }]);
  const file = parse(fake.stackFile(created!.Id)!) as ComposeDoc;
  assert.deepEqual(file.services.app!.ports, [`${stack.port}:8080`]);
  assert.equal(file.services.app!.environment!.APP_URL, stack.url);
  assert.ok(fake.containers(1).every((c) => c.labels[STACK_LABEL] === stack.name));
  assert.equal((await fetch(`${stack.url}/health`)).status, 200, 'the instance answers on its published port');

  const counts = fake.callCounts();
  assert.equal(counts[ROUTES.create], 1);
  assert.equal(counts['GET /api/stacks/:id'], undefined, 'no stack is fetched one by one');
  assert.ok(fake.calls().every((c) => c.credentials.join() === 'x-api-key'), 'the API key only: no login, no cookie');
});

test('domain mode: signups spread over both environments, each reached at its own URL through Traefik, no port published', async (t) => {
  const fake = await startFakePortainer({ traefikPort: 0, latency: { healthyAfterMs: 200 } });
  // Stands in for DNS: every *.erp-btp.test name points at this machine, where the Traefik stand-in listens.
  const lookup = dns.lookup;
  Object.assign(dns, {
    lookup: (host: string, ...rest: unknown[]) => Reflect.apply(lookup, dns, [host.endsWith('.erp-btp.test') ? '127.0.0.1' : host, ...rest]),
  });
  t.after(() => Object.assign(dns, { lookup }));
  const platform = await startTestPlatform(t, {
    SIGNUP_RATE_LIMIT: '0', ORCHESTRATOR: 'portainer', PORTAINER_URL: fake.url, PORTAINER_USERNAME: fake.adminUsername,
    PORTAINER_PASSWORD: fake.adminPassword, PORTAINER_ENDPOINT_ID: '1,2', TENANT_URL_TEMPLATE: `http://{name}.erp-btp.test:${fake.traefikPort}`,
  }, { web: true, worker: true });
  t.after(() => fake.close());

  const companies = ['Toitures Bernard', 'Plâtrerie Moreau'];
  for (const [i, entreprise] of companies.entries()) {
    const page = await readyPage(platform, await signup(platform, { entreprise, email: `contact${i}@example.fr` }), entreprise);
    assert.match(page, /<code id="cred-url">http:\/\/[a-z-]+\.erp-btp\.test:\d+<\/code>/);
  }

  const { rows } = await platform.sql.query('select name, environment, port, url from stacks order by id');
  assert.deepEqual(rows.map((r) => [r.name, r.environment, r.port, r.url]), [
    ['toitures-bernard', '1', null, `http://toitures-bernard.erp-btp.test:${fake.traefikPort}`],
    ['platrerie-moreau', '2', null, `http://platrerie-moreau.erp-btp.test:${fake.traefikPort}`],
  ]);
  assert.equal((await platform.sql.query('select count(*)::int as n from port_allocations')).rows[0].n, 0);

  const stacks = fake.stacks().sort((a, b) => a.Id - b.Id);
  assert.deepEqual(stacks.map((s) => [s.Name, s.EndpointId, s.Type, s.SwarmId]), [
    ['toitures-bernard', 1, 2, ''], ['platrerie-moreau', 2, 1, fake.swarmId(2)],
  ]);
  for (const [i, created] of stacks.entries()) {
    const app = (parse(fake.stackFile(created.Id)!) as ComposeDoc).services.app!;
    assert.equal(app.ports, undefined, 'nothing is published in domain mode');
    assert.equal(app.labels![`traefik.http.routers.${created.Name}.rule`], `Host(\`${created.Name}.erp-btp.test\`)`);
    assert.equal(app.environment!.APP_URL, rows[i].url);
    assert.equal((await fetch(`${rows[i].url}/health`)).status, 200, 'the instance answers at its own URL');
  }
  assert.equal(fake.callCount(ROUTES.login), 1, 'one login serves every call');
});
