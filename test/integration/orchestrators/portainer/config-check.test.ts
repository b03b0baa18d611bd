// `erpbtp config check` with ORCHESTRATOR=portainer calls Portainer (here the fake) and lists, in French, the
// environments it sees; it fails when Portainer is unreachable, refuses the credentials or lacks an environment.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../../src/db/embedded-postgres.ts';
import { startFakePortainer } from '../../../fakes/portainer/fake-portainer.ts';

const MAIN = fileURLToPath(new URL('../../../../bin/erpbtp.js', import.meta.url));
const fixture = (file: string) => readFileSync(new URL(`fixtures/${file}`, import.meta.url));

/** Runs the command from a directory without any `.env`, with only the given Portainer settings. */
function configCheck(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, 'config', 'check'], { cwd: os.tmpdir(), env: { PATH: process.env.PATH, ORCHESTRATOR: 'portainer', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

test('lists the environments Portainer sees, standalone and swarm, secrets masked', async (t) => {
  const fake = await startFakePortainer();
  t.after(() => fake.close());
  const { code, stdout } = await configCheck({ PORTAINER_URL: fake.url, PORTAINER_API_KEY: fake.apiKey, PORTAINER_ENDPOINT_ID: '1,2' });
  assert.equal(code, 0, stdout);
  assert.match(stdout, /PORTAINER_API_KEY +\*\*\*/);
  assert.ok(!stdout.includes(fake.apiKey), 'the API key is never printed');
  assert.ok(stdout.includes(`Portainer (${fake.url}, clé d’API) :`));
  assert.match(stdout, /environnement 1 « local » : Docker autonome \(type Docker\), en ligne/);
  assert.ok(stdout.includes(`environnement 2 « swarm » : Docker Swarm, cluster ${fake.swarmId(2)} (type Docker), en ligne`));
  assert.match(stdout, /créées dans 2 environnement\(s\)/);
});

test('with PORTAINER_INSECURE_TLS, warns that the certificate is not verified, and logs in with the account', async (t) => {
  const fake = await startFakePortainer({ tls: { key: fixture('self-signed.key'), cert: fixture('self-signed.crt') } });
  t.after(() => fake.close());
  const account = { PORTAINER_URL: fake.url, PORTAINER_USERNAME: fake.adminUsername, PORTAINER_PASSWORD: fake.adminPassword };
  const refused = await configCheck(account);
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /Portainer est injoignable à https:.*TLS certificate not accepted.*PORTAINER_INSECURE_TLS=true/);

  const { code, stdout } = await configCheck({ ...account, PORTAINER_INSECURE_TLS: 'true' });
  assert.equal(code, 0, stdout);
  assert.match(stdout, /Attention : PORTAINER_INSECURE_TLS=true, le certificat TLS de Portainer n’est pas vérifié\./);
  assert.ok(stdout.includes(`Portainer (${fake.url}, compte « admin ») :`));
  assert.match(stdout, /environnement 1 « local » : Docker autonome/);
  assert.ok(!stdout.includes(fake.adminPassword), 'the password is never printed');
});

test('fails, saying why, when Portainer is unreachable, refuses the credentials or lacks an environment', async (t) => {
  const fake = await startFakePortainer();
  t.after(() => fake.close());

  const unknown = await configCheck({ PORTAINER_URL: fake.url, PORTAINER_API_KEY: fake.apiKey, PORTAINER_ENDPOINT_ID: '1,7' });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stdout, /environnement 7 : introuvable, ou les identifiants n’y donnent pas accès/);
  assert.match(unknown.stdout, /Au moins un environnement de PORTAINER_ENDPOINT_ID ne peut pas recevoir d’instances\./);

  const wrongKey = await configCheck({ PORTAINER_URL: fake.url, PORTAINER_API_KEY: 'ptr_wrong' });
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.stdout, /Portainer refuse les identifiants : .*401 Invalid JWT token/);

  const wrongPassword = await configCheck({ PORTAINER_URL: fake.url, PORTAINER_USERNAME: 'admin', PORTAINER_PASSWORD: 'not-the-password' });
  assert.equal(wrongPassword.code, 1);
  assert.match(wrongPassword.stdout, /Portainer refuse les identifiants : .*422 Invalid credentials/);

  const nobody = `http://127.0.0.1:${await freePort()}`;
  const unreachable = await configCheck({ PORTAINER_URL: nobody, PORTAINER_API_KEY: fake.apiKey });
  assert.equal(unreachable.code, 1);
  assert.ok(unreachable.stdout.includes(`Portainer est injoignable à ${nobody} : `), unreachable.stdout);
});

test('an invalid configuration stops before calling Portainer, in French, naming the variables', async () => {
  const { code, stderr } = await configCheck({ PORTAINER_ENDPOINT_ID: 'local' });
  assert.equal(code, 2);
  assert.match(stderr, /PORTAINER_URL : obligatoire avec ORCHESTRATOR=portainer/);
  assert.match(stderr, /PORTAINER_API_KEY, ou PORTAINER_USERNAME et PORTAINER_PASSWORD : obligatoires avec ORCHESTRATOR=portainer/);
  assert.match(stderr, /PORTAINER_ENDPOINT_ID : attendu des identifiants d’environnements Portainer séparés par des virgules/);
});
